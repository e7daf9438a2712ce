"""A case referred between instances: outbox, linked report, status back, identity modes."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from tests.complaints.test_report_submit import CANARY_NAME, CANARY_NIK, draft_for
from tuntas.audit.models import AuditEvent
from tuntas.cases import services as cases
from tuntas.cases.models import AgencyCase
from tuntas.complaints.identity import Identity, unseal
from tuntas.complaints.models import Report
from tuntas.complaints.services_intake import report_submit
from tuntas.ombudsman.services_verification import (
    ombudsman_formal_check_record,
    ombudsman_formal_verify,
)
from tuntas.referrals.models import PeerMessage, Referral, ReferralUpdate
from tuntas.referrals.services import referral_message_replay, referral_send
from tuntas.referrals.worker import referral_messages_deliver
from tuntas.referrals.workflow import Direction, ReferralState
from tuntas.webhooks.models import DeliveryStatus


def _case(region, **overrides) -> AgencyCase:
    report = report_submit(draft=draft_for(region, **overrides), channel="web").report
    return AgencyCase.objects.get(report=report)


def _incoming(referral: Referral) -> Referral:
    return Referral.objects.get(direction=Direction.INCOMING, reference=referral.reference)


def test_sending_writes_the_referral_its_audit_event_and_its_message_without_any_request(
    region, peers, wire
):
    case = _case(region)
    referral = referral_send(
        case=case,
        peer=peers.ombudsman,
        actor=region.admin_magelang,
        reason="Di luar kewenangan kami",
    )

    assert referral.state == ReferralState.QUEUED
    event = AuditEvent.objects.get(action="referral.sent")
    assert event.actor == region.admin_magelang
    assert event.object_id == str(case.report_id)
    message = PeerMessage.objects.get(referral=referral)
    assert message.audit_event == event and message.status == DeliveryStatus.PENDING
    assert wire.calls == []  # nothing leaves inside the transaction
    assert CANARY_NAME not in message.sealed_body  # the body is sealed at rest


def test_the_referral_arrives_as_a_linked_report_and_the_origin_learns_its_number(
    region, peers, wire
):
    case = _case(region)
    referral = referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    referral_messages_deliver()

    referral.refresh_from_db()
    incoming = _incoming(referral)
    linked = incoming.report
    assert linked.channel == "referral"
    # At the Ombudsman's side the Ombudsman track opens; the origin institution is the reported party.
    assert linked.institution == region.magelang
    assert linked.ombudsman_case.office == region.jateng
    assert linked.ombudsman_case.source == "referral"
    assert not AgencyCase.objects.filter(report=linked).exists()
    assert linked.title == case.report.title
    assert incoming.remote_report_number == case.report.public_number
    assert referral.state == ReferralState.ACCEPTED
    assert referral.remote_report_number == linked.public_number
    assert AuditEvent.objects.filter(action="referral.received", object_id=str(linked.pk)).exists()
    assert AuditEvent.objects.filter(
        action="referral.accepted", object_id=str(case.report_id)
    ).exists()


def test_public_progress_on_the_receiving_side_comes_back_to_the_origins_case(region, peers, wire):
    case = _case(region)
    referral = referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    referral_messages_deliver()
    ombudsman_case = _incoming(referral).report.ombudsman_case
    ombudsman_formal_check_record(
        case=ombudsman_case,
        actor=region.asisten_andi,
        identity_confirmed=True,
        chronology_clear=True,
        prior_complaint=True,
        within_two_years=True,
        note="catatan rahasia",
    )
    ombudsman_case.refresh_from_db()
    ombudsman_formal_verify(
        case=ombudsman_case, actor=region.asisten_andi, expected_version=ombudsman_case.version
    )
    ombudsman_case.refresh_from_db()
    referral_messages_deliver()

    updates = list(
        ReferralUpdate.objects.filter(referral=referral).values_list("event_type", "case_state")
    )
    assert updates == [
        ("report.submitted", ""),
        ("ombudsman.opened", "received"),
        ("referral.received", "received"),
        ("ombudsman.formal_verify", ombudsman_case.state),
    ]
    recorded = AuditEvent.objects.filter(
        action="referral.status_received", object_id=str(case.report_id)
    )
    assert recorded.count() == 4
    assert all(event.institution_id == region.magelang.pk for event in recorded)
    status_bodies = [body for path, body, _status in wire.calls if path == "/rujukan/status"]
    assert all(b"catatan rahasia" not in body for body in status_bodies)
    # Nothing private of the receiving side travels back: the formal check was not public.
    assert not ReferralUpdate.objects.filter(event_type="ombudsman.formal_checked").exists()


def test_a_partners_progress_comes_back_to_the_ombudsmans_case(region, peers, wire):
    """The reverse: the Ombudsman's side refers to Magelang's, whose agency track reports back."""
    case = _case(region, institution=region.jateng, unit=None)
    referral = referral_send(
        case=case, peer=peers.magelang, actor=region.asisten_andi, reason="Untuk ditindaklanjuti"
    )
    referral_messages_deliver()
    linked_case = AgencyCase.objects.get(report=_incoming(referral).report)
    assert linked_case.institution == region.magelang
    cases.case_verify(
        case=linked_case, actor=region.admin_magelang, expected_version=linked_case.version
    )
    cases.case_note_add(case=linked_case, actor=region.admin_magelang, text="Catatan internal")
    referral_messages_deliver()
    updates = list(
        ReferralUpdate.objects.filter(referral=referral).values_list("event_type", "case_state")
    )
    assert updates[-1] == ("case.verify", "verified")
    assert "case.note_added" not in [event_type for event_type, _state in updates]


def test_a_repeated_referral_makes_no_second_report(region, peers, wire):
    case = _case(region)
    referral = referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    message = PeerMessage.objects.get(referral=referral)
    referral_messages_deliver()
    # The worker died after the peer answered and before it noted it: the message goes again.
    PeerMessage.objects.filter(pk=message.pk).update(status=DeliveryStatus.PENDING, attempts=0)
    Referral.objects.filter(pk=referral.pk).update(state=ReferralState.QUEUED)
    referral_messages_deliver()

    assert (
        Referral.objects.filter(direction=Direction.INCOMING, reference=referral.reference).count()
        == 1
    )
    assert Report.objects.filter(channel="referral").count() == 1
    assert [status for path, _body, status in wire.calls if path == "/rujukan/masuk"] == [201, 200]


def test_an_open_reporters_identity_goes_with_the_referral(region, peers, wire):
    case = _case(region, identity_mode="terbuka")
    referral = referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    referral_messages_deliver()
    linked = _incoming(referral).report
    assert linked.identity_mode == "terbuka"
    assert unseal(linked.identity.sealed).name == CANARY_NAME


def test_a_confidential_identity_goes_to_an_ombudsman_instance_marked_confidential(
    region, peers, wire
):
    case = _case(region, identity_mode="rahasia")
    referral = referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    referral_messages_deliver()
    linked = _incoming(referral).report
    assert referral.identity_shared is True
    assert linked.identity_mode == "rahasia"
    assert unseal(linked.identity.sealed).nik == CANARY_NIK


def test_a_confidential_identity_never_goes_to_a_partner_instance(region, peers, wire):
    """The reverse direction: the Ombudsman's side refers a confidential report to Magelang's."""
    case = _case(region, institution=region.jateng, unit=None, identity_mode="rahasia")
    referral = referral_send(
        case=case, peer=peers.magelang, actor=region.asisten_andi, reason="Untuk ditindaklanjuti"
    )
    referral_messages_deliver()
    sent = next(body for path, body, _status in wire.calls if path == "/rujukan/masuk")
    assert CANARY_NAME.encode() not in sent and CANARY_NIK.encode() not in sent
    assert json.loads(sent)["identity_withheld"] is True
    linked = _incoming(referral).report
    assert linked.institution == region.magelang
    assert linked.identity_mode == "anonim"
    assert getattr(linked, "identity", None) is None


def test_an_anonymous_report_sends_no_identity(region, peers, wire):
    case = _case(
        region, identity_mode="anonim", identity=Identity(name=CANARY_NAME, nik=CANARY_NIK)
    )
    referral = referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    referral_messages_deliver()
    sent = next(body for path, body, _status in wire.calls if path == "/rujukan/masuk")
    assert CANARY_NAME.encode() not in sent
    payload = json.loads(sent)
    assert payload["identity"] is None and payload["identity_withheld"] is False
    assert _incoming(referral).report.identity_mode == "anonim"


def test_a_peer_that_is_down_gets_the_referral_later_and_a_dead_letter_can_be_replayed(
    region, peers, wire
):
    case = _case(region)
    referral = referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    wire.down = True
    for _ in range(3):
        referral_messages_deliver()
    referral.refresh_from_db()
    message = PeerMessage.objects.get(referral=referral)
    assert message.status == DeliveryStatus.DEAD
    assert referral.state == ReferralState.FAILED
    assert AuditEvent.objects.filter(action="referral.message_dead_lettered").exists()

    wire.down = False
    referral_message_replay(message=message, actor=region.admin_magelang)
    referral.refresh_from_db()
    assert referral.state == ReferralState.QUEUED
    referral_messages_deliver()
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert AuditEvent.objects.filter(
        action="referral.message_replayed", actor=region.admin_magelang
    ).exists()


def test_a_referral_the_peer_refuses_fails_at_once(region, peers, wire):
    case = _case(region)
    from tuntas.referrals.services import peer_update

    # The receiving side changed its secret without telling: every signature is refused.
    peer_update(
        peer=peers.magelang,
        actor=region.admin_rina,
        expected_version=peers.magelang.version,
        secret="y" * 40,
    )
    referral = referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    referral_messages_deliver()
    referral.refresh_from_db()
    message = PeerMessage.objects.get(referral=referral)
    assert message.status == DeliveryStatus.DEAD and message.attempts == 1
    assert message.last_status_code == 401
    assert referral.state == ReferralState.FAILED


def test_a_referral_needs_a_reason_and_goes_once_to_a_peer(region, peers):
    case = _case(region)
    with pytest.raises(ValidationError) as error:
        referral_send(case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="  ")
    assert "reason" in error.value.message_dict
    referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    with pytest.raises(ValidationError) as error:
        referral_send(case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Lagi")
    assert "peer" in error.value.message_dict


def test_both_audit_trails_still_verify(region, peers, wire):
    from tuntas.audit.verify import audit_chain_verify

    case = _case(region)
    referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    referral_messages_deliver()
    report = audit_chain_verify()
    assert report.problem is None


def test_the_periodic_task_sends_what_is_due(region, peers, wire):
    from tuntas.referrals.tasks import referral_messages_deliver_task

    case = _case(region)
    referral = referral_send(
        case=case, peer=peers.ombudsman, actor=region.admin_magelang, reason="Mohon ditangani"
    )
    referral_messages_deliver_task.call_local()
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
