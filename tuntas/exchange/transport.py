"""What every API view shares: JSON in and out, size limit, language, keys, error shape."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from tuntas.exchange.authentication import ApiClientRateThrottle, ApiKeyAuthentication
from tuntas.exchange.errors import InvalidBody, RequestTooLarge, api_exception_handler
from tuntas.exchange.idempotency import StoredResponse, canonical_json


def api_max_body_bytes() -> int:
    """Room for the most attachments a report may carry, base64-encoded, plus the text."""
    default = int(settings.ATTACHMENT_MAX_COUNT) * int(settings.ATTACHMENT_MAX_BYTES) * 4 // 3
    return int(getattr(settings, "API_MAX_BODY_BYTES", default + 2**20))


def api_language(request: HttpRequest) -> str:
    """The best of our languages in Accept-Language; Bahasa Indonesia when none matches."""
    offered = {code for code, _name in settings.LANGUAGES}
    ranked = []
    for position, part in enumerate(request.headers.get("Accept-Language", "").split(",")):
        tag, _semicolon, parameters = part.strip().partition(";")
        quality = 1.0
        name, _equals, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for _quality, _position, language in sorted(ranked):
        if language in offered:
            return language
    return str(settings.LANGUAGE_CODE)


class LimitedJSONParser(JSONParser):
    """Strict JSON (no NaN), UTF-8, refused with 413 beyond ``API_MAX_BODY_BYTES``."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = api_max_body_bytes()
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        too_large = RequestTooLarge(
            _("The request body is larger than %(mb).1f MB.") % {"mb": limit / 2**20}
        )
        try:
            if declared and int(declared) > limit:
                raise too_large
        except ValueError:
            pass
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:  # RecursionError: absurdly deep nesting
            from rest_framework.exceptions import ParseError

            raise ParseError(str(error)) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class CanonicalJSONRenderer(JSONRenderer):
    """Sorted keys, compact: the same value always renders to the same bytes (replays)."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return b"" if data is None else canonical_json(data)


class ApiView(APIView):
    """Base of every /api/v1/ view. The settings are set here, so that the API does not
    depend on project-wide REST_FRAMEWORK defaults."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes: list[Any] = []
    throttle_classes = [ApiClientRateThrottle]
    parser_classes = [LimitedJSONParser]
    renderer_classes = [CanonicalJSONRenderer]
    schema = AutoSchema()

    def get_exception_handler(self) -> Any:
        return api_exception_handler

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        language = api_language(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = language
        # Answers carry access codes and case data: never keep them in a shared cache.
        response["Cache-Control"] = "no-store"
        return response

    def json_object(self, request: Request) -> dict[str, Any]:
        """The body, which must be a JSON object (400 otherwise)."""
        data = request.data
        if not isinstance(data, dict):
            raise InvalidBody(_("The request body must be a JSON object."))
        return data


def stored_response(response: StoredResponse, *, replayed: bool = False) -> HttpResponse:
    """Send exactly the stored bytes, so that a replay is identical to the first answer."""
    answer = HttpResponse(response.content, status=response.status, content_type="application/json")
    if replayed:
        answer["Idempotent-Replayed"] = "true"
    return answer
