"""The Ombudsman track (pemeriksaan laporan): its states and every allowed transition, in one place.

received (verifikasi formil) → material_verification → plenary (rapat pleno / rapat perwakilan)
→ examination (pemeriksaan) → lahp_draft (the reporter's response window) → monitoring of the
corrective actions → (recommendation →) closed.

Side roads: a completeness request (the clock pauses while the reporter completes the report; it
lapses after its own deadline, closed_formal), rejection at materiil or by the plenary, the
Respons Cepat Ombudsman fast track (rco_accept, rco_resolve), withdrawal by the reporter.
Sources: shared/reference/domain.md §1.3–1.11.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OmbudsmanState(models.TextChoices):
    RECEIVED = "received", _("Received, formal verification")
    COMPLETENESS_REQUESTED = (
        "completeness_requested",
        _("Waiting for the reporter to complete the report"),
    )
    MATERIAL_VERIFICATION = "material_verification", _("Material verification")
    PLENARY = "plenary", _("Waiting for the plenary decision")
    EXAMINATION = "examination", _("Under examination")
    LAHP_DRAFT = "lahp_draft", _("Final report drafted, waiting for the reporter's response")
    MONITORING = "monitoring", _("Corrective actions being monitored")
    RECOMMENDATION = "recommendation", _("Recommendation issued, being followed up")
    CLOSED_FORMAL = "closed_formal", _("Closed: the formal requirements were not met")
    REJECTED = "rejected", _("Closed: not taken up for examination")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the reporter")


class Track(models.TextChoices):
    REGULAR = "regular", _("Regular examination")
    RCO = "rco", _("Respons Cepat Ombudsman (fast track)")


class Source(models.TextChoices):
    DIRECT = "direct", _("Reported directly to the Ombudsman")
    ESCALATED = "escalated", _("Escalated from the institution's own handling")
    REFERRAL = "referral", _("Referred by another institution")
    OWN_INITIATIVE = "own_initiative", _("Own-initiative investigation (prakarsa sendiri)")


S = OmbudsmanState
CLOSED_STATES = frozenset({S.CLOSED_FORMAL, S.REJECTED, S.CLOSED, S.WITHDRAWN})
OPEN_STATES = frozenset(set(S) - CLOSED_STATES)
# States whose deadline clock is stopped, and why (shown to the reporter).
PAUSED_STATES = {S.COMPLETENESS_REQUESTED: _("waiting for the documents you were asked for")}

# (transition name, from states, to state). The service ombudsman_<name> performs it.
TRANSITIONS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("request_completeness", frozenset({S.RECEIVED}), S.COMPLETENESS_REQUESTED),
    ("completeness_received", frozenset({S.COMPLETENESS_REQUESTED}), S.RECEIVED),
    ("completeness_lapse", frozenset({S.COMPLETENESS_REQUESTED}), S.CLOSED_FORMAL),
    ("close_formal", frozenset({S.RECEIVED}), S.CLOSED_FORMAL),
    ("formal_verify", frozenset({S.RECEIVED}), S.MATERIAL_VERIFICATION),
    ("material_verify", frozenset({S.MATERIAL_VERIFICATION}), S.PLENARY),
    ("material_reject", frozenset({S.MATERIAL_VERIFICATION}), S.REJECTED),
    ("plenary_examine", frozenset({S.PLENARY}), S.EXAMINATION),
    ("plenary_reject", frozenset({S.PLENARY}), S.REJECTED),
    ("rco_accept", frozenset({S.RECEIVED, S.MATERIAL_VERIFICATION}), S.EXAMINATION),
    ("rco_resolve", frozenset({S.EXAMINATION}), S.CLOSED),
    ("lahp_draft", frozenset({S.EXAMINATION}), S.LAHP_DRAFT),
    ("lahp_reexamine", frozenset({S.LAHP_DRAFT}), S.EXAMINATION),
    ("lahp_issue", frozenset({S.LAHP_DRAFT}), S.MONITORING),
    ("lahp_issue_close", frozenset({S.LAHP_DRAFT}), S.CLOSED),
    ("monitoring_complete", frozenset({S.MONITORING}), S.CLOSED),
    ("recommendation_issue", frozenset({S.MONITORING}), S.RECOMMENDATION),
    ("recommendation_close", frozenset({S.RECOMMENDATION}), S.CLOSED),
    ("withdraw", OPEN_STATES, S.WITHDRAWN),
)
_BY_NAME = {name: (sources, target) for name, sources, target in TRANSITIONS}

TRANSITION_LABELS = {
    "request_completeness": _("ask the reporter to complete the report"),
    "completeness_received": _("record the reporter's documents"),
    "completeness_lapse": _("close: the documents did not arrive in time"),
    "close_formal": _("close: the formal requirements are not met"),
    "formal_verify": _("pass the formal verification"),
    "material_verify": _("pass the material verification"),
    "material_reject": _("reject at material verification"),
    "plenary_examine": _("record the plenary decision to examine"),
    "plenary_reject": _("record the plenary decision not to examine"),
    "rco_accept": _("take up as Respons Cepat Ombudsman"),
    "rco_resolve": _("close the fast-track case as resolved"),
    "lahp_draft": _("draft the final report (LAHP)"),
    "lahp_reexamine": _("examine again after the reporter's response"),
    "lahp_issue": _("issue the final report and monitor the corrective actions"),
    "lahp_issue_close": _("issue the final report and close"),
    "monitoring_complete": _("close: the corrective actions are done"),
    "recommendation_issue": _("issue a recommendation"),
    "recommendation_close": _("close after the recommendation's follow-up"),
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
                    "“%(step)s” is not possible while the case is “%(state)s”. Possible next steps: %(allowed)s."
                )
            )
            % {
                "step": TRANSITION_LABELS.get(name, name),
                "state": OmbudsmanState(state).label,
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


def stage_for(state: str, track: str) -> str | None:
    """Which deadline policy runs in a state (None: no clock of the case's own)."""
    rco = track == Track.RCO
    stages = {
        S.RECEIVED: "ombudsman.rco.verification" if rco else "ombudsman.formal_verification",
        S.MATERIAL_VERIFICATION: "ombudsman.rco.verification"
        if rco
        else "ombudsman.material_verification",
        S.PLENARY: "ombudsman.plenary",
        S.EXAMINATION: "ombudsman.rco.examination" if rco else "ombudsman.examination",
        S.LAHP_DRAFT: "ombudsman.lahp_response",
        S.MONITORING: "ombudsman.corrective_action",
        S.RECOMMENDATION: "ombudsman.recommendation_report",
    }
    return stages.get(state)  # type: ignore[call-overload]
