"""Who is calling: API keys (``Authorization: Bearer`` or ``X-Api-Key``), scopes, rate limits.

``request.auth`` is the ApiClient; ``request.user`` stays anonymous, so that nothing that
expects a person (access scopes, audit actors) can mistake a channel system for one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from tuntas.exchange.models import ApiClient, ApiScope
from tuntas.exchange.selectors import api_client_for_key
from tuntas.exchange.services import api_client_mark_used

MAX_KEY_LENGTH = 200


def _presented_key(request: Request) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if authorization:
        scheme, _space, credentials = authorization.strip().partition(" ")
        if scheme.lower() == "bearer":
            return credentials.strip()
    key = request.headers.get("X-Api-Key")
    return key.strip() if key is not None else None


class ApiKeyAuthentication(BaseAuthentication):
    """Find the client by the key's prefix, compare the hash in constant time."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiClient] | None:
        key = _presented_key(request)
        if key is None:
            return None
        client = api_client_for_key(key) if 0 < len(key) <= MAX_KEY_LENGTH else None
        if client is None:
            raise AuthenticationFailed(_("The API key is not valid."), code="invalid_api_key")
        if not client.is_active:
            raise AuthenticationFailed(_("This API key has been revoked."), code="api_key_revoked")
        now = timezone.now()
        if not client.is_usable(now=now):
            raise AuthenticationFailed(_("This API key has expired."), code="api_key_expired")
        api_client_mark_used(client=client, now=now)
        return AnonymousUser(), client

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="tuntas"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Tells drf-spectacular how the schema should describe the key."""

    target_class = "tuntas.exchange.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key issued by the institution's administrator "
            "(`tuntas apiclient create`). `X-Api-Key: <key>` is accepted too.",
        }


class ScopePermission(BasePermission):
    """The client's key carries ``scope``; a missing scope is 403, a missing key 401."""

    scope = ""
    code = "scope_missing"

    def has_permission(self, request: Request, view: APIView) -> bool:
        client = request.auth
        if not isinstance(client, ApiClient):
            return False
        if client.has_scope(self.scope):
            return True
        self.message = _("This API key may not do this: it lacks the “%(scope)s” scope.") % {
            "scope": self.scope
        }
        return False


class CanRead(ScopePermission):
    scope = ApiScope.READ


class CanSubmit(ScopePermission):
    scope = ApiScope.SUBMIT


class CanExchange(ScopePermission):
    scope = ApiScope.EXCHANGE


class CanAdminister(ScopePermission):
    scope = ApiScope.ADMIN


class ApiClientRateThrottle(SimpleRateThrottle):
    """Requests per client (not per address: one gateway may front many clients)."""

    scope = "api_client"

    def get_rate(self) -> str:
        return str(getattr(settings, "API_CLIENT_RATE", "120/min"))

    def allow_request(self, request: Request, view: APIView) -> bool:
        # The client's own limit, when its administrator set one, replaces the default.
        client = request.auth
        if isinstance(client, ApiClient) and client.rate_limit:
            self.rate = client.rate_limit
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        client = request.auth
        if not isinstance(client, ApiClient):
            return None
        return f"throttle_api_client_{client.pk}"
