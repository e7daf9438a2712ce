"""What every reading API view shares: pagination, filters, conditional requests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from tuntas.exchange.errors import ApiError
from tuntas.exchange.models import ApiClient
from tuntas.exchange.serializers import ErrorOutput


class NewestFirstCursor(CursorPagination):
    """Cursor pagination: stable under inserts and cheap on a million rows (no OFFSET)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-submitted_at", "-pk")


class ChangedSinceCursor(NewestFirstCursor):
    """With updated_since: oldest change first, so that a partner syncing catches up in order."""

    ordering = ("updated_at", "pk")


class CaseCursor(NewestFirstCursor):
    ordering = ("-opened_at", "-pk")


def client_of(request: Request) -> ApiClient:
    client = request.auth
    if not isinstance(client, ApiClient):  # the permission classes made sure; this tells mypy
        raise NotAuthenticated()
    return client


def moment_param(request: Request, name: str) -> datetime.datetime | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    parsed = None
    try:
        parsed = parse_datetime(raw)
        if parsed is None and (day := parse_date(raw)) is not None:
            parsed = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        parsed = None
    if parsed is not None and not 1970 <= parsed.year <= 2999:
        parsed = None  # outside what any report can carry (and old local offsets break ISO 8601)
    if parsed is None:
        raise ApiError(
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            code="validation_error",
            message=_("Give a date (YYYY-MM-DD) or an ISO 8601 date and time, 1970 to 2999."),
            field=name,
        )
    from django.utils import timezone

    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def choice_param(request: Request, name: str, choices: list[str]) -> str | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    if raw not in choices:
        raise ApiError(
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            code="validation_error",
            message=_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)},
            field=name,
        )
    return raw


def require_if_match(request: Request, current: str) -> None:
    """428 without If-Match, 412 when it names another version than ``current``."""
    presented = request.headers.get("If-Match")
    if presented is None or not presented.strip():
        raise ApiError(
            status_code=status.HTTP_428_PRECONDITION_REQUIRED,
            code="if_match_required",
            message=_("Send If-Match with the ETag you last read, so no change is overwritten."),
        )
    tags = {tag.strip().removeprefix("W/") for tag in presented.split(",")}
    if "*" not in tags and current not in tags:
        raise ApiError(
            status_code=status.HTTP_412_PRECONDITION_FAILED,
            code="stale_version",
            message=_("The report changed since you read it; read it again and retry."),
            extra={"current_version": current},
        )


READ_ERRORS = {
    status.HTTP_401_UNAUTHORIZED: OpenApiResponse(
        ErrorOutput, description="No, a bad or an expired key."
    ),
    status.HTTP_403_FORBIDDEN: OpenApiResponse(ErrorOutput, description="The key lacks the scope."),
    status.HTTP_404_NOT_FOUND: OpenApiResponse(
        ErrorOutput, description="Unknown, or out of the key's scope."
    ),
    status.HTTP_422_UNPROCESSABLE_ENTITY: OpenApiResponse(ErrorOutput, description="A bad filter."),
    status.HTTP_429_TOO_MANY_REQUESTS: OpenApiResponse(
        ErrorOutput, description="The client's rate limit; see Retry-After."
    ),
}

PAGE_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next` or `previous`."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 200 (default 50)."),
]


def paginated(paginator: CursorPagination, request: Request, view: Any, queryset: Any) -> list[Any]:
    page = paginator.paginate_queryset(queryset, request, view=view)
    return list(page or [])
