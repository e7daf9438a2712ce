"""Who sees which referrals: staff who see the local report; peers: platform administrators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from tuntas.accounts.access import scope_of
from tuntas.complaints.models import Report
from tuntas.complaints.selectors import reports_visible_to
from tuntas.referrals.models import Peer, Referral


def referrals_visible_to(actor: Any) -> QuerySet[Referral]:
    return Referral.objects.filter(report__in=reports_visible_to(actor)).select_related(
        "peer", "report"
    )


def referral_get_for_actor(*, actor: Any, reference: str) -> Referral:
    try:
        referral = referrals_visible_to(actor).filter(reference=reference).first()
    except ValidationError:  # not a UUID
        referral = None
    if referral is None:
        raise Http404("referral")
    return referral


def can_refer(actor: Any, report: Report) -> bool:
    """Referring is an institution-wide decision: its administrator, head, or the Ombudsman."""
    scope = scope_of(actor)
    return scope.everything or report.institution_id in scope.institution_ids


def can_manage_peers(actor: Any) -> bool:
    return scope_of(actor).everything


def peers_visible_to(actor: Any) -> QuerySet[Peer]:
    return (
        Peer.objects.select_related("institution")
        if can_manage_peers(actor)
        else Peer.objects.none()
    )


def peers_for_referral() -> QuerySet[Peer]:
    return Peer.objects.filter(is_active=True).order_by("name")
