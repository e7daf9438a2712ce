"""The intake pipeline: a draft from any channel becomes a report, its case, files and receipt.

A submission is prepared first (validated, files checked and written, the access code hashed,
the identity sealed, the deadline calendar read), with no write lock held, and then stored in
one short transaction: on SQLite every other writer waits for that transaction, so the less it
does, the more reports per second the server takes (docs/architecture.md, "Runtime choices").
"""

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
from tuntas.cases import clock
from tuntas.cases.services import agency_case_open
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


@dataclass(frozen=True)
class WrittenFile:
    """A checked upload whose original and safe copy are already on disk (fsynced)."""

    checked: CheckedFile
    stored_name: str
    safe_name: str


def attachment_files_write(checked_files: list[CheckedFile]) -> list[WrittenFile]:
    """Write checked uploads to disk, before the transaction that attaches them.

    A failure later leaves unreferenced files behind (never a row without its file), and the
    writes and their fsyncs happen outside the database's write lock.
    """
    return [
        WrittenFile(
            checked=checked,
            stored_name=write_file(checked.content, ALLOWED_TYPES[checked.content_type]),
            safe_name=write_file(safe_copy(checked), ALLOWED_TYPES[checked.content_type]),
        )
        for checked in checked_files
    ]


def attachment_create(*, report: Report, written: WrittenFile, by_reporter: bool) -> Attachment:
    """The row naming a written file; inside the caller's transaction (and its audit event)."""
    checked = written.checked
    return Attachment.objects.create(
        report=report,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        stored_name=written.stored_name,
        safe_name=written.safe_name,
        scan_status=ScanStatus.CLEAN if scanner().configured else ScanStatus.NOT_SCANNED,
        uploaded_by_reporter=by_reporter,
    )


def _receipt_message(*, public_number: str, language: str, access_code: str) -> tuple[str, str]:
    number = codes.format_public_number(public_number)
    with override(language):
        subject = _("Your report %(number)s has been received") % {"number": number}
        body = _(
            "Thank you. Your report has been received with number %(number)s.\n"
            "Your access code is %(code)s. Keep it secret: with the number it opens your report's status page.\n"
            "Tuntas"
        ) % {"number": number, "code": codes.format_access_code(access_code)}
    return subject, body


@dataclass
class PreparedReport:
    """A validated draft with everything computed that needs no write lock (report_prepare)."""

    draft: ReportDraft
    channel: str
    actor: Any
    access_code: str
    report: Report  # not saved yet; its public number is replaced if it ever clashes
    identity: Identity | None  # as validated: None for an anonymous report
    identity_columns: dict[str, str] | None  # the sealed identity and its blind indexes
    files: list[WrittenFile]
    receipt: tuple[str, str] | None  # (subject, body), for a reporter who gave contact details
    audit_data: dict[str, Any]
    lookups: dict[Any, Any]  # the deadline calendar and policy, read for the case's clock


def report_prepare(*, draft: ReportDraft, channel: str, actor: Any = None) -> PreparedReport:
    """Validate ``draft`` and do all of a submission's work that writes no row.

    Raises ValidationError (per field) or AttachmentRefused, having stored nothing. Checked
    files are written to disk here (see attachment_files_write).
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    today = timezone.localdate()
    identity = _validate_draft(draft, today=today)
    checked_files = attachments_check(draft.uploads)
    access_code = codes.new_access_code()
    language = draft.language if draft.language in ("id", "en") else "id"
    report = Report(
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
        language=language,
        entered_by=actor if actor is not None and getattr(actor, "kind", "") == "staff" else None,
        citizen_account=actor
        if actor is not None and getattr(actor, "kind", "") == "citizen"
        else None,
        submitted_at=timezone.now(),
    )
    lookups: dict[Any, Any] = {}
    with clock.lookups_cached(lookups):
        clock.lookups_for_new_case(institution=draft.institution)
    return PreparedReport(
        draft=draft,
        channel=channel,
        actor=actor,
        access_code=access_code,
        report=report,
        identity=identity,
        identity_columns=None
        if identity is None
        else {"sealed": seal(identity), **digests(identity)},
        files=attachment_files_write(checked_files),
        receipt=None
        if identity is None
        else _receipt_message(
            public_number=report.public_number, language=language, access_code=access_code
        ),
        audit_data={
            "channel": channel,
            "identity_mode": draft.identity_mode,
            "attachments": len(checked_files),
            "unit_id": draft.unit.pk if draft.unit else None,
            "past_ombudsman_time_limit": report_is_past_ombudsman_time_limit(
                occurred_on=draft.occurred_on, today=today
            ),
        },
        lookups=lookups,
    )


def report_submit(
    *, draft: ReportDraft, channel: str, actor: Any = None, open_agency_case: bool = True
) -> SubmittedReport:
    """Create a report with its identity, files, audit event and receipt notifications.

    Everything commits together or not at all; files are written (and fsynced) before the
    transaction and are orphaned, never half-attached, if it fails. ``actor`` is the officer
    or channel system's user who entered it, or None when the reporter did.
    """
    return report_submit_prepared(
        prepared=report_prepare(draft=draft, channel=channel, actor=actor),
        open_agency_case=open_agency_case,
    )


def report_submit_prepared(
    *, prepared: PreparedReport, open_agency_case: bool = True
) -> SubmittedReport:
    """Store a report_prepare()d submission: the rows, the case, the events, the notifications."""
    draft, channel, actor = prepared.draft, prepared.channel, prepared.actor
    for _attempt in range(5):
        report = prepared.report
        try:
            # The batch appends the audit events at the end of the block: concurrent submissions
            # queue on the audit chain head only for that last moment, not for the whole block.
            with transaction.atomic(), audit_batch(), clock.lookups_cached(prepared.lookups):
                report.save(force_insert=True)
                if prepared.identity_columns is not None:
                    ReporterIdentity.objects.create(report=report, **prepared.identity_columns)
                fault_point("report.after_insert")
                for written in prepared.files:
                    attachment_create(report=report, written=written, by_reporter=True)
                fault_point("report.after_files")
                audit_record(
                    actor=actor,
                    action="report.submitted",
                    obj=report,
                    institution_id=draft.institution.pk,
                    data=prepared.audit_data,
                )
                # Handling starts with the report: the unit's deadline clock runs from now. A report
                # made straight to the Ombudsman opens the Ombudsman's track instead (its service
                # wraps this one in the same transaction).
                if open_agency_case:
                    agency_case_open(report=report, actor=actor)
                _queue_receipt(prepared, report)
                fault_point("report.before_commit")
                transaction.on_commit(lambda: fault_point("report.after_commit"))
                return SubmittedReport(report=report, access_code=prepared.access_code)
        except IntegrityError as error:
            report.pk = None  # the row was not stored: insert it again under a new number
            report._state.adding = True
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
            report.public_number = codes.new_public_number()
            if prepared.receipt is not None:
                prepared.receipt = _receipt_message(
                    public_number=report.public_number,
                    language=report.language,
                    access_code=prepared.access_code,
                )
            continue
    raise RuntimeError("could not allocate a report number")


def _queue_receipt(prepared: PreparedReport, report: Report) -> None:
    """The receipt with number and access code, to every contact the reporter gave."""
    if prepared.receipt is None or prepared.identity is None:
        return
    subject, body = prepared.receipt
    reporter_contacts_notify(
        identity=prepared.identity,
        channel=prepared.channel,
        subject=subject,
        body=body,
        report_id=report.pk,
        institution_id=report.institution_id,
    )


def reporter_contacts_notify(
    *,
    identity: Identity,
    channel: str,
    subject: str,
    body: str,
    report_id: int,
    institution_id: int | None,
) -> int:
    """Queue ``body`` by e-mail, and by SMS/WhatsApp when the report came by that channel (a
    number typed into a web form is not known to take messages); returns how many."""
    sent = 0
    if identity.email:
        notification_queue(
            channel=NotificationChannel.EMAIL,
            to=identity.email,
            subject=subject,
            body=body,
            report_id=report_id,
            institution_id=institution_id,
        )
        sent += 1
    if identity.phone and channel in (Channel.SMS, Channel.WHATSAPP):
        notification_queue(
            channel=channel,
            to=identity.phone,
            body=body,
            report_id=report_id,
            institution_id=institution_id,
        )
        sent += 1
    return sent
