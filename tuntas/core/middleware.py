from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tuntas.core.request_context import bind_request_id, current_request_id, reset_request_id

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Handler = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Give every request an id (or accept a sane one from a proxy) and echo it back."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        token = bind_request_id(incoming if _SAFE_REQUEST_ID.match(incoming) else None)
        try:
            request_id = current_request_id()
            request.request_id = request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = request_id or ""
            return response
        finally:
            reset_request_id(token)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set (ZAP passive rules, targets.md #27)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self), payment=()"
        )
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Staff pages carry names and case data: never keep them in a shared cache.
            response.setdefault("Cache-Control", "no-store")
        return response


class DefaultLanguageMiddleware:
    """Bahasa Indonesia unless the visitor chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a public service in
    Indonesia should open in Indonesian, predictably, and offer English as a visible choice.
    Dropping the header before LocaleMiddleware keeps the rest of Django's machinery.
    The API (/api/) is left alone: programs ask for their language with Accept-Language.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path_info.startswith("/api/")
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not is_api:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
