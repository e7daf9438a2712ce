"""The worker that talks to peers: queues status updates for referring instances (from the
audit log, like webhooks) and sends every due message, outside any transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tuntas.audit.services import audit_record
from tuntas.complaints.models import Report
from tuntas.core.faults import fault_point
from tuntas.core.sealing import seal_text, unseal_text
from tuntas.referrals.models import (
    MessageKind,
    Peer,
    PeerMessage,
    PeerNonce,
    Referral,
)
from tuntas.referrals.services import referral_step
from tuntas.referrals.signing import signed_headers
from tuntas.referrals.workflow import Direction, ReferralState
from tuntas.webhooks import engine
from tuntas.webhooks.models import DeliveryStatus
from tuntas.webhooks.payloads import encode, event_payload

INCOMING_PATH = "/rujukan/masuk"
STATUS_PATH = "/rujukan/status"
# Answers after which resending cannot help: the peer refused the message itself.
PERMANENT_REFUSALS = frozenset({400, 401, 403, 404, 410, 413, 415, 422})


# --- The worker --------------------------------------------------------------------------


def referral_status_fan_out(*, batch: int = 500) -> int:
    """Queue the public events of reports referred to us, for the instance that referred them."""
    created = 0
    for peer_id in Peer.objects.filter(is_active=True).values_list("pk", flat=True):
        while True:
            with transaction.atomic():
                peer = Peer.objects.select_for_update().get(pk=peer_id)
                head = engine.chain_head()  # first: a referral committed later has later events
                linked = dict(
                    Referral.objects.filter(peer=peer, direction=Direction.INCOMING).values_list(
                        "report_id", "pk"
                    )
                )
                events, cursor = engine.public_report_events(
                    after=peer.status_cursor,
                    actions=engine.public_actions(),
                    report_ids=list(linked),
                    limit=batch,
                    head=head,
                )
                reports = Report.objects.in_bulk([int(event.object_id) for event in events])
                rows = []
                for event in events:
                    body = {
                        "reference": "",
                        "event": event_payload(event, report=reports.get(int(event.object_id))),
                    }
                    referral_id = linked[int(event.object_id)]
                    rows.append((referral_id, event, body))
                references = dict(
                    Referral.objects.filter(pk__in=[row[0] for row in rows]).values_list(
                        "pk", "reference"
                    )
                )
                messages = []
                for referral_id, event, body in rows:
                    body["reference"] = str(references[referral_id])
                    messages.append(
                        PeerMessage(
                            peer=peer,
                            referral_id=referral_id,
                            kind=MessageKind.STATUS,
                            audit_event=event,
                            sequence=event.sequence,
                            event_id=event.hash,
                            sealed_body=seal_text(encode(body)),
                        )
                    )
                PeerMessage.objects.bulk_create(messages, ignore_conflicts=True)
                more = cursor > peer.status_cursor and len(events) == batch
                peer.status_cursor = cursor
                peer.save(update_fields=["status_cursor"])
                created += len(messages)
            if not more:
                break
    return created


def _path_for(message: PeerMessage) -> str:
    return INCOMING_PATH if message.kind == MessageKind.REFERRAL else STATUS_PATH


def referral_message_attempt(*, message: PeerMessage) -> engine.Outcome | None:
    now = timezone.now()
    if not engine.claim(message, now=now):
        return None
    peer = message.peer
    body = unseal_text(message.sealed_body).encode()
    path = _path_for(message)
    fault_point("referral.after_claim")
    outcome = engine.post(
        f"{peer.base_url}{path}",
        body=body,
        headers=signed_headers(peer=peer, method="POST", path=path, body=body),
    )
    if not outcome.delivered and outcome.status_code in PERMANENT_REFUSALS:
        outcome = engine.Outcome(
            delivered=False, status_code=outcome.status_code, error=outcome.error, retry=False
        )
    remote_number = ""
    if outcome.delivered and message.kind == MessageKind.REFERRAL:
        try:
            remote_number = str(outcome.response.json().get("report_number") or "")[:40]
        except (ValueError, AttributeError):
            remote_number = ""
    fault_point("referral.after_send")
    with transaction.atomic():
        dead = engine.record_outcome(message, outcome, now=timezone.now())
        referral = message.referral
        if outcome.delivered and message.kind == MessageKind.REFERRAL:
            if referral.state == ReferralState.QUEUED:
                referral_step(
                    referral=referral,
                    name="accept",
                    data={"remote_report_number": remote_number},
                    remote_report_number=remote_number,
                )
        elif dead:
            audit_record(
                actor=None,
                action="referral.message_dead_lettered",
                obj=referral.report,
                institution_id=referral.report.institution_id,
                data={
                    "referral": str(referral.reference),
                    "kind": message.kind,
                    "attempts": message.attempts,
                    "last_status_code": outcome.status_code,
                },
            )
            if message.kind == MessageKind.REFERRAL and referral.state == ReferralState.QUEUED:
                referral_step(
                    referral=referral, name="fail", data={"status_code": outcome.status_code}
                )
    return outcome


@dataclass
class MessageRun:
    fanned_out: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def peer_nonces_purge(*, now: datetime.datetime | None = None) -> int:
    from django.conf import settings

    window = int(getattr(settings, "REFERRAL_SIGNATURE_WINDOW_SECONDS", 300))
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=2 * window)
    deleted, _detail = PeerNonce.objects.filter(seen_at__lt=cutoff).delete()
    return deleted


def referral_messages_deliver(*, limit: int = 200, rounds: int = 50) -> MessageRun:
    run = MessageRun(fanned_out=referral_status_fan_out())
    peer_nonces_purge()
    attempted = 0
    tried: set[int] = set()
    for _round in range(rounds):
        due = engine.due_rows(
            PeerMessage,
            group_fields=("referral_id",),
            now=timezone.now(),
            limit=min(50, limit - attempted),
            exclude=tried,
        )
        if not due:
            break
        tried.update(row.pk for row in due)
        for message in (
            PeerMessage.objects.filter(pk__in=[row.pk for row in due])
            .select_related("peer", "referral__report", "referral__peer")
            .order_by("sequence")
        ):
            outcome = referral_message_attempt(message=message)
            attempted += 1
            if outcome is None:
                continue
            if outcome.delivered:
                run.delivered += 1
            elif message.status == DeliveryStatus.DEAD:
                run.dead += 1
            else:
                run.failed += 1
        if attempted >= limit:
            break
    return run
