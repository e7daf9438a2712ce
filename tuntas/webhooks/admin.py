from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tuntas.webhooks.models import Subscription, WebhookDelivery


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: subscriptions change and dead letters replay through the services (audited)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["client", "target_url", "event_types", "is_active", "cursor", "created_at"]
    list_filter = ["is_active"]
    exclude = ["sealed_secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "sequence", "subscription", "status", "attempts", "created_at"]
    list_filter = ["status"]
    exclude = ["body"]
