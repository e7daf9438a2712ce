"""How Tuntas maps onto GeoReport v2: jurisdictions, services, attributes, states, dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.cases.workflow import CLOSED_STATES, AgencyState
from tuntas.complaints.models import IdentityMode, ReportStatus, Visibility

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The date this endpoint's behaviour last changed (Service Discovery's `changeset`).
CHANGESET = "2026-12-01T00:00:00+07:00"
MAX_PAGE_SIZE = 1000


def default_page_size() -> int:
    """Requests per answer when the client names no page_size (at most the spec's 1000).

    GeoReport v2 bounds the default answer by the last 90 days or the first 1000 requests,
    whichever is smaller: OPEN311_DEFAULT_PAGE_SIZE is 1000 unless an operator lowers it;
    clients may page with the page/page_size extension either way.
    """
    return min(int(getattr(settings, "OPEN311_DEFAULT_PAGE_SIZE", MAX_PAGE_SIZE)), MAX_PAGE_SIZE)


DEFAULT_WINDOW = datetime.timedelta(days=90)

# Open311 knows two states. Resolved is closed for the public: the unit has answered, and
# only the reporter's confirmation is outstanding; it reopens as open if disputed.
OPEN311_CLOSED_STATES = frozenset(CLOSED_STATES | {AgencyState.RESOLVED})
OPEN311_OPEN_STATES = frozenset(set(AgencyState.values) - OPEN311_CLOSED_STATES)


def open311_status(*, case_state: str | None, report_status: str) -> str:
    if case_state is None:
        return "closed" if report_status == ReportStatus.WITHDRAWN else "open"
    return "closed" if case_state in OPEN311_CLOSED_STATES else "open"


def status_notes(*, case_state: str | None, report_status: str) -> str:
    if case_state is not None:
        return str(AgencyState(case_state).label)
    return str(ReportStatus(report_status).label)


def w3c(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 with the time zone (``2026-12-01T09:30:00+07:00``), in the site's zone."""
    if moment is None:
        return None
    return moment.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")


def end_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """A due date (a working day) as the moment it ends, in the site's zone."""
    if day is None:
        return None
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)


def service_type() -> str:
    """``realtime``: POST answers with the service_request_id; ``batch``: with a token."""
    return str(getattr(settings, "OPEN311_SERVICE_TYPE", "realtime"))


@dataclass(frozen=True)
class Value:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    required: bool
    description: str
    datatype_description: str = ""
    values: list[Value] = field(default_factory=list)


def attributes_for(*, units: list[tuple[int, str]]) -> list[Attribute]:
    """The fields of a Tuntas report that Open311's own POST arguments do not carry."""
    attributes = [
        Attribute(
            "title",
            "string",
            False,
            _("A short title of the report (default: the start of the description)."),
        ),
        Attribute(
            "identity_mode",
            "singlevaluelist",
            False,
            _(
                "How the reporter's identity is handled. Default: confidential when a name, "
                "e-mail or phone is sent, anonymous otherwise."
            ),
            values=[Value(mode.value, str(mode.label)) for mode in IdentityMode],
        ),
        Attribute(
            "visibility",
            "singlevaluelist",
            False,
            _(
                "Whether the report may be published (redacted). Default: private; private "
                "reports never appear in GET requests."
            ),
            values=[Value(choice.value, str(choice.label)) for choice in Visibility],
        ),
        Attribute(
            "consent",
            "singlevaluelist",
            False,
            _("The reporter agrees to the processing of the personal data sent (required then)."),
            values=[Value("yes", _("Yes")), Value("no", _("No"))],
        ),
        Attribute(
            "occurred_on",
            "datetime",
            False,
            _("When it happened."),
            datatype_description=_("A date, YYYY-MM-DD, or an ISO 8601 date and time."),
        ),
        Attribute("desired_outcome", "text", False, _("What outcome the reporter wants.")),
    ]
    if units:
        attributes.append(
            Attribute(
                "unit",
                "singlevaluelist",
                False,
                _("The unit of the institution the report is about, when known."),
                values=[Value(str(pk), name) for pk, name in units],
            )
        )
    return attributes
