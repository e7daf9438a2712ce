from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tuntas.exchange.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Read-only: keys are issued, rotated and revoked through the services (and their audit);
    the admin shows the prefix, never the hash."""

    list_display = [
        "name",
        "institution",
        "key_prefix",
        "scopes",
        "is_active",
        "expires_at",
        "rate_limit",
        "last_used_at",
    ]
    list_filter = ["is_active", "institution"]
    search_fields = ["name", "key_prefix"]
    exclude = ["key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
