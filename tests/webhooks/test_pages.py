"""The staff pages: administrators of the client's institution manage its webhooks; others get 404."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.webhooks.conftest import submit
from tuntas.audit.models import AuditEvent
from tuntas.webhooks.models import DeliveryStatus, Subscription, WebhookDelivery
from tuntas.webhooks.services import webhook_deliveries_deliver


def client_for(user) -> Client:
    client = Client()
    client.cookies["tuntas_language"] = "en"
    client.force_login(user)
    return client


def test_the_administrator_creates_a_subscription_and_sees_its_secret_once(region, hook):
    page = client_for(region.admin_magelang)
    answer = page.post(
        "/staf/webhook/baru/",
        {
            "client": hook.client.pk,
            "target_url": "https://hooks.contoh.test/tuntas",
            "event_types": ["case.resolve"],
        },
    )
    assert answer.status_code == 200
    created = Subscription.objects.get(target_url="https://hooks.contoh.test/tuntas")
    assert created.event_types == ["case.resolve"]
    assert "Signing secret" in answer.content.decode()
    listing = page.get("/staf/webhook/").content.decode()
    assert "https://hooks.contoh.test/tuntas" in listing


def test_a_bad_address_is_refused_with_the_form_kept(region, hook):
    answer = client_for(region.admin_magelang).post(
        "/staf/webhook/baru/", {"client": hook.client.pk, "target_url": "not an address"}
    )
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "error-summary" in body
    assert "not an address" in body
    assert Subscription.objects.count() == 1


def test_the_administrator_sees_dead_letters_and_replays_one(region, hook):
    submit(region)
    hook.receiver.status = 500
    for _ in range(7):
        webhook_deliveries_deliver()
    dead = WebhookDelivery.objects.filter(status=DeliveryStatus.DEAD).first()
    page = client_for(region.admin_magelang)
    assert dead.event_type in page.get("/staf/webhook/gagal/").content.decode()

    answer = page.post(f"/staf/webhook/gagal/{dead.pk}/ulang/")
    assert answer.status_code == 302
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.PENDING
    assert AuditEvent.objects.filter(action="webhook.delivery_replayed").count() == 1


def test_the_administrator_deactivates_a_subscription(region, hook):
    page = client_for(region.admin_magelang)
    answer = page.post(
        f"/staf/webhook/{hook.subscription.pk}/",
        {"target_url": hook.url, "version": hook.subscription.version},
    )
    assert answer.status_code == 302
    hook.subscription.refresh_from_db()
    assert hook.subscription.is_active is False


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(region, hook):
    page = client_for(region.admin_magelang)
    answer = page.post(
        f"/staf/webhook/{hook.subscription.pk}/",
        {
            "target_url": "https://elsewhere.contoh.test/",
            "version": hook.subscription.version - 1,
            "is_active": "on",
        },
    )
    assert answer.status_code == 200
    assert "Someone else changed" in answer.content.decode()
    hook.subscription.refresh_from_db()
    assert hook.subscription.target_url == hook.url


@pytest.mark.parametrize(
    "persona", ["petugas_siti", "auditor_magelang", "asisten_andi", "warga_budi"]
)
def test_people_who_do_not_administer_the_institution_get_404(region, hook, persona):
    page = client_for(getattr(region, persona))
    submit(region)
    hook.receiver.status = 500
    for _ in range(4):
        webhook_deliveries_deliver()
    dead = WebhookDelivery.objects.filter(status=DeliveryStatus.DEAD).first()
    for url in [
        "/staf/webhook/",
        "/staf/webhook/baru/",
        f"/staf/webhook/{hook.subscription.pk}/",
        "/staf/webhook/gagal/",
    ]:
        assert page.get(url).status_code == 404, url
    assert page.post(f"/staf/webhook/gagal/{dead.pk}/ulang/").status_code == 404
    assert page.post(f"/staf/webhook/{hook.subscription.pk}/rahasia/").status_code == 404


def test_another_institutions_administrator_cannot_reach_the_subscription(region, hook):
    from tests.factories import staff_member

    other = staff_member(
        role="admin_instansi", institution=region.purworejo, email="admin.pwr@contoh.test"
    )
    page = client_for(other)
    assert page.get(f"/staf/webhook/{hook.subscription.pk}/").status_code == 404
    assert hook.url not in page.get("/staf/webhook/").content.decode()
    answer = page.post(
        "/staf/webhook/baru/", {"client": hook.client.pk, "target_url": "https://x.contoh.test/"}
    )
    assert answer.status_code == 200  # the other institution's client is not a valid choice
    assert Subscription.objects.count() == 1
