"""The states of a referral between instances and every allowed transition, in one place.

Outgoing: queued (written with its audit event; the message waits in the outbox) → accepted
(the peer created its linked report and answered with its number), or → failed (the peer
refused it for good, or every attempt failed; an administrator may replay it: → queued).
Incoming: received (the linked report exists on this side).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Sent to another instance")
    INCOMING = "incoming", _("Received from another instance")


class ReferralState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    ACCEPTED = "accepted", _("Accepted by the other instance")
    FAILED = "failed", _("Could not be delivered")
    RECEIVED = "received", _("Received")


class InvalidTransition(Exception):
    def __init__(self, name: str, source: str) -> None:
        allowed = [step for step, sources, _target in TRANSITIONS if source in sources]
        super().__init__(
            f"referral step {name!r} is not allowed from {source!r}; allowed: {allowed}"
        )


R = ReferralState
TRANSITIONS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("accept", frozenset({R.QUEUED}), R.ACCEPTED),
    ("fail", frozenset({R.QUEUED}), R.FAILED),
    ("retry", frozenset({R.FAILED}), R.QUEUED),
)


def target_of(name: str, source: str) -> str:
    for step, sources, target in TRANSITIONS:
        if step == name and source in sources:
            return target
    raise InvalidTransition(name, source)
