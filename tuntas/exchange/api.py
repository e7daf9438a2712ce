"""REST API v1 views: parse, call the services, answer in the API's shape."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from tuntas.complaints import codes
from tuntas.complaints.identity import Identity
from tuntas.complaints.services_intake import PreparedReport, ReportDraft
from tuntas.exchange.authentication import CanSubmit
from tuntas.exchange.errors import (
    ApiError,
    api_error_for,
    django_validation_fields,
    validation_error,
)
from tuntas.exchange.idempotency import (
    StoredResponse,
    canonical_json,
    idempotent_call,
    key_is_valid,
    request_fingerprint,
)
from tuntas.exchange.models import ApiClient
from tuntas.exchange.serializers import ErrorOutput, ReportInput, ReportReceiptOutput
from tuntas.exchange.services import api_report_prepare, api_report_submit_prepared
from tuntas.exchange.transport import ApiView, api_language, stored_response

# What the service calls the identity's fields, and where they sit in the API body.
_SERVICE_FIELD_NAMES = {"name": "identity.name", "nik": "identity.nik", "email": "identity.email"}

_ERRORS = {
    status.HTTP_400_BAD_REQUEST: OpenApiResponse(
        ErrorOutput, description="The body is not JSON, not an object, or the key is malformed."
    ),
    status.HTTP_401_UNAUTHORIZED: OpenApiResponse(ErrorOutput, description="No or a bad key."),
    status.HTTP_403_FORBIDDEN: OpenApiResponse(
        ErrorOutput, description="The key lacks the submit scope."
    ),
    status.HTTP_409_CONFLICT: OpenApiResponse(
        ErrorOutput,
        description="The external_id was already received, or a request with the same "
        "Idempotency-Key is still in flight.",
    ),
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: OpenApiResponse(ErrorOutput),
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: OpenApiResponse(ErrorOutput),
    status.HTTP_422_UNPROCESSABLE_ENTITY: OpenApiResponse(
        ErrorOutput,
        description="A field is invalid, a file is refused, or the Idempotency-Key was used "
        "for a different request.",
    ),
    status.HTTP_429_TOO_MANY_REQUESTS: OpenApiResponse(ErrorOutput),
}


def _client_refusal(error: Exception) -> StoredResponse | None:
    refusal = api_error_for(error)
    if refusal is None:
        return None
    return StoredResponse(status=refusal.status_code, content=canonical_json(refusal.body()))


# On the class: drf-spectacular then builds on this view's own AutoSchema.
@extend_schema(
    summary="Submit a report",
    request=ReportInput,
    responses={status.HTTP_201_CREATED: ReportReceiptOutput, **_ERRORS},
    parameters=[
        OpenApiParameter(
            "Idempotency-Key",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="Up to 255 visible ASCII characters (a UUID is best). A retry with "
            "the same key and body gets the first answer (header Idempotent-Replayed: "
            "true) for 72 hours.",
        ),
        OpenApiParameter(
            "Accept-Language",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="`id` (default) or `en`: the language of error messages.",
        ),
    ],
)
class ReportSubmitApi(ApiView):
    """A channel system hands over a report it received (SMS gateway, call centre, LAPOR!)."""

    permission_classes = [CanSubmit]
    InputSerializer = ReportInput
    OutputSerializer = ReportReceiptOutput

    def post(self, request: Request) -> HttpResponse:
        client = request.auth
        if not isinstance(client, ApiClient):  # CanSubmit has made sure; this tells mypy
            raise NotAuthenticated()
        data = self.json_object(request)
        key = request.headers.get("Idempotency-Key")
        prepared: list[tuple[PreparedReport, str]] = []

        def prepare() -> None:
            # Validation, reads and the CPU-heavy part of the submission (hashing, sealing)
            # happen before the write transaction: on SQLite every other writer waits for it.
            prepared[:] = [self._prepare(client, data)]

        def work() -> StoredResponse:
            if not prepared:
                prepare()
            report, external_id = prepared[0]
            return self._submit(request, client, report, external_id)

        if key is None:
            return stored_response(work())
        if not key_is_valid(key):
            raise ApiError(
                status_code=status.HTTP_400_BAD_REQUEST,
                code="idempotency_key_invalid",
                message=_("The Idempotency-Key must be 1 to 255 visible ASCII characters."),
            )
        outcome = idempotent_call(
            client=client,
            key=key,
            fingerprint=request_fingerprint(
                method=request.method or "", path=request.path, body=data
            ),
            work=work,
            client_error=_client_refusal,
            prepare=prepare,
        )
        return stored_response(outcome.response, replayed=outcome.replayed)

    def _draft(self, client: ApiClient, data: dict[str, Any]) -> tuple[ReportDraft, str]:
        serializer = self.InputSerializer(data=data, context={"client": client})
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        identity = values.get("identity")
        draft = ReportDraft(
            institution=values["institution"],
            unit=values.get("unit"),
            category=values["category"],
            title=values["title"],
            description=values["description"],
            occurred_on=values.get("occurred_on"),
            desired_outcome=values["desired_outcome"],
            service_name=values["service_name"],
            address=values["address"],
            kecamatan=values["kecamatan"],
            kelurahan=values["kelurahan"],
            latitude=_coordinate(values.get("latitude")),
            longitude=_coordinate(values.get("longitude")),
            complained_before=values["complained_before"],
            complained_on=values.get("complained_on"),
            complaint_response=values["complaint_response"],
            identity_mode=values["identity_mode"],
            visibility=values["visibility"],
            identity=Identity(**identity) if identity else None,
            consent=values["consent"],
            language=values["language"],
            uploads=[
                SimpleUploadedFile(upload["name"], upload["content"])
                for upload in values.get("attachments", [])
            ],
        )
        return draft, values.get("external_id", "")

    def _prepare(self, client: ApiClient, data: dict[str, Any]) -> tuple[PreparedReport, str]:
        draft, external_id = self._draft(client, data)
        try:
            return (
                api_report_prepare(client=client, draft=draft, external_id=external_id),
                external_id,
            )
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None

    def _submit(
        self, request: Request, client: ApiClient, prepared: PreparedReport, external_id: str
    ) -> StoredResponse:
        try:
            submitted = api_report_submit_prepared(
                client=client, prepared=prepared, external_id=external_id
            )
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        report = submitted.report
        number = codes.format_public_number(report.public_number)
        receipt = self.OutputSerializer(
            {
                "number": number,
                "access_code": submitted.formatted_access_code,
                "status": report.status,
                "submitted_at": report.submitted_at,
                # The reporter's status page; it asks for the access code before showing anything.
                "tracking_url": request.build_absolute_uri(
                    reverse("tracking:detail", kwargs={"number": number})
                ),
            }
        )
        return StoredResponse(status=status.HTTP_201_CREATED, content=canonical_json(receipt.data))


def _api_validation_error(error: DjangoValidationError) -> Exception:
    """A service's per-field refusal in the API's shape, under the API's field names."""
    fields = django_validation_fields(error)
    return validation_error(
        {_SERVICE_FIELD_NAMES.get(name, name): messages for name, messages in fields.items()}
    )


def _coordinate(value: float | None) -> Decimal | None:
    # Phones send 15 digits; the column keeps 6 decimals (about 10 cm).
    return None if value is None else Decimal(str(round(value, 6)))


class SchemaApi(SpectacularAPIView):
    """The OpenAPI document of this API, public like the API's documentation."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    custom_settings = {
        "TITLE": "Tuntas API",
        "VERSION": "1",
        "DESCRIPTION": "Reports from channel systems. Errors always have the shape "
        '{"error": {"code", "message", "field", "fields"}}.',
        "SCHEMA_PATH_PREFIX": "/api/v1",
    }


@csrf_exempt  # programs post without CSRF tokens; they must get the 404, not a CSRF page
def not_found(request: HttpRequest, unmatched: str = "") -> HttpResponse:
    """Unknown /api/v1/ addresses answer in the API's shape, not with the HTML 404 page."""
    with translation.override(api_language(request)):
        refusal = ApiError(
            status_code=status.HTTP_404_NOT_FOUND,
            code="not_found",
            message=_("There is nothing at this address."),
        )
    return HttpResponse(
        canonical_json(refusal.body()), status=refusal.status_code, content_type="application/json"
    )
