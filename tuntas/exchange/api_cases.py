"""Reading the agency cases of reports, with their public events."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from tuntas.cases.models import AgencyCase
from tuntas.cases.workflow import AgencyState
from tuntas.complaints.codes import (
    PUBLIC_NUMBER_PATTERN,
    format_public_number,
    normalise_public_number,
)
from tuntas.exchange.api_reading import (
    PAGE_PARAMETERS,
    READ_ERRORS,
    CaseCursor,
    choice_param,
    client_of,
    paginated,
)
from tuntas.exchange.authentication import CanRead
from tuntas.exchange.selectors import cases_readable_by, report_public_events
from tuntas.exchange.serializers_read import CaseOutput, CasePageOutput
from tuntas.exchange.transport import ApiView


def _cases_for(client: Any) -> Any:
    return cases_readable_by(client).select_related("report", "institution")


def case_data(case: AgencyCase, *, events: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": format_public_number(case.report.public_number),
        "state": case.state,
        "state_label": str(AgencyState(case.state).label),
        "institution": case.institution.slug,
        "unit": case.unit_id,
        "stage": case.stage,
        "due_on": case.due_on,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
    }
    if events:
        data["events"] = [
            {"at": event.occurred_at, "action": event.action, "label": label}
            for event, label in report_public_events(case.report)
        ]
    return data


@extend_schema(
    summary="List cases",
    request=None,
    parameters=[
        OpenApiParameter("state", OpenApiTypes.STR, enum=list(AgencyState.values)),
        *PAGE_PARAMETERS,
    ],
    responses={status.HTTP_200_OK: CasePageOutput, **READ_ERRORS},
)
class CaseListApi(ApiView):
    """The agency cases in the key's scope, newest first, optionally in one state."""

    permission_classes = [CanRead]
    pagination_class = CaseCursor

    @extend_schema(operation_id="cases_list")
    def get(self, request: Request) -> Response:
        cases = _cases_for(client_of(request))
        state = choice_param(request, "state", list(AgencyState.values))
        if state is not None:
            cases = cases.filter(state=state)
        paginator = self.pagination_class()
        page = paginated(paginator, request, self, cases)
        data = [case_data(case, events=False) for case in page]
        return paginator.get_paginated_response(CaseOutput(data, many=True).data)


@extend_schema(
    summary="Read a case and its public events",
    request=None,
    parameters=[OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH)],
    responses={status.HTTP_200_OK: CaseOutput, **READ_ERRORS},
)
class CaseDetailApi(ApiView):
    """One case: its state, stage, deadline, and the events the reporter may see too."""

    permission_classes = [CanRead]

    def get(self, request: Request, number: str) -> Response:
        normalised = normalise_public_number(number)
        case = (
            _cases_for(client_of(request)).filter(report__public_number=normalised).first()
            if PUBLIC_NUMBER_PATTERN.match(normalised)
            else None
        )
        if case is None:
            raise Http404(number)
        return Response(CaseOutput(case_data(case, events=True)).data)
