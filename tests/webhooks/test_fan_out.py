"""Which events a subscription gets: its client's scope, its event types, each event once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.webhooks.conftest import submit, subscribe
from tuntas.audit.models import AuditEvent
from tuntas.cases import services as cases
from tuntas.cases.models import AgencyCase
from tuntas.webhooks.models import WebhookDelivery
from tuntas.webhooks.services import (
    webhook_deliveries_deliver,
    webhook_deliveries_fan_out,
    webhook_subscription_create,
)


def test_every_public_event_of_the_institutions_reports_becomes_one_delivery(region, hook):
    report = submit(region)
    case = AgencyCase.objects.get(report=report)
    cases.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    cases.case_note_add(case=case, actor=region.admin_magelang, text="Catatan internal saja")

    assert webhook_deliveries_fan_out() == 3
    assert webhook_deliveries_fan_out() == 0  # a repeated run adds nothing
    types = list(WebhookDelivery.objects.order_by("sequence").values_list("event_type", flat=True))
    assert types == ["report.submitted", "case.opened", "case.verify"]  # not the internal note


def test_a_subscription_starts_at_its_creation_without_a_backlog(region, receiver):
    submit(region)
    hook = subscribe(region, receiver)
    assert webhook_deliveries_fan_out() == 0
    submit(region)
    assert webhook_deliveries_fan_out() == 2
    assert WebhookDelivery.objects.filter(subscription=hook.subscription).count() == 2


def test_a_client_never_receives_another_institutions_reports(region, hook):
    submit(region, institution=region.purworejo, unit=region.purworejo_dinkes)
    assert webhook_deliveries_fan_out() == 0


def test_an_ombudsman_client_receives_its_jurisdiction_only(region, receiver):
    hook = subscribe(region, receiver, institution=region.jateng, name="Ombudsman Jateng")
    submit(region)  # Magelang: under Jawa Tengah
    submit(region, institution=region.sleman, unit=region.sleman_dukcapil)  # under DIY
    webhook_deliveries_fan_out()
    numbers = {
        AuditEvent.objects.get(pk=d.audit_event_id).institution_id
        for d in WebhookDelivery.objects.filter(subscription=hook.subscription)
    }
    assert numbers == {region.magelang.pk}


def test_the_central_ombudsman_client_receives_everything(region, receiver):
    subscribe(region, receiver, institution=region.ombudsman_ri, name="Ombudsman RI")
    submit(region)
    submit(region, institution=region.sleman, unit=region.sleman_dukcapil)
    assert webhook_deliveries_fan_out() == 4


def test_a_subscription_to_some_event_types_gets_only_those(region, receiver):
    subscribe(region, receiver, event_types=["case.verify"])
    report = submit(region)
    case = AgencyCase.objects.get(report=report)
    cases.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    run = webhook_deliveries_deliver()
    assert run.delivered == 1
    assert receiver[0].accepted[0].payload["type"] == "case.verify"


def test_an_unknown_or_private_event_type_is_refused(region, receiver):
    hook = subscribe(region, receiver)
    with pytest.raises(ValidationError) as error:
        webhook_subscription_create(
            client=hook.client,
            target_url=hook.url,
            event_types=["case.note_added", "no.such"],
            actor=region.admin_magelang,
        )
    assert "event_types" in error.value.message_dict


def test_a_receiver_address_that_is_not_http_is_refused(region, hook):
    with pytest.raises(ValidationError) as error:
        webhook_subscription_create(
            client=hook.client, target_url="ftp://127.0.0.1/x", actor=region.admin_magelang
        )
    assert "target_url" in error.value.message_dict


def test_creating_a_subscription_is_audited_and_its_secret_is_sealed(region, hook):
    event = AuditEvent.objects.get(action="webhook.subscription_created")
    assert event.actor == region.admin_magelang
    assert event.institution_id == region.magelang.pk
    assert hook.secret not in hook.subscription.sealed_secret
    assert hook.secret not in str(event.data)


def test_a_client_without_the_read_scope_cannot_subscribe(region, hook):
    from tuntas.exchange.services import api_client_create

    client, _key = api_client_create(
        actor=region.admin_magelang, institution=region.magelang, name="Intake", scopes=["submit"]
    )
    with pytest.raises(ValidationError) as error:
        webhook_subscription_create(client=client, target_url=hook.url, actor=region.admin_magelang)
    assert "client" in error.value.message_dict


def test_the_subscribe_and_deliver_commands_work_together(region, hook):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("webhooks_subscribe", client=hook.client.key_prefix, url=hook.url, stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    assert len(secret) >= 32
    submit(region)
    out = StringIO()
    call_command("webhooks_deliver", stdout=out)
    assert "fanned out 4, delivered" in out.getvalue()  # two events for each subscription


def test_the_periodic_task_runs_the_worker(region, hook):
    from tuntas.webhooks.tasks import webhook_deliveries_deliver_task

    submit(region)
    webhook_deliveries_deliver_task.call_local()
    assert len(hook.receiver.accepted) == 2


def test_an_ombudsman_client_receives_the_ombudsman_tracks_public_events(region, receiver):
    from tests.complaints.test_report_submit import draft_for
    from tuntas.ombudsman.services import ombudsman_report_submit

    hook = subscribe(region, receiver, institution=region.jateng, name="Ombudsman Jateng")
    ombudsman_report_submit(draft=draft_for(region), channel="web", actor=None)
    webhook_deliveries_deliver()
    types = [item.payload["type"] for item in hook.receiver.accepted]
    assert "ombudsman.opened" in types
    opened = next(i for i in hook.receiver.accepted if i.payload["type"] == "ombudsman.opened")
    assert opened.payload["report"]["case_state"] == "received"
    assert opened.payload["report"]["institution"] == region.jateng.slug
