"""The agency track: its states and every allowed transition, in one place.

received → verified → dispositioned → in_follow_up → (awaiting_approval →) resolved → confirmed
with the side roads: rejected, information requested (the clock pauses), transferred to another
institution, escalated to the head (overdue or disputed), offered to the Ombudsman, withdrawn.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AgencyState(models.TextChoices):
    RECEIVED = "received", _("Received, waiting for verification")
    INFO_REQUESTED = "info_requested", _("Waiting for information from the reporter")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    DISPOSITIONED = "dispositioned", _("Assigned to a unit")
    IN_FOLLOW_UP = "in_follow_up", _("Being followed up")
    AWAITING_APPROVAL = "awaiting_approval", _("Response waiting for the head's approval")
    RESOLVED = "resolved", _("Resolved, waiting for the reporter's confirmation")
    CONFIRMED = "confirmed", _("Closed: the reporter confirmed the resolution")
    DISPUTED = "disputed", _("The reporter disputes the resolution")
    ESCALATED = "escalated", _("Escalated to the head of the institution")
    OFFERED_TO_OMBUDSMAN = (
        "offered_to_ombudsman",
        _("Offered to the reporter as a report to the Ombudsman"),
    )
    REFERRED_TO_OMBUDSMAN = "referred_to_ombudsman", _("Taken to the Ombudsman")
    WITHDRAWN = "withdrawn", _("Withdrawn by the reporter")


S = AgencyState
StrOrPromise = str | Promise
OPEN_STATES = frozenset(
    {
        S.RECEIVED,
        S.INFO_REQUESTED,
        S.VERIFIED,
        S.DISPOSITIONED,
        S.IN_FOLLOW_UP,
        S.AWAITING_APPROVAL,
        S.DISPUTED,
        S.ESCALATED,
    }
)
CLOSED_STATES = frozenset({S.REJECTED, S.CONFIRMED, S.REFERRED_TO_OMBUDSMAN, S.WITHDRAWN})
# States whose deadline clock is stopped, and why (shown to the reporter).
PAUSED_STATES: dict[str, StrOrPromise] = {S.INFO_REQUESTED: _("waiting for your answer")}

# (transition name, from states, to state). The service of the same name performs it.
TRANSITIONS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("verify", frozenset({S.RECEIVED}), S.VERIFIED),
    ("reject", frozenset({S.RECEIVED}), S.REJECTED),
    (
        "request_information",
        frozenset({S.RECEIVED, S.DISPOSITIONED, S.IN_FOLLOW_UP}),
        S.INFO_REQUESTED,
    ),
    ("information_received", frozenset({S.INFO_REQUESTED}), S.RECEIVED),
    (
        "disposition",
        frozenset({S.VERIFIED, S.DISPOSITIONED, S.ESCALATED, S.DISPUTED}),
        S.DISPOSITIONED,
    ),
    ("draft_response", frozenset({S.DISPOSITIONED, S.IN_FOLLOW_UP}), S.IN_FOLLOW_UP),
    ("submit_for_approval", frozenset({S.IN_FOLLOW_UP}), S.AWAITING_APPROVAL),
    ("return_for_revision", frozenset({S.AWAITING_APPROVAL}), S.IN_FOLLOW_UP),
    ("resolve", frozenset({S.IN_FOLLOW_UP, S.AWAITING_APPROVAL}), S.RESOLVED),
    ("confirm", frozenset({S.RESOLVED}), S.CONFIRMED),
    ("dispute", frozenset({S.RESOLVED}), S.DISPUTED),
    ("escalate", OPEN_STATES - {S.ESCALATED, S.INFO_REQUESTED}, S.ESCALATED),
    ("offer_to_ombudsman", frozenset({S.ESCALATED, S.DISPUTED}), S.OFFERED_TO_OMBUDSMAN),
    ("refer_to_ombudsman", frozenset({S.OFFERED_TO_OMBUDSMAN}), S.REFERRED_TO_OMBUDSMAN),
    ("transfer", frozenset({S.RECEIVED, S.VERIFIED, S.DISPOSITIONED}), S.RECEIVED),
    ("withdraw", OPEN_STATES | {S.RESOLVED, S.OFFERED_TO_OMBUDSMAN}, S.WITHDRAWN),
)
_BY_NAME = {name: (sources, target) for name, sources, target in TRANSITIONS}

TRANSITION_LABELS = {
    "verify": _("verify"),
    "reject": _("reject"),
    "request_information": _("ask the reporter for information"),
    "information_received": _("record the reporter's answer"),
    "disposition": _("assign to a unit"),
    "draft_response": _("draft the response"),
    "submit_for_approval": _("submit the response for approval"),
    "return_for_revision": _("return the response for revision"),
    "resolve": _("resolve"),
    "confirm": _("confirm the resolution"),
    "dispute": _("dispute the resolution"),
    "escalate": _("escalate to the head"),
    "offer_to_ombudsman": _("offer a report to the Ombudsman"),
    "refer_to_ombudsman": _("take the report to the Ombudsman"),
    "transfer": _("transfer to another institution"),
    "withdraw": _("withdraw"),
}


class InvalidTransition(Exception):
    """A step that the current state does not allow; the message lists the allowed ones."""

    def __init__(self, name: str, state: str) -> None:
        self.name = name
        self.state = state
        self.allowed = allowed_transitions(state)
        allowed = ", ".join(str(TRANSITION_LABELS[step]) for step in self.allowed) or str(_("none"))
        super().__init__(
            str(
                _(
                    "“%(step)s” is not possible while the report is “%(state)s”. Possible next steps: %(allowed)s."
                )
            )
            % {
                "step": TRANSITION_LABELS.get(name, name),
                "state": AgencyState(state).label,
                "allowed": allowed,
            }
        )


def allowed_transitions(state: str) -> list[str]:
    return [name for name, sources, _target in TRANSITIONS if state in sources]


def target_of(name: str, state: str) -> str:
    sources, target = _BY_NAME[name]
    if state not in sources:
        raise InvalidTransition(name, state)
    return target
