"""Reading reports, and the one update: a channel system adds the reporter's information."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from tuntas.cases.workflow import AgencyState
from tuntas.complaints.codes import normalise_public_number
from tuntas.complaints.models import Category, Channel, Report
from tuntas.complaints.services import report_add_information
from tuntas.exchange.api import ReportSubmitApi
from tuntas.exchange.api_reading import (
    PAGE_PARAMETERS,
    READ_ERRORS,
    ChangedSinceCursor,
    NewestFirstCursor,
    choice_param,
    client_of,
    moment_param,
    paginated,
    require_if_match,
)
from tuntas.exchange.authentication import CanRead, CanSubmit
from tuntas.exchange.errors import ApiError
from tuntas.exchange.selectors import report_get_for_client, reports_readable_by
from tuntas.exchange.serializers import ErrorOutput
from tuntas.exchange.serializers_read import (
    InformationInput,
    ReportOutput,
    ReportPageOutput,
    report_data,
    report_etag,
)
from tuntas.exchange.transport import ApiView

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
NUMBER = OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH)


def _filtered(request: Request, reports: Any) -> Any:
    state = choice_param(request, "state", list(AgencyState.values))
    channel = choice_param(request, "channel", list(Channel.values))
    category = request.query_params.get("category", "").strip()
    updated_since = moment_param(request, "updated_since")
    submitted_since = moment_param(request, "submitted_since")
    if state is not None:
        reports = reports.filter(agency_case__state=state)
    if channel is not None:
        reports = reports.filter(channel=channel)
    if category:
        if not _SLUG.match(category) or not Category.objects.filter(slug=category).exists():
            raise ApiError(
                status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
                code="validation_error",
                message=_("Unknown category."),
                field="category",
            )
        reports = reports.filter(category__slug=category)
    if updated_since is not None:
        reports = reports.filter(updated_at__gte=updated_since)
    if submitted_since is not None:
        reports = reports.filter(submitted_at__gte=submitted_since)
    return reports


class ReportsApi(ReportSubmitApi):
    """``/reports``: POST submits (ReportSubmitApi); GET lists the reports in the key's scope."""

    pagination_class = NewestFirstCursor

    def get_permissions(self) -> Sequence[Any]:
        if self.request.method in ("GET", "HEAD"):
            return [CanRead()]
        return super().get_permissions()

    @extend_schema(
        operation_id="reports_list",
        summary="List reports",
        description="Reports of the key's institution (an Ombudsman office: its "
        "jurisdiction), newest first; with updated_since, oldest change first. Text is "
        "redacted; the reporter only for an open identity and a key with the exchange scope.",
        request=None,
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=list(AgencyState.values)),
            OpenApiParameter("category", OpenApiTypes.STR),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=list(Channel.values)),
            OpenApiParameter("updated_since", OpenApiTypes.DATETIME),
            OpenApiParameter("submitted_since", OpenApiTypes.DATETIME),
            *PAGE_PARAMETERS,
        ],
        responses={status.HTTP_200_OK: ReportPageOutput, **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        client = client_of(request)
        reports = _filtered(
            request,
            reports_readable_by(client).select_related(
                "category", "institution", "agency_case", "identity"
            ),
        )
        since = request.query_params.get("updated_since", "").strip()
        paginator = ChangedSinceCursor() if since else self.pagination_class()
        page = paginated(paginator, request, self, reports)
        data = [report_data(report, client=client) for report in page]
        return paginator.get_paginated_response(ReportOutput(data, many=True).data)


def _detail_response(report: Report, client: Any, *, code: int = 200) -> Response:
    response = Response(ReportOutput(report_data(report, client=client)).data, status=code)
    response["ETag"] = report_etag(report)
    return response


@extend_schema(
    summary="Read a report",
    request=None,
    parameters=[NUMBER],
    responses={status.HTTP_200_OK: ReportOutput, **READ_ERRORS},
)
class ReportDetailApi(ApiView):
    """One report in the key's scope, with its ETag; text redacted as in the list."""

    permission_classes = [CanRead]

    def get(self, request: Request, number: str) -> HttpResponse:
        client = client_of(request)
        report = report_get_for_client(client=client, number=normalise_public_number(number))
        return _detail_response(report, client)


@extend_schema(
    summary="Add the reporter's information to a report",
    description="A channel system passes on what the reporter added (an SMS reply, a call). "
    "Send If-Match with the report's ETag: 428 without it, 412 when the report changed.",
    request=InformationInput,
    parameters=[
        NUMBER,
        OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
    ],
    responses={
        status.HTTP_200_OK: ReportOutput,
        status.HTTP_400_BAD_REQUEST: OpenApiResponse(
            ErrorOutput, description="The body is not JSON, or not an object."
        ),
        status.HTTP_412_PRECONDITION_FAILED: OpenApiResponse(ErrorOutput),
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: OpenApiResponse(ErrorOutput),
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: OpenApiResponse(ErrorOutput),
        status.HTTP_428_PRECONDITION_REQUIRED: OpenApiResponse(ErrorOutput),
        **READ_ERRORS,
    },
)
class ReportInformationAddApi(ApiView):
    """What the reporter added through the channel system, appended to the report."""

    permission_classes = [CanSubmit]
    InputSerializer = InformationInput

    def post(self, request: Request, number: str) -> HttpResponse:
        client = client_of(request)
        serializer = self.InputSerializer(data=self.json_object(request))
        serializer.is_valid(raise_exception=True)
        normalised = normalise_public_number(number)
        with transaction.atomic():
            report = report_get_for_client(client=client, number=normalised)
            # Lock the row, so that two writers with the same ETag cannot both pass.
            Report.objects.select_for_update().filter(pk=report.pk).first()
            report = report_get_for_client(client=client, number=normalised)
            require_if_match(request, report_etag(report))
            report_add_information(
                report=report,
                text=serializer.validated_data["text"],
                uploads=[],
                actor=None,
                channel=Channel.API,
            )
        report = report_get_for_client(client=client, number=normalised)
        return _detail_response(report, client)
