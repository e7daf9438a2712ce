"""What an export of Ombudsman cases holds: the Ombudsman list's cases, narrowed by its filters.

Every report in the Ombudsman's hands is here, including those that never had an agency case
(reported directly to the Ombudsman, own-initiative investigations): the inbox export, which
reads agency cases, cannot hold them. The filters take the Ombudsman list's query parameter
names and meaning (``ombudsman/views.py``: ``state`` — one stage, the open stages when empty —
``track``, ``deadline`` = overdue | week, ``mine``), so a link from the list with its query
string exports what the list shows. Access is ``ombudsman.selectors.ombudsman_cases_visible_to``
(the holding office, the central office, platform administrators); identities are decided per
report by ``report_identity_for`` exactly as in the inbox export.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.selectors import (
    intake_offices_of,
    ombudsman_cases_filtered,
    ombudsman_cases_visible_to,
)
from tuntas.ombudsman.workflow import OmbudsmanState, Track

# (column name in the file, path on OmbudsmanCase). Stable codes, like the inbox export's.
OMBUDSMAN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "report__public_number"),
    ("submitted_at", "report__submitted_at"),
    ("opened_at", "opened_at"),
    ("channel", "report__channel"),
    ("category", "report__category__slug"),
    ("office", "office__name"),
    ("institution", "report__institution__name"),
    ("unit", "report__unit__name"),
    ("source", "source"),
    ("track", "track"),
    ("ombudsman_state", "state"),
    ("due_on", "due_on"),
    ("closed_at", "closed_at"),
    ("closure_reason", "closure_reason"),
    ("agency_case_state", "agency_case__state"),
    ("identity_mode", "report__identity_mode"),
    ("visibility", "report__visibility"),
    ("title", "report__title"),
)
FILTER_PARAMETERS = ("state", "track", "deadline", "mine")
_TRUE = frozenset({"on", "1", "true", "yes"})


def _last(query: dict[str, list[str]], name: str) -> str:
    values = [value.strip() for value in query.get(name, []) if value.strip()]
    return values[-1] if values else ""


def ombudsman_export_cases(
    *, actor: Any, query: dict[str, list[str]], today: datetime.date
) -> tuple[QuerySet[OmbudsmanCase], dict[str, str]]:
    """The actor's Ombudsman cases narrowed as the list narrows them; errors by parameter."""
    errors: dict[str, str] = {}
    state = _last(query, "state")
    if state and state not in OmbudsmanState.values:
        errors["state"] = _("Choose one of the stages in the list.")
        state = ""
    track = _last(query, "track")
    if track and track not in Track.values:
        errors["track"] = _("Choose one of the tracks in the list.")
        track = ""
    deadline = _last(query, "deadline")
    if deadline not in ("", "overdue", "week"):
        errors["deadline"] = _("Choose “overdue” or “due within 7 days”.")
        deadline = ""
    mine = _last(query, "mine").lower() in _TRUE
    cases = ombudsman_cases_filtered(
        ombudsman_cases_visible_to(actor),
        today=today,
        state=state,
        track=track,
        deadline=deadline,
        assigned_to_id=getattr(actor, "pk", None) if mine else None,
    )
    return cases.order_by("due_on", "opened_at", "pk"), errors


def can_export_ombudsman_cases(actor: Any) -> bool:
    """Ombudsman staff and platform administrators (whoever has an Ombudsman list)."""
    return bool(intake_offices_of(actor))
