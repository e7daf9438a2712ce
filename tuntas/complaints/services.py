"""Every write to reports: one pipeline for every channel."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.audit.services import audit_record
from tuntas.cases.models import AgencyCase
from tuntas.cases.services import (
    case_confirm,
    case_dispute,
    case_information_received,
    case_withdraw,
)
from tuntas.cases.workflow import CLOSED_STATES, OPEN_STATES, AgencyState, InvalidTransition
from tuntas.complaints.attachments import attachments_check
from tuntas.complaints.models import (
    Category,
    Channel,
    Report,
    ReportRating,
    ReportStatus,
)
from tuntas.complaints.services_intake import attachment_create, attachment_files_write


@transaction.atomic
def report_withdraw(*, report: Report, reason: str, actor: Any = None) -> Report:
    if report.status == ReportStatus.WITHDRAWN:
        return report
    # The Ombudsman track (a higher layer) owns its case; it withdraws that first, then calls here.
    ombudsman_case = getattr(report, "ombudsman_case", None)
    if ombudsman_case is not None and ombudsman_case.is_open:
        raise ValidationError(
            {
                "reason": _(
                    "The Ombudsman is examining this report: withdraw it in the Ombudsman part of the report's page."
                )
            }
        )
    closed = AgencyCase.objects.filter(report=report, state__in=sorted(CLOSED_STATES)).exists()
    if closed:
        raise ValidationError(
            {"reason": _("Handling of this report has ended; there is nothing left to withdraw.")}
        )
    report.status = ReportStatus.WITHDRAWN
    report.version += 1
    report.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="report.withdrawn",
        obj=report,
        institution_id=report.institution_id,
        changes={"status": [ReportStatus.RECEIVED, ReportStatus.WITHDRAWN]},
        data={"reason": reason.strip()[:1000]},
    )
    case = getattr(report, "agency_case", None)
    if case is not None and case.state in OPEN_STATES | {
        AgencyState.RESOLVED,
        AgencyState.OFFERED_TO_OMBUDSMAN,
    }:
        case_withdraw(case=case, reason=reason, actor=actor)
    return report


def report_add_information(
    *,
    report: Report,
    text: str,
    uploads: list[UploadedFile],
    actor: Any = None,
    channel: str = Channel.WEB,
) -> Report:
    """The reporter adds a message and files; refused files stop it before anything is saved."""
    if report.status == ReportStatus.WITHDRAWN:
        raise ValidationError(
            {"text": _("This report was withdrawn; it cannot take new information.")}
        )
    if not text.strip() and not uploads:
        raise ValidationError({"text": _("Write a message or attach a file.")})
    checked_files = attachments_check(uploads, already_attached=report.attachments.count())
    written_files = attachment_files_write(checked_files)
    with transaction.atomic():
        for written in written_files:
            attachment_create(report=report, written=written, by_reporter=True)
        report.version += 1
        report.save(update_fields=["version", "updated_at"])
        audit_record(
            actor=actor,
            action="report.information_added",
            obj=report,
            institution_id=report.institution_id,
            data={
                "text": text.strip()[:5000],
                "attachments": len(checked_files),
                "channel": channel,
            },
        )
        # The unit was waiting for this: its clock resumes with the time that was left.
        case = AgencyCase.objects.filter(report=report).first()
        if case is not None and case.state == AgencyState.INFO_REQUESTED:
            case_information_received(
                case=case,
                text=text.strip() or _("(files attached)"),
                actor=actor,
            )
    return report


# --- After the unit's answer: confirm, dispute, rate ----------------------------------------

# Closed with an outcome the reporter can judge; a withdrawn report is not rated.
RATABLE_STATES = CLOSED_STATES - {AgencyState.WITHDRAWN}
RATING_SCORES = range(1, 6)


def _agency_case(report: Report) -> AgencyCase | None:
    return AgencyCase.objects.filter(report=report).first()


def _not_now(field_name: str, error: InvalidTransition) -> ValidationError:
    return ValidationError(
        {
            field_name: _(
                "This is not possible now: the report is “%(state)s”. Nothing was changed."
            )
            % {"state": AgencyState(error.state).label}
        }
    )


def report_confirm_resolution(*, report: Report, actor: Any = None) -> AgencyCase:
    """The reporter accepts the unit's resolution; the agency track closes."""
    case = _agency_case(report)
    if case is None:
        raise ValidationError({"confirm": _("This report has no resolution to confirm.")})
    try:
        return case_confirm(case=case, actor=actor)
    except InvalidTransition as error:
        raise _not_now("confirm", error) from None


def report_dispute_resolution(*, report: Report, reason: str, actor: Any = None) -> AgencyCase:
    """The reporter says the problem is not solved; the unit must follow up again."""
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the unit what is still wrong.")})
    case = _agency_case(report)
    if case is None:
        raise ValidationError({"reason": _("This report has no resolution to dispute.")})
    try:
        return case_dispute(case=case, reason=reason.strip()[:5000], actor=actor)
    except InvalidTransition as error:
        raise _not_now("reason", error) from None


def report_rate(
    *, report: Report, score: int, comment: str = "", actor: Any = None
) -> ReportRating:
    """The reporter's satisfaction once the report is closed: one rating per report, audited."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in RATING_SCORES:
        raise ValidationError({"score": _("Choose a score from 1 to 5.")})
    if len(comment) > 2000:
        raise ValidationError({"comment": _("Keep the comment under 2,000 characters.")})
    already = ValidationError({"score": _("You have already rated this report. Thank you.")})
    with transaction.atomic():
        case = _agency_case(report)
        if case is None or case.state not in RATABLE_STATES:
            raise ValidationError(
                {"score": _("You can rate the handling once the report is closed.")}
            )
        if ReportRating.objects.filter(report=report).exists():
            raise already
        try:
            with transaction.atomic():
                rating = ReportRating.objects.create(
                    report=report,
                    score=score,
                    comment=comment.strip(),
                    created_at=timezone.now(),
                )
        except IntegrityError:  # a second tab sent its rating at the same moment
            raise already from None
        audit_record(
            actor=actor,
            action="report.rated",
            obj=report,
            institution_id=report.institution_id,
            # The comment stays in the rating row; the append-only trail keeps only the score.
            data={"score": score, "with_comment": bool(rating.comment)},
        )
    return rating


@transaction.atomic
def category_create(
    *, actor: Any, slug: str, name_id: str, name_en: str, position: int = 100
) -> Category:
    category = Category(slug=slug, name_id=name_id, name_en=name_en, position=position)
    category.full_clean()
    category.save()
    audit_record(
        actor=actor, action="category.created", obj=category, changes={"name_id": [None, name_id]}
    )
    return category
