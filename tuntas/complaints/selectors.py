"""Reads of reports: by the reporter (number + access code) and by staff (scoped)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model, Q, QuerySet

from tuntas.accounts.access import scope_of
from tuntas.accounts.models import Membership, Role
from tuntas.audit import registry
from tuntas.audit.models import AuditEvent
from tuntas.cases import clock
from tuntas.cases.models import AgencyCase, CaseMessage, MessageKind
from tuntas.cases.workflow import CLOSED_STATES, PAUSED_STATES, AgencyState
from tuntas.complaints import codes
from tuntas.complaints.identity import CONFIDENTIAL_LABEL, Identity, unseal
from tuntas.complaints.models import Category, IdentityMode, Report, ReportRating
from tuntas.core.rows import (
    fetch_one,
    instance_from_row,
    quoted_columns,
    quoted_table,
    select_list,
)
from tuntas.institutions.models import Institution, Unit

# A fixed hash compared when the number is unknown, so both failures cost the same time.
_DUMMY_HASH = codes.hash_access_code("0" * codes.ACCESS_CODE_CHARS)


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


_TRACKING_COLUMNS = ["id", "public_number", "access_code_hash"]


@functools.cache
def _tracking_sql(vendor: str) -> str:
    number = quoted_columns(Report)["public_number"]
    # Identifiers from the model's own metadata, quoted; the number travels as a parameter.
    return (
        f"SELECT {select_list(Report, _TRACKING_COLUMNS)} "  # noqa: S608
        f"FROM {quoted_table(Report)} WHERE {number} = %s"
    )


def _tracking_row(public_number: str) -> tuple[Any, ...] | None:
    """The three columns a look-up needs, by the unique number. Written as SQL because this
    is the busiest public query: building it through the ORM cost ten times the query."""
    return fetch_one(_tracking_sql(connection.vendor), [public_number])


def report_get_for_tracking(*, number: str, access_code: str) -> Report | None:
    """The report when number and code match; None otherwise, whichever of the two is wrong."""
    normalised = codes.normalise_public_number(number)
    row = _tracking_row(normalised) if codes.PUBLIC_NUMBER_PATTERN.match(normalised) else None
    report = Report.from_db(connection.alias, _TRACKING_COLUMNS, row) if row else None
    stored = report.access_code_hash if report is not None else _DUMMY_HASH
    matches = codes.access_code_matches(access_code, stored)
    return report if report is not None and matches else None


# Each table of the receipt's statement: its alias and the columns the page shows.
_RECEIPT: tuple[tuple[type[Model], str, tuple[str, ...]], ...] = (
    (
        Report,
        "r",
        (
            "id",
            "public_number",
            "title",
            "submitted_at",
            "institution_id",
            "unit_id",
            "category_id",
        ),
    ),
    (Institution, "i", ("id", "name")),
    (Unit, "u", ("id", "name")),
    (Category, "c", ("id", "name_id", "name_en")),
)


@functools.cache
def _receipt_sql(vendor: str) -> str:
    columns = ", ".join(select_list(model, names, alias) for model, alias, names in _RECEIPT)
    report = quoted_columns(Report)
    pk = {model: quoted_columns(model)[model._meta.pk.attname] for model, _a, _n in _RECEIPT}
    # Identifiers from the models' own metadata, quoted; the id travels as a parameter.
    return (
        f"SELECT {columns} FROM {quoted_table(Report)} r "  # noqa: S608
        f"JOIN {quoted_table(Institution)} i ON i.{pk[Institution]} = r.{report['institution_id']} "
        f"JOIN {quoted_table(Category)} c ON c.{pk[Category]} = r.{report['category_id']} "
        f"LEFT JOIN {quoted_table(Unit)} u ON u.{pk[Unit]} = r.{report['unit_id']} "
        f"WHERE r.{pk[Report]} = %s"
    )


def report_for_receipt(*, pk: int) -> Report | None:
    """What the receipt page shows of a report just sent (the session proved it): one row with
    only those columns. SQL, because the page follows every web submission and the
    queryset cost several times the query."""
    row = fetch_one(_receipt_sql(connection.vendor), [pk])
    if row is None:
        return None
    read: dict[type[Model], Any] = {}
    start = 0
    for model, _alias, names in _RECEIPT:
        read[model] = instance_from_row(model, names, row[start : start + len(names)])
        start += len(names)
    report: Report = read[Report]
    report.institution = read[Institution]
    report.category = read[Category]
    if report.unit_id is not None:  # else the LEFT JOIN's columns are all NULL
        report.unit = read[Unit]
    return report


def reports_visible_to(actor: Any) -> QuerySet[Report]:
    """Staff see the reports of the institutions and units in their scope (accounts.access)."""
    scope = scope_of(actor)
    if scope.everything:
        return Report.objects.all()
    return Report.objects.filter(
        Q(institution_id__in=scope.institution_ids) | Q(unit_id__in=scope.unit_ids)
    )


def can_view_report(actor: Any, report: Report) -> bool:
    scope = scope_of(actor)
    return (
        scope.everything
        or report.institution_id in scope.institution_ids
        or report.unit_id in scope.unit_ids
    )


def can_see_confidential_identity(actor: Any, report: Report) -> bool:
    """Rahasia: only the receiving institution's privacy officer and the Ombudsman (with the report in scope)."""
    if not can_view_report(actor, report):
        return False
    memberships = Membership.objects.active().filter(user=actor).select_related("institution")
    for membership in memberships:
        if membership.institution.is_ombudsman and membership.role in Role.ombudsman_roles():
            return True
        if (
            membership.role == Role.PRIVACY_OFFICER
            and membership.institution_id == report.institution_id
        ):
            return True
    return bool(getattr(actor, "is_superuser", False))


def report_identity_for(*, actor: Any, report: Report) -> Identity | str | None:
    """What ``actor`` may read of the reporter: the identity, the withheld label, or None (anonymous)."""
    if report.identity_mode == IdentityMode.ANONYMOUS:
        return None
    identity_row = getattr(report, "identity", None)
    if identity_row is None:
        return None
    if report.identity_mode == IdentityMode.CONFIDENTIAL and not can_see_confidential_identity(
        actor, report
    ):
        return str(CONFIDENTIAL_LABEL)
    if not can_view_report(actor, report):
        return str(CONFIDENTIAL_LABEL)
    return unseal(identity_row.sealed)


def report_public_timeline(*, report: Report) -> list[tuple[AuditEvent, str]]:
    public = {action.name: action.label for action in registry.all_actions() if action.public}
    events = AuditEvent.objects.filter(
        object_type="complaints.report", object_id=str(report.pk), action__in=list(public)
    ).order_by("sequence")
    return [(event, str(public[event.action])) for event in events]


@dataclass(frozen=True)
class TrackingStage:
    """Where a report stands, as its reporter sees it."""

    state: str
    label: str
    institution_name: str
    unit_name: str  # "" while the institution has not chosen one
    due_on: datetime.date | None
    working_days_left: int | None  # negative when overdue; the days kept while paused
    paused_reason: str  # "" when the clock runs (or there is none)
    closed: bool
    question: str  # the unit's last question while it waits for the reporter
    resolution: str
    rejection_reason: str
    can_confirm_or_dispute: bool
    can_rate: bool
    rating: ReportRating | None

    @property
    def paused(self) -> bool:
        return bool(self.paused_reason)

    @property
    def overdue(self) -> bool:
        return self.working_days_left is not None and self.working_days_left < 0 and not self.paused

    @property
    def days_overdue(self) -> int:
        return -(self.working_days_left or 0) if self.overdue else 0


def report_tracking_stage(*, report: Report, today: datetime.date) -> TrackingStage | None:
    """The current stage, who holds it and its deadline; None before handling starts."""
    # RATABLE_STATES of services, computed here too: selectors never import services.
    ratable = CLOSED_STATES - {AgencyState.WITHDRAWN}
    case = AgencyCase.objects.select_related("institution", "unit").filter(report=report).first()
    if case is None:
        return None
    paused_reason = str(PAUSED_STATES[case.state]) if case.state in PAUSED_STATES else ""
    question = ""
    if case.state == AgencyState.INFO_REQUESTED:
        latest = (
            CaseMessage.objects.filter(case=case, kind=MessageKind.TO_REPORTER)
            .order_by("-created_at", "-id")
            .first()
        )
        question = latest.body if latest is not None else ""
    rating = ReportRating.objects.filter(report=report).first()
    return TrackingStage(
        state=case.state,
        label=str(AgencyState(case.state).label),
        institution_name=case.institution.name,
        unit_name=case.unit.name if case.unit is not None else "",
        due_on=case.due_on,
        working_days_left=clock.working_days_left(case, today=today)
        if case.due_on is not None or case.paused_on is not None
        else None,
        paused_reason=paused_reason,
        closed=case.state in CLOSED_STATES,
        question=question,
        resolution=case.resolution_summary,
        rejection_reason=case.rejection_reason if case.state == AgencyState.REJECTED else "",
        can_confirm_or_dispute=case.state == AgencyState.RESOLVED,
        can_rate=case.state in ratable and rating is None,
        rating=rating,
    )
