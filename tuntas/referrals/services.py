"""Every write to peers and outgoing referrals (intake: services_intake.py; worker: worker.py).

The HTTP request to a peer never runs inside a transaction: referral_send writes the Referral,
its audit event and the sealed message in one transaction; the worker
(referral_messages_deliver) sends it later with retries, through the same engine as webhooks.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tuntas.audit.services import audit_record, changed_fields
from tuntas.complaints.models import Report
from tuntas.core.faults import fault_point
from tuntas.core.sealing import seal_text
from tuntas.institutions.models import Institution
from tuntas.referrals.models import (
    MessageKind,
    Peer,
    PeerMessage,
    Referral,
)
from tuntas.referrals.payloads import referral_payload
from tuntas.referrals.workflow import Direction, ReferralState, target_of
from tuntas.webhooks import engine
from tuntas.webhooks.models import DeliveryStatus

# --- Peers ---------------------------------------------------------------------------------


def _clean_base_url(url: str) -> str:
    url = url.strip().rstrip("/")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"base_url": _("Enter the other instance's address, starting with https://.")}
        ) from None
    return url


@transaction.atomic
def peer_create(
    *,
    name: str,
    slug: str,
    base_url: str,
    our_id: str,
    secret: str,
    institution: Institution,
    is_ombudsman: bool = False,
    actor: Any,
) -> Peer:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Name the other instance.")
    if not slug.strip() or slugify(slug) != slug.strip():
        errors["slug"] = _("Use lowercase letters, digits and hyphens.")
    if not our_id.strip() or slugify(our_id) != our_id.strip():
        errors["our_id"] = _("Use lowercase letters, digits and hyphens.")
    if len(secret) < 32:
        errors["secret"] = _("The shared secret must be at least 32 characters long.")
    if slug and Peer.objects.filter(slug=slug.strip()).exists():
        errors["slug"] = _("Another peer already uses this id.")
    if errors:
        raise ValidationError(errors)
    url = _clean_base_url(base_url)
    peer = Peer.objects.create(
        name=name.strip()[:200],
        slug=slug.strip(),
        base_url=url,
        our_id=our_id.strip(),
        sealed_secret=seal_text(secret),
        institution=institution,
        is_ombudsman=is_ombudsman,
        status_cursor=engine.chain_head(),
    )
    audit_record(
        actor=actor,
        action="referral_peer.created",
        obj=peer,
        institution_id=institution.pk,
        data={"slug": peer.slug, "base_url": url, "is_ombudsman": is_ombudsman},
    )
    return peer


@transaction.atomic
def peer_update(
    *,
    peer: Peer,
    actor: Any,
    expected_version: int,
    base_url: str | None = None,
    is_active: bool | None = None,
    secret: str | None = None,
) -> Peer:
    fresh = Peer.objects.select_for_update().get(pk=peer.pk)
    if fresh.version != expected_version:
        raise ValidationError(_("Someone else changed this peer. Reload it; nothing was saved."))
    before = {"base_url": fresh.base_url, "is_active": fresh.is_active}
    if base_url is not None:
        fresh.base_url = _clean_base_url(base_url)
    if is_active is not None:
        fresh.is_active = is_active
    if secret is not None:
        if len(secret) < 32:
            raise ValidationError(
                {"secret": _("The shared secret must be at least 32 characters long.")}
            )
        fresh.sealed_secret = seal_text(secret)
    fresh.version += 1
    fresh.save()
    changes = changed_fields(before, {"base_url": fresh.base_url, "is_active": fresh.is_active})
    if secret is not None:
        changes["secret"] = ["***", "***"]
    audit_record(
        actor=actor,
        action="referral_peer.updated",
        obj=fresh,
        institution_id=fresh.institution_id,
        changes=changes,
    )
    peer.__dict__.update(fresh.__dict__)
    return peer


# --- Sending a referral ------------------------------------------------------------------


@transaction.atomic
def referral_send(*, case: Any, peer: Peer, actor: Any, reason: str) -> Referral:
    """Refer ``case`` (an agency case, or a report) to ``peer``; the request leaves later."""
    report: Report = case if isinstance(case, Report) else case.report
    report = (
        Report.objects.select_for_update()
        .select_related("institution", "category")
        .get(pk=report.pk)
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report is referred.")})
    if not peer.is_active:
        raise ValidationError({"peer": _("This instance no longer takes referrals.")})
    if Referral.objects.filter(
        report=report,
        peer=peer,
        direction=Direction.OUTGOING,
        state__in=[ReferralState.QUEUED, ReferralState.ACCEPTED],
    ).exists():
        raise ValidationError({"peer": _("This report has already been referred there.")})
    referral = Referral.objects.create(
        peer=peer,
        direction=Direction.OUTGOING,
        report=report,
        state=ReferralState.QUEUED,
        reason=reason.strip(),
    )
    payload, identity_shared = referral_payload(referral=referral, peer=peer)
    referral.identity_shared = identity_shared
    referral.save(update_fields=["identity_shared"])
    event = audit_record(
        actor=actor,
        action="referral.sent",
        obj=report,
        institution_id=report.institution_id,
        data={
            "referral": str(referral.reference),
            "peer": peer.slug,
            "identity_shared": identity_shared,
        },
    )
    PeerMessage.objects.create(
        peer=peer,
        referral=referral,
        kind=MessageKind.REFERRAL,
        audit_event=event,
        sequence=event.sequence,
        event_id=str(referral.reference),
        sealed_body=seal_text(json.dumps(payload, ensure_ascii=False)),
    )
    fault_point("referral.before_commit")
    return referral


STEP_ACTIONS = {
    "accept": "referral.accepted",
    "fail": "referral.failed",
    "retry": "referral.retried",
}


def referral_step(*, referral: Referral, name: str, data: dict[str, Any], **fields: Any) -> None:
    """Move an outgoing referral through ``name`` (workflow.py) with its audit event.

    The referral's state goes into the event's data, not its ``changes``: on a report's
    events, ``changes["state"]`` is the handling state that webhooks and peers read.
    """
    fresh = (
        Referral.objects.select_for_update().select_related("report", "peer").get(pk=referral.pk)
    )
    source = fresh.state
    fresh.state = target_of(name, source)
    for field_name, value in fields.items():
        setattr(fresh, field_name, value)
    fresh.updated_at = timezone.now()
    fresh.version += 1
    fresh.save()
    audit_record(
        actor=None,
        action=STEP_ACTIONS[name],
        obj=fresh.report,
        institution_id=fresh.report.institution_id,
        data={
            "referral": str(fresh.reference),
            "peer": fresh.peer.slug,
            "referral_state": [source, fresh.state],
            **data,
        },
    )
    referral.__dict__.update(fresh.__dict__)


@transaction.atomic
def referral_message_replay(*, message: PeerMessage, actor: Any) -> PeerMessage:
    """Send a dead letter to the peer again (same reference and event id: the peer de-duplicates)."""
    fresh = PeerMessage.objects.select_for_update().select_related("referral").get(pk=message.pk)
    if fresh.status != DeliveryStatus.DEAD:
        raise ValidationError(_("Only a dead letter can be replayed."))
    fields = engine.reopen_fields(timezone.now())
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.save(update_fields=list(fields))
    referral = fresh.referral
    audit_record(
        actor=actor,
        action="referral.message_replayed",
        obj=referral.report,
        institution_id=referral.report.institution_id,
        data={"referral": str(referral.reference), "kind": fresh.kind},
    )
    if fresh.kind == MessageKind.REFERRAL and referral.state == ReferralState.FAILED:
        referral_step(referral=referral, name="retry", data={})
    message.__dict__.update(fresh.__dict__)
    return message


def new_shared_secret() -> str:
    return secrets.token_urlsafe(32)
