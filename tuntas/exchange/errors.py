"""One error shape for the whole API, in the caller's language.

``{"error": {"code": "...", "message": "...", "field": "..." | null, "fields": {...}}}``:
``code`` is stable for programs, ``message`` is for people, ``field`` names the first field
at fault (dotted for nested ones: ``identity.email``, ``attachments.0.content_base64``) and
``fields`` lists every message per field. Validation errors are 422, a body that is not a
JSON object is 400.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from tuntas.complaints.attachments import AttachmentRefused
from tuntas.complaints.codes import format_public_number
from tuntas.core.request_context import current_request_id
from tuntas.exchange.idempotency import IdempotencyKeyInFlight, IdempotencyKeyReused
from tuntas.exchange.services import DuplicateExternalId

logger = logging.getLogger("tuntas.exchange")

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY  # "non_field_errors"
FieldErrors = dict[str, list[str]]


class ApiError(Exception):
    """A refusal with its status, code and message, raised anywhere in the API."""

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        message: str,
        field: str | None = None,
        fields: FieldErrors | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.field = field
        self.fields = fields if fields is not None else ({field: [message]} if field else {})
        self.extra = extra or {}
        self.headers: dict[str, str] = {}

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "field": self.field,
                "fields": self.fields,
                **self.extra,
            }
        }


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class InvalidBody(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_body"


def _flatten(detail: Any, prefix: str = "") -> FieldErrors:
    """DRF's nested error detail as ``{"dotted.field": [messages]}``."""
    found: FieldErrors = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = str(key) if key != NON_FIELD else ""
            path = f"{prefix}.{name}" if prefix and name else (name or prefix)
            for field, messages in _flatten(value, path).items():
                found.setdefault(field, []).extend(messages)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            path = f"{prefix}.{index}" if prefix else str(index)
            for field, messages in _flatten(item, path).items():
                found.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        found.setdefault(prefix, []).extend(str(item) for item in detail)
    else:
        found.setdefault(prefix, []).append(str(detail))
    return found


def validation_error(fields: FieldErrors) -> ApiError:
    """422 naming the first field at fault; messages without a field go under ``""``."""
    first_field = next((name for name in fields if name), None)
    first_message = (fields[first_field] if first_field else next(iter(fields.values()), [""]))[0]
    return ApiError(
        status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        code="validation_error",
        message=first_message or _("The request is not valid."),
        field=first_field,
        fields={name: messages for name, messages in fields.items() if name},
    )


def django_validation_fields(error: DjangoValidationError) -> FieldErrors:
    if hasattr(error, "error_dict"):
        return {
            ("" if name == "__all__" else name): list(messages)
            for name, messages in error.message_dict.items()
        }
    return {"": list(error.messages)}


def _code_of(error: exceptions.APIException) -> str:
    codes = error.get_codes()
    return codes if isinstance(codes, str) else str(error.default_code)


def api_error_for(error: Exception) -> ApiError | None:
    """The API's answer to an exception, or None when it is a server error."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, exceptions.ValidationError):
        return validation_error(_flatten(error.detail))
    if isinstance(error, DjangoValidationError):
        return validation_error(django_validation_fields(error))
    if isinstance(error, AttachmentRefused):
        message = str(error)
        if getattr(error, "retryable", False):
            # The virus scanner gave no verdict: nothing is wrong with the request; a 5xx
            # also frees the Idempotency-Key for the retry.
            return ApiError(
                status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                code="attachment_check_unavailable",
                message=message,
                field="attachments",
                extra={"file": error.name},
            )
        return ApiError(
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            code="attachment_refused",
            message=message,
            field="attachments",
            extra={"file": error.name, "rule": error.rule},
        )
    if isinstance(error, DuplicateExternalId):
        return ApiError(
            status_code=status.HTTP_409_CONFLICT,
            code="duplicate_external_id",
            message=_("A report with this external_id was already received: %(number)s.")
            % {"number": format_public_number(error.report.public_number)},
            field="external_id",
            extra={"number": format_public_number(error.report.public_number)},
        )
    if isinstance(error, IdempotencyKeyInFlight):
        return ApiError(
            status_code=status.HTTP_409_CONFLICT,
            code="idempotency_in_flight",
            message=_("A request with this Idempotency-Key is still being processed; retry later."),
        )
    if isinstance(error, IdempotencyKeyReused):
        return ApiError(
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            code="idempotency_key_reused",
            message=_("This Idempotency-Key was already used for a different request."),
        )
    if isinstance(error, Http404 | exceptions.NotFound):
        return ApiError(
            status_code=status.HTTP_404_NOT_FOUND,
            code="not_found",
            message=_("There is nothing at this address."),
        )
    if isinstance(error, DjangoPermissionDenied):
        error = exceptions.PermissionDenied()
    if isinstance(error, exceptions.NotAuthenticated):
        error.detail = exceptions.ErrorDetail(
            _("Send your API key in the Authorization header: Bearer <key>."),
            code="not_authenticated",
        )
    if isinstance(error, exceptions.ParseError):
        return ApiError(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="invalid_json",
            message=_("The request body is not valid JSON."),
        )
    if isinstance(error, exceptions.APIException):
        detail = error.detail
        message = str(detail) if not isinstance(detail, dict | list) else _("Request refused.")
        refusal = ApiError(status_code=error.status_code, code=_code_of(error), message=message)
        if getattr(error, "auth_header", None):
            refusal.headers["WWW-Authenticate"] = str(error.auth_header)  # type: ignore[attr-defined]
        wait = getattr(error, "wait", None)
        if isinstance(error, exceptions.Throttled) and wait is not None:
            refusal.headers["Retry-After"] = str(int(wait))
        return refusal
    return None


def server_error() -> ApiError:
    return ApiError(
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        code="server_error",
        message=_(
            "Something went wrong on our side. Please try again later, and quote the "
            "request_id if it keeps happening."
        ),
        extra={"request_id": current_request_id() or ""},
    )


def api_exception_handler(error: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER for the API views: every failure in the one error shape."""
    refusal = api_error_for(error)
    if refusal is None:
        logger.error("API request failed", exc_info=error)
        refusal = server_error()
    set_rollback()
    return Response(refusal.body(), status=refusal.status_code, headers=refusal.headers)
