"""The filters and sort orders of the officer's inbox, shared with the exports.

``case_filter_from_query`` turns query parameters into a ``CaseFilter`` and reports every bad
parameter with a message instead of raising; ``cases_filter`` and ``cases_sorted`` apply them
to a queryset (already narrowed to what the actor may see, e.g. by ``cases_visible_to``).

Query parameters: ``state``, ``category``, ``channel``, ``institution``, ``unit`` (each may
repeat), ``deadline``, ``assigned_to``, ``received_from``, ``received_until`` (YYYY-MM-DD),
``number`` and ``sort``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from tuntas.cases.models import AgencyCase
from tuntas.cases.workflow import OPEN_STATES, AgencyState

# "Due soon": the deadline falls within this many calendar days after today. A plain calendar
# horizon keeps the filter one indexed range query across institutions of different regions.
DUE_SOON_DAYS = 3


def _due_soon_label() -> str:
    return str(_("Due in the next %(days)d days")) % {"days": DUE_SOON_DAYS}


_lazy_due_soon = lazy(_due_soon_label, str)  # translated when shown, not at import

DEADLINE_CHOICES: tuple[tuple[str, object], ...] = (
    ("", _("Any deadline")),
    ("overdue", _("Overdue")),
    ("due_today", _("Due today")),
    ("due_soon", _lazy_due_soon()),
    ("paused", _("Clock paused")),
)
DEADLINE_VALUES = frozenset(value for value, _label in DEADLINE_CHOICES)

SORT_CHOICES: tuple[tuple[str, object], ...] = (
    ("deadline", _("Deadline, earliest first")),
    ("-received", _("Newest first")),
    ("received", _("Oldest first")),
)
SORT_KEYS = tuple(key for key, _label in SORT_CHOICES)
DEFAULT_SORT = "deadline"

# Every query parameter this module reads.
PARAMS = (
    "state",
    "category",
    "channel",
    "deadline",
    "institution",
    "unit",
    "assigned_to",
    "received_from",
    "received_until",
    "number",
)


@dataclass(frozen=True)
class CaseFilter:
    states: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    deadline: str = ""  # "" | "overdue" | "due_today" | "due_soon" | "paused"
    institution_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    assigned_to_id: int | None = None
    received_from: datetime.date | None = None
    received_until: datetime.date | None = None
    number: str = ""  # public case number, exact or prefix

    @property
    def is_empty(self) -> bool:
        return self == CaseFilter()


def channel_values() -> frozenset[str]:
    """The report channels, read from the report model (complaints sits above cases)."""
    report_model = AgencyCase._meta.get_field("report").related_model
    return frozenset(value for value, _label in report_model._meta.get_field("channel").choices)  # type: ignore[union-attr]


def normalise_number(raw: str) -> str:
    """Upper case without spaces or dashes, with the ``LM-`` prefix in its usual form."""
    cleaned = re.sub(r"[\s-]", "", raw.upper())
    return "LM-" + cleaned[2:] if cleaned.startswith("LM") else cleaned


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _received_bounds(flt: CaseFilter) -> Q:
    """Whole local days, as a range on the timestamp (an index can serve it)."""
    condition = Q()
    if flt.received_from is not None:
        condition &= Q(opened_at__gte=_start_of(flt.received_from))
    if flt.received_until is not None:
        condition &= Q(opened_at__lt=_start_of(flt.received_until + datetime.timedelta(days=1)))
    return condition


def cases_filter(
    cases: QuerySet[AgencyCase], flt: CaseFilter, *, today: datetime.date
) -> QuerySet[AgencyCase]:
    """``cases`` narrowed by ``flt``; the deadline conditions are relative to ``today``."""
    if flt.states:
        cases = cases.filter(state__in=flt.states)
    if flt.category_ids:
        cases = cases.filter(report__category_id__in=flt.category_ids)
    if flt.channels:
        cases = cases.filter(report__channel__in=flt.channels)
    if flt.institution_ids:
        cases = cases.filter(institution_id__in=flt.institution_ids)
    if flt.unit_ids:
        cases = cases.filter(unit_id__in=flt.unit_ids)
    if flt.assigned_to_id is not None:
        cases = cases.filter(assigned_to_id=flt.assigned_to_id)
    if flt.received_from is not None or flt.received_until is not None:
        cases = cases.filter(_received_bounds(flt))
    if flt.number:
        number = normalise_number(flt.number)
        cases = cases.filter(report__public_number__startswith=number)
    if flt.deadline:
        cases = cases.filter(deadline_condition(flt.deadline, today=today))
    return cases


def deadline_condition(deadline: str, *, today: datetime.date) -> Q:
    """Only cases whose clock runs have a due date, so closed cases never match."""
    open_states = sorted(OPEN_STATES)
    if deadline == "overdue":
        return Q(state__in=open_states, due_on__lt=today)
    if deadline == "due_today":
        return Q(state__in=open_states, due_on=today)
    if deadline == "due_soon":
        return Q(
            state__in=open_states,
            due_on__gt=today,
            due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
    if deadline == "paused":
        # An open case without a due date is one whose clock is stopped (paused_on set).
        return Q(state__in=open_states, due_on__isnull=True)
    raise ValueError(f"unknown deadline filter {deadline!r}")


def cases_sorted(cases: QuerySet[AgencyCase], sort: str) -> QuerySet[AgencyCase]:
    """Order by a sort key; the primary key breaks ties so that pages never overlap."""
    if sort == "-received":
        return cases.order_by("-opened_at", "-pk")
    if sort == "received":
        return cases.order_by("opened_at", "pk")
    if sort == "deadline":
        return cases.order_by(F("due_on").asc(nulls_last=True), "pk")
    raise ValueError(f"unknown sort {sort!r}")


def sort_from_query(params: Mapping[str, list[str] | str]) -> tuple[str, str]:
    """(sort key, error message or "")."""
    values = _values(params, "sort")
    if not values:
        return DEFAULT_SORT, ""
    if values[-1] in SORT_KEYS:
        return values[-1], ""
    return DEFAULT_SORT, str(_("Unknown sort order; showing the earliest deadline first."))


def _values(params: Mapping[str, list[str] | str], name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    if getlist is not None:
        raw = getlist(name)
    else:
        value = params.get(name, [])
        raw = [value] if isinstance(value, str) else list(value)
    return [item.strip() for item in raw if item and item.strip()]


def _ints(values: list[str]) -> tuple[tuple[int, ...], bool]:
    found: list[int] = []
    for value in values:
        if not value.isdigit():
            return (), False
        found.append(int(value))
    return tuple(dict.fromkeys(found)), True


def _date(values: list[str]) -> tuple[datetime.date | None, bool]:
    if not values:
        return None, True
    try:
        return datetime.date.fromisoformat(values[-1]), True
    except ValueError:
        return None, False


def case_filter_from_query(
    params: Mapping[str, list[str] | str],
) -> tuple[CaseFilter, dict[str, str]]:
    """The filter named by query parameters, and a message for each parameter that was wrong.

    A wrong parameter is left out of the filter (never raises), so the page still shows
    something and tells the user what it ignored.
    """
    errors: dict[str, str] = {}

    states = tuple(dict.fromkeys(_values(params, "state")))
    if any(state not in AgencyState.values for state in states):
        errors["state"] = str(_("Choose a state from the list."))
        states = ()

    channels = tuple(dict.fromkeys(_values(params, "channel")))
    if channels and not set(channels) <= channel_values():
        errors["channel"] = str(_("Choose a channel from the list."))
        channels = ()

    id_fields: dict[str, tuple[int, ...]] = {}
    for name in ("category", "institution", "unit"):
        ids, ok = _ints(_values(params, name))
        if not ok:
            errors[name] = str(_("Choose from the list."))
        id_fields[name] = ids

    deadline_values = _values(params, "deadline")
    deadline = deadline_values[-1] if deadline_values else ""
    if deadline not in DEADLINE_VALUES:
        errors["deadline"] = str(_("Choose a deadline filter from the list."))
        deadline = ""

    assigned_values = _values(params, "assigned_to")
    assigned_to_id: int | None = None
    if assigned_values:
        if assigned_values[-1].isdigit():
            assigned_to_id = int(assigned_values[-1])
        else:
            errors["assigned_to"] = str(_("Choose an officer from the list."))

    received_from, ok_from = _date(_values(params, "received_from"))
    if not ok_from:
        errors["received_from"] = str(_("Enter a date as YYYY-MM-DD."))
    received_until, ok_until = _date(_values(params, "received_until"))
    if not ok_until:
        errors["received_until"] = str(_("Enter a date as YYYY-MM-DD."))
    if received_from and received_until and received_from > received_until:
        errors["received_until"] = str(_("The end date must not be before the start date."))
        received_until = None

    number_values = _values(params, "number")
    number = number_values[-1] if number_values else ""
    if len(number) > 20:
        errors["number"] = str(_("A report number has at most 20 characters."))
        number = ""

    flt = CaseFilter(
        states=states,
        category_ids=id_fields["category"],
        channels=channels,
        deadline=deadline,
        institution_ids=id_fields["institution"],
        unit_ids=id_fields["unit"],
        assigned_to_id=assigned_to_id,
        received_from=received_from,
        received_until=received_until,
        number=number,
    )
    return flt, errors
