"""Who may see and manage which webhook subscriptions: the client's institution's administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tuntas.accounts.access import scope_of
from tuntas.exchange.models import ApiClient
from tuntas.webhooks.models import DeliveryStatus, Subscription, WebhookDelivery


def api_clients_managed_by(actor: Any) -> QuerySet[ApiClient]:
    scope = scope_of(actor)
    clients = ApiClient.objects.filter(is_active=True).select_related("institution")
    if scope.everything:
        return clients
    return clients.filter(institution_id__in=scope.managed_institution_ids)


def subscriptions_visible_to(actor: Any) -> QuerySet[Subscription]:
    scope = scope_of(actor)
    subscriptions = Subscription.objects.select_related("client__institution")
    if scope.everything:
        return subscriptions
    return subscriptions.filter(client__institution_id__in=scope.managed_institution_ids)


def can_manage_subscription(actor: Any, subscription: Subscription) -> bool:
    scope = scope_of(actor)
    return scope.everything or subscription.client.institution_id in scope.managed_institution_ids


def subscription_get_for_actor(*, actor: Any, pk: int) -> Subscription:
    try:
        return subscriptions_visible_to(actor).get(pk=pk)
    except Subscription.DoesNotExist:
        raise Http404("subscription") from None


def dead_letters_visible_to(actor: Any) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        status=DeliveryStatus.DEAD, subscription__in=subscriptions_visible_to(actor)
    ).select_related("subscription__client__institution")


def delivery_get_for_actor(*, actor: Any, pk: int) -> WebhookDelivery:
    try:
        return WebhookDelivery.objects.select_related("subscription__client").get(
            pk=pk, subscription__in=subscriptions_visible_to(actor)
        )
    except WebhookDelivery.DoesNotExist:
        raise Http404("delivery") from None
