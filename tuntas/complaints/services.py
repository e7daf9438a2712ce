"""Every write to reports: one pipeline for every channel."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tuntas.audit.services import audit_batch, audit_record
from tuntas.cases.models import AgencyCase
from tuntas.cases.services import (
    agency_case_open,
    case_confirm,
    case_dispute,
    case_information_received,
    case_withdraw,
)
from tuntas.cases.workflow import CLOSED_STATES, OPEN_STATES, AgencyState, InvalidTransition
from tuntas.complaints import codes
from tuntas.complaints.attachments import (
    ALLOWED_TYPES,
    CheckedFile,
    attachments_check,
    safe_copy,
    scanner,
    write_file,
)
from tuntas.complaints.identity import Identity, digests, seal
from tuntas.complaints.models import (
    Attachment,
    Category,
    Channel,
    IdentityMode,
    Report,
    ReporterIdentity,
    ReportRating,
    ReportStatus,
    ScanStatus,
    Visibility,
)
from tuntas.complaints.nik import validate_nik
from tuntas.core.faults import fault_point
from tuntas.institutions.models import Institution, Unit
from tuntas.notifications.models import NotificationChannel
from tuntas.notifications.services import notification_queue

# UU 37/2008 Pasal 24(3): the Ombudsman takes only events less than two years old.
OMBUDSMAN_TIME_LIMIT_DAYS = 2 * 365


class DuplicateChannelMessage(IntegrityError):
    """The channel already delivered this message (its channel_reference): ``report`` has it.

    An IntegrityError, as the unique index raises it, so that callers catching that still
    do; raised after this function's savepoint is rolled back, so the transaction is usable.
    """

    def __init__(self, report: Report) -> None:
        super().__init__(report.public_number)
        self.report = report


@dataclass
class ReportDraft:
    """What a reporter tells us, from any channel, before it becomes a report."""

    institution: Institution
    category: Category
    title: str
    description: str
    identity_mode: str
    unit: Unit | None = None
    occurred_on: datetime.date | None = None
    desired_outcome: str = ""
    service_name: str = ""
    address: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    latitude: Any = None
    longitude: Any = None
    complained_before: bool = False
    complained_on: datetime.date | None = None
    complaint_response: str = ""
    visibility: str = Visibility.PRIVATE
    identity: Identity | None = None
    consent: bool = False
    language: str = "id"
    channel_reference: str = ""
    uploads: list[UploadedFile] = field(default_factory=list)


@dataclass(frozen=True)
class SubmittedReport:
    report: Report
    access_code: str  # shown once; only its hash is stored

    @property
    def formatted_access_code(self) -> str:
        return codes.format_access_code(self.access_code)


def report_is_past_ombudsman_time_limit(
    *, occurred_on: datetime.date | None, today: datetime.date
) -> bool:
    return occurred_on is not None and (today - occurred_on).days > OMBUDSMAN_TIME_LIMIT_DAYS


def _validate_draft(draft: ReportDraft, *, today: datetime.date) -> Identity | None:
    errors: dict[str, list[str]] = {}

    def fail(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if draft.identity_mode not in IdentityMode.values:
        fail("identity_mode", _("Choose how your identity is handled."))
    if draft.visibility not in Visibility.values:
        fail("visibility", _("Choose whether the report is private or public."))
    if not draft.title.strip():
        fail("title", _("Give the report a short title."))
    if len(draft.description.strip()) < 20:
        fail("description", _("Describe what happened in at least 20 characters."))
    if draft.unit is not None and draft.unit.institution_id != draft.institution.pk:
        fail("unit", _("The unit must belong to the chosen institution."))
    if not draft.institution.is_active or (draft.unit is not None and not draft.unit.is_active):
        fail("institution", _("This institution or unit no longer takes reports."))
    if not draft.category.is_active:
        fail("category", _("Choose a category from the list."))
    if draft.occurred_on is not None and draft.occurred_on > today:
        fail("occurred_on", _("The date cannot be in the future."))
    if draft.complained_on is not None and draft.complained_on > today:
        fail("complained_on", _("The date cannot be in the future."))
    if draft.complained_on is not None and not draft.complained_before:
        fail("complained_on", _("Give a date only if you already complained to the unit."))
    if (draft.latitude is None) != (draft.longitude is None):
        fail("latitude", _("A map pin needs both latitude and longitude."))

    identity = draft.identity
    if draft.identity_mode == IdentityMode.ANONYMOUS:
        identity = None  # nothing about an anonymous reporter is stored, whatever was typed
    elif draft.identity_mode in IdentityMode.values:
        if identity is None or not identity.name.strip():
            fail("name", _("Give your name, or choose to report anonymously."))
        if not draft.consent:
            fail("consent", _("Agree to the privacy notice so that we may store your identity."))
        if identity is not None and identity.nik:
            try:
                identity = Identity(
                    **{**identity.__dict__, "nik": validate_nik(identity.nik, today=today)}
                )
            except ValidationError as error:
                fail("nik", error.messages[0])
        if identity is not None and identity.email:
            from django.core.validators import validate_email

            try:
                validate_email(identity.email)
            except ValidationError:
                fail("email", _("Enter a valid e-mail address."))
    if errors:
        raise ValidationError(errors)
    return identity


def _store_attachment(*, report: Report, checked: CheckedFile, by_reporter: bool) -> Attachment:
    extension = ALLOWED_TYPES[checked.content_type]
    stored_name = write_file(checked.content, extension)
    safe_name = write_file(safe_copy(checked), extension)
    attachment = Attachment.objects.create(
        report=report,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        stored_name=stored_name,
        safe_name=safe_name,
        scan_status=ScanStatus.CLEAN if scanner().configured else ScanStatus.NOT_SCANNED,
        uploaded_by_reporter=by_reporter,
    )
    return attachment


def _receipt_message(report: Report, access_code: str) -> tuple[str, str]:
    with override(report.language):
        subject = _("Your report %(number)s has been received") % {
            "number": codes.format_public_number(report.public_number)
        }
        body = _(
            "Thank you. Your report has been received with number %(number)s.\n"
            "Your access code is %(code)s. Keep it secret: with the number it opens your report's status page.\n"
            "Tuntas"
        ) % {
            "number": codes.format_public_number(report.public_number),
            "code": codes.format_access_code(access_code),
        }
    return subject, body


def report_submit(
    *, draft: ReportDraft, channel: str, actor: Any = None, open_agency_case: bool = True
) -> SubmittedReport:
    """Create a report with its identity, files, audit event and receipt notifications.

    Everything commits together or not at all; files are written (and fsynced) before the
    commit and are orphaned, never half-attached, if it fails. ``actor`` is the officer or
    channel system's user who entered it, or None when the reporter did.
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    today = timezone.localdate()
    identity = _validate_draft(draft, today=today)
    checked_files = attachments_check(draft.uploads)
    access_code = codes.new_access_code()

    for _attempt in range(5):
        try:
            # The batch appends the audit events at the end of the block: concurrent submissions
            # queue on the audit chain head only for that last moment, not for the whole block.
            with transaction.atomic(), audit_batch():
                report = Report.objects.create(
                    public_number=codes.new_public_number(),
                    access_code_hash=codes.hash_access_code(access_code),
                    channel=channel,
                    channel_reference=draft.channel_reference[:200],
                    title=draft.title.strip()[:200],
                    description=draft.description.strip(),
                    occurred_on=draft.occurred_on,
                    desired_outcome=draft.desired_outcome.strip(),
                    category=draft.category,
                    service_name=draft.service_name.strip()[:200],
                    institution=draft.institution,
                    unit=draft.unit,
                    address=draft.address.strip()[:300],
                    kecamatan=draft.kecamatan.strip()[:100],
                    kelurahan=draft.kelurahan.strip()[:100],
                    latitude=draft.latitude,
                    longitude=draft.longitude,
                    complained_before=draft.complained_before,
                    complained_on=draft.complained_on,
                    complaint_response=draft.complaint_response.strip(),
                    identity_mode=draft.identity_mode,
                    visibility=draft.visibility,
                    consent_version=settings.PRIVACY_NOTICE_VERSION if identity is not None else "",
                    language=draft.language if draft.language in ("id", "en") else "id",
                    entered_by=actor
                    if actor is not None and getattr(actor, "kind", "") == "staff"
                    else None,
                    citizen_account=actor
                    if actor is not None and getattr(actor, "kind", "") == "citizen"
                    else None,
                    submitted_at=timezone.now(),
                )
                if identity is not None:
                    ReporterIdentity.objects.create(
                        report=report, sealed=seal(identity), **digests(identity)
                    )
                fault_point("report.after_insert")
                for checked in checked_files:
                    _store_attachment(report=report, checked=checked, by_reporter=True)
                fault_point("report.after_files")
                audit_record(
                    actor=actor,
                    action="report.submitted",
                    obj=report,
                    institution_id=draft.institution.pk,
                    data={
                        "channel": channel,
                        "identity_mode": draft.identity_mode,
                        "attachments": len(checked_files),
                        "unit_id": draft.unit.pk if draft.unit else None,
                        "past_ombudsman_time_limit": report_is_past_ombudsman_time_limit(
                            occurred_on=draft.occurred_on, today=today
                        ),
                    },
                )
                # Handling starts with the report: the unit's deadline clock runs from now. A report
                # made straight to the Ombudsman opens the Ombudsman's track instead (its service
                # wraps this one in the same transaction).
                if open_agency_case:
                    agency_case_open(report=report, actor=actor)
                if identity is not None:
                    subject, body = _receipt_message(report, access_code)
                    if identity.email:
                        notification_queue(
                            channel=NotificationChannel.EMAIL,
                            to=identity.email,
                            subject=subject,
                            body=body,
                            report_id=report.pk,
                            institution_id=draft.institution.pk,
                        )
                    if identity.phone and channel in (Channel.SMS, Channel.WHATSAPP):
                        notification_queue(
                            channel=channel,
                            to=identity.phone,
                            body=body,
                            report_id=report.pk,
                            institution_id=draft.institution.pk,
                        )
                fault_point("report.before_commit")
                transaction.on_commit(lambda: fault_point("report.after_commit"))
                return SubmittedReport(report=report, access_code=access_code)
        except IntegrityError as error:
            # A clash of random report numbers (1 in 2^40) or a duplicate channel message.
            existing = (
                Report.objects.filter(
                    channel=channel, channel_reference=draft.channel_reference[:200]
                )
                .only("pk", "public_number")
                .first()
                if draft.channel_reference
                else None
            )
            if existing is not None:
                raise DuplicateChannelMessage(existing) from error
            continue
    raise RuntimeError("could not allocate a report number")


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
    with transaction.atomic():
        for checked in checked_files:
            _store_attachment(report=report, checked=checked, by_reporter=True)
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
