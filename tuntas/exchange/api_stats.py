"""Monthly counts of the reports in a key's scope, by case state, category and channel."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from tuntas.exchange.api_reading import READ_ERRORS, client_of, moment_param
from tuntas.exchange.authentication import CanRead
from tuntas.exchange.errors import ApiError
from tuntas.exchange.selectors import report_statistics
from tuntas.exchange.serializers_read import StatisticsOutput
from tuntas.exchange.transport import ApiView

MAX_SPAN = datetime.timedelta(days=5 * 366)


@extend_schema(
    summary="Monthly statistics",
    request=None,
    parameters=[
        OpenApiParameter("since", OpenApiTypes.DATETIME, description="Default: a year ago."),
        OpenApiParameter("until", OpenApiTypes.DATETIME, description="Default: now."),
    ],
    responses={status.HTTP_200_OK: StatisticsOutput, **READ_ERRORS},
)
class StatisticsApi(ApiView):
    """Reports per month in the key's scope, by case state, category and channel."""

    permission_classes = [CanRead]

    def get(self, request: Request) -> Response:
        until = moment_param(request, "until") or timezone.now()
        since = moment_param(request, "since") or until - datetime.timedelta(days=365)
        if not datetime.timedelta(0) < until - since <= MAX_SPAN:
            raise ApiError(
                status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
                code="validation_error",
                message=_("since must be before until, and at most five years before it."),
                field="since",
            )
        months = report_statistics(client=client_of(request), since=since, until=until)
        return Response(StatisticsOutput({"since": since, "until": until, "months": months}).data)
