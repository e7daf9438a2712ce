"""Staff pages for webhooks: subscriptions of the institution's API clients, dead letters, replay.

Reachable by the administrators of the client's institution and platform administrators; any
other person gets a 404, as if the page did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuntas.accounts.access import scope_of
from tuntas.accounts.models import UserKind
from tuntas.webhooks import selectors
from tuntas.webhooks.forms import SubscriptionEditForm, SubscriptionForm
from tuntas.webhooks.services import (
    webhook_delivery_replay,
    webhook_subscription_create,
    webhook_subscription_rotate_secret,
    webhook_subscription_update,
)


def _administrators_only(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if getattr(request.user, "kind", None) != UserKind.STAFF or not (
        scope.everything or scope.managed_institution_ids
    ):
        raise Http404("webhooks")


def _apply_errors(form: SubscriptionForm | SubscriptionEditForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    subscriptions = selectors.subscriptions_visible_to(request.user)
    dead = selectors.dead_letters_visible_to(request.user).count()
    return render(
        request,
        "webhooks/subscription_list.html",
        {"subscriptions": subscriptions, "dead_count": dead},
    )


@login_required
def subscription_create(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    clients = selectors.api_clients_managed_by(request.user)
    form = SubscriptionForm(request.POST or None, clients=clients)
    if request.method == "POST" and form.is_valid():
        try:
            created = webhook_subscription_create(
                client=form.cleaned_data["client"],
                target_url=form.cleaned_data["target_url"],
                event_types=form.cleaned_data["event_types"],
                actor=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return render(
                request,
                "webhooks/secret_shown.html",
                {"subscription": created.subscription, "secret": created.secret},
            )
    return render(request, "webhooks/subscription_form.html", {"form": form})


@login_required
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _administrators_only(request)
    subscription = selectors.subscription_get_for_actor(actor=request.user, pk=pk)
    initial = {
        "target_url": subscription.target_url,
        "event_types": subscription.event_types,
        "is_active": subscription.is_active,
        "version": subscription.version,
    }
    form = SubscriptionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_subscription_update(
                subscription=subscription,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                target_url=form.cleaned_data["target_url"],
                event_types=form.cleaned_data["event_types"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The subscription was saved."))
            return redirect("webhooks:detail", pk=subscription.pk)
    deliveries = subscription.deliveries.order_by("-sequence")[:50]
    return render(
        request,
        "webhooks/subscription_detail.html",
        {"subscription": subscription, "form": form, "deliveries": deliveries},
    )


@login_required
@require_POST
def subscription_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    _administrators_only(request)
    subscription = selectors.subscription_get_for_actor(actor=request.user, pk=pk)
    secret = webhook_subscription_rotate_secret(subscription=subscription, actor=request.user)
    return render(
        request, "webhooks/secret_shown.html", {"subscription": subscription, "secret": secret}
    )


@login_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    rows = selectors.dead_letters_visible_to(request.user).order_by("-sequence")[:200]
    return render(request, "webhooks/dead_letters.html", {"deliveries": rows})


@login_required
@require_POST
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    _administrators_only(request)
    delivery = selectors.delivery_get_for_actor(actor=request.user, pk=pk)
    try:
        webhook_delivery_replay(delivery=delivery, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The event will be sent again with its original event id."))
    return redirect("webhooks:dead_letters")
