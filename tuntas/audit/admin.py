from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tuntas.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: events can be looked at, never added, changed or deleted."""

    list_display = ["sequence", "occurred_at", "action", "actor_label", "object_repr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor_label", "request_id"]
    ordering = ["-sequence"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
