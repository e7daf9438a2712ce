"""Messages from a channel (SMS, WhatsApp, e-mail) become a report, or a reply threaded into one.

One pipeline for every messaging channel, after the channel's own parsing:

* the same message twice (a gateway retry, a mailbox read again) creates nothing twice;
* a message that quotes a report number threads into that report only when it comes from the
  phone number or e-mail address the report was filed with; otherwise nothing is created and
  the sender is told that no such report exists *for them* (whether it exists is not revealed);
* any other message becomes a new report: open identity (the sender's number or address), the
  institution named by a leading ``#slug`` or the configured intake institution, category
  "lainnya"; the receipt with the number and access code goes back through the same channel;
* attachments are judged one by one: a refused file is dropped, recorded and named in a reply,
  and the rest of the message still counts.

Consent: whoever writes to a channel does so under its published terms, which include the
privacy notice; the report records the notice version like any other (``consent_version``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from tuntas.audit.models import AuditEvent
from tuntas.audit.services import audit_record
from tuntas.complaints import codes
from tuntas.complaints.attachments import AttachmentRefused, attachments_check
from tuntas.complaints.identity import Identity, normalise_phone
from tuntas.complaints.models import Category, Channel, IdentityMode, Report, ReporterIdentity
from tuntas.complaints.models_inbound import InboundMessage, InboundOutcome
from tuntas.complaints.services import report_add_information
from tuntas.complaints.services_intake import ReportDraft, report_submit
from tuntas.core.sealing import blind_index
from tuntas.institutions.models import Institution, InstitutionKind
from tuntas.notifications.models import NotificationChannel
from tuntas.notifications.services import notification_queue

# A report number as people type it: with or without dashes, any case.
NUMBER_IN_TEXT = re.compile(r"LM-?\d{2}[0-9A-Z]{4}-?[0-9A-Z]{4}", re.IGNORECASE)
# "#kota-magelang jalan rusak di ..." addresses the report to that institution.
LEADING_HASHTAG = re.compile(r"^\s*#([A-Za-z0-9][A-Za-z0-9-]{0,79})(?![A-Za-z0-9-])\s*")
MESSAGING_CHANNELS = (Channel.SMS, Channel.WHATSAPP, Channel.EMAIL)
DEFAULT_CATEGORY = "lainnya"
TITLE_LENGTH = 80


class ChannelNotConfigured(RuntimeError):
    """No institution or category can take channel reports; nothing was stored, retry later."""


@dataclass
class ChannelMessage:
    """One message as a channel received it, parsed but not yet judged."""

    channel: str
    message_id: str
    sender: str  # the phone number as sent, or the e-mail address
    text: str
    sender_name: str = ""
    title: str = ""  # e-mail subject; SMS has none (the title comes from the text)
    number_source: str = ""  # where a report number is looked for (SMS text, e-mail subject)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    received_at: datetime.datetime | None = None
    # Set for an auto-reply, a bounce or a sender that cannot be answered: the message is
    # recorded (so that it is not read again) and never answered, to avoid mail loops.
    ignore_reason: str = ""


@dataclass(frozen=True)
class ChannelOutcome:
    outcome: str
    report: Report | None = None
    errors: tuple[str, ...] = ()
    refused_files: tuple[AttachmentRefused, ...] = ()

    @property
    def duplicate(self) -> bool:
        return self.outcome == "duplicate"


DUPLICATE = ChannelOutcome(outcome="duplicate")


# --- Finding things -----------------------------------------------------------------------


def report_number_in(text: str) -> str | None:
    """The first report number quoted in ``text``, normalised; None when there is none."""
    found = NUMBER_IN_TEXT.search(text or "")
    if found is None:
        return None
    number = codes.normalise_public_number(found.group(0))
    return number if codes.PUBLIC_NUMBER_PATTERN.match(number) else None


def sender_digest(*, channel: str, sender: str) -> str:
    if channel == Channel.EMAIL:
        return blind_index(sender)
    return blind_index(normalise_phone(sender))


def report_of_sender(*, number: str, channel: str, sender: str) -> Report | None:
    """The report ``number`` if it was filed with this phone number (or e-mail address)."""
    digest = sender_digest(channel=channel, sender=sender)
    if not digest:
        return None
    matching = ReporterIdentity.objects.filter(report__public_number=number)
    if channel == Channel.EMAIL:
        matching = matching.filter(email_digest=digest)
    else:
        matching = matching.filter(phone_digest=digest)
    identity = matching.select_related("report").first()
    return identity.report if identity is not None else None


def default_intake_institution() -> Institution | None:
    """``settings.MESSAGE_INTAKE_INSTITUTION`` (a slug), else the first active Ombudsman office."""
    slug = getattr(settings, "MESSAGE_INTAKE_INSTITUTION", "")
    if slug:
        configured = Institution.objects.filter(slug=slug, is_active=True).first()
        if configured is not None:
            return configured
    offices = Institution.objects.filter(is_active=True, kind__in=InstitutionKind.ombudsman_kinds())
    # A representative office before the central one: reports are handled in the regions.
    return (
        offices.filter(kind=InstitutionKind.OMBUDSMAN_REPRESENTATIVE).order_by("name").first()
        or offices.order_by("name").first()
    )


def intake_route(*texts: str) -> tuple[Institution | None, list[str]]:
    """The institution a leading ``#slug`` names in the first text that has one, and the texts
    with that hashtag removed; an unknown slug is left in place and the default applies."""
    for position, text in enumerate(texts):
        found = LEADING_HASHTAG.match(text or "")
        if found is None:
            continue
        institution = Institution.objects.filter(
            slug=found.group(1).lower(), is_active=True
        ).first()
        if institution is not None:
            stripped = list(texts)
            stripped[position] = text[found.end() :]
            return institution, stripped
        break
    return default_intake_institution(), list(texts)


def _intake_category() -> Category:
    category = (
        Category.objects.filter(slug=DEFAULT_CATEGORY, is_active=True).first()
        or Category.objects.filter(is_active=True).first()
    )
    if category is None:
        raise ChannelNotConfigured("no active report category")
    return category


def _title_from(text: str) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first_line) <= TITLE_LENGTH:
        return first_line
    cut = first_line[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return f"{cut}…"


# --- Replies ------------------------------------------------------------------------------


def _notification_channel(channel: str) -> str:
    replies: dict[str, str] = {
        Channel.SMS: NotificationChannel.SMS,
        Channel.WHATSAPP: NotificationChannel.WHATSAPP,
        Channel.EMAIL: NotificationChannel.EMAIL,
    }
    return replies[channel]


def _reply(
    message: ChannelMessage, body: str, *, report: Report | None = None, subject: str = ""
) -> None:
    notification_queue(
        channel=_notification_channel(message.channel),
        to=message.sender,
        subject=subject or _("Your message to Tuntas"),
        body=body,
        report_id=report.pk if report is not None else None,
        institution_id=report.institution_id if report is not None else None,
    )


def _refused_files_text(refused: list[AttachmentRefused]) -> str:
    lines = [_("These files were not attached:")]
    lines += [f"- {refusal.name}: {refusal.rule}" for refusal in refused]
    return "\n".join(lines)


def _judge_files(
    files: list[tuple[str, bytes]], *, already_attached: int
) -> tuple[list[UploadedFile], list[AttachmentRefused]]:
    """Each file on its own: a bad one is dropped, the good ones still go through."""
    accepted: list[UploadedFile] = []
    refused: list[AttachmentRefused] = []
    for name, content in files:
        try:
            attachments_check(
                [SimpleUploadedFile(name, content)],
                already_attached=already_attached + len(accepted),
            )
        except AttachmentRefused as refusal:
            refused.append(refusal)
        else:
            accepted.append(SimpleUploadedFile(name, content))
    return accepted, refused


def _record_refused_files(report: Report, refused: list[AttachmentRefused], channel: str) -> None:
    for refusal in refused:
        audit_record(
            actor=None,
            action="report.attachment_refused",
            obj=report,
            institution_id=report.institution_id,
            data={"name": refusal.name, "rule": refusal.rule, "channel": channel},
        )


def _error_messages(error: ValidationError) -> tuple[str, ...]:
    if hasattr(error, "error_dict"):
        return tuple(text for messages in error.message_dict.values() for text in messages)
    return tuple(error.messages)


# --- The pipeline -------------------------------------------------------------------------


def _record(
    message: ChannelMessage, outcome: str, *, report: Report | None = None
) -> InboundMessage:
    return InboundMessage.objects.create(
        channel=message.channel,
        message_id=message.message_id,
        sender_digest=sender_digest(channel=message.channel, sender=message.sender),
        outcome=outcome,
        report=report,
        received_at=message.received_at,
    )


def _answer_without_report(
    message: ChannelMessage, outcome: str, *, reply: str, data: dict[str, object]
) -> ChannelOutcome:
    """Record a message that made no report, tell the sender why (unless it was automatic)."""
    try:
        with transaction.atomic():
            inbound = _record(message, outcome)
            audit_record(
                actor=None,
                action="inbound_message.refused",
                obj=inbound,
                data={"channel": message.channel, "outcome": outcome, **data},
            )
            if reply and not message.ignore_reason:
                _reply(message, reply)
    except IntegrityError:
        return DUPLICATE
    errors = data.get("errors")
    return ChannelOutcome(outcome=outcome, errors=tuple(errors) if isinstance(errors, list) else ())


def report_reply_from_channel(*, message: ChannelMessage, report: Report) -> ChannelOutcome:
    """Thread a reply into the sender's own report: text and files, then an acknowledgement."""
    accepted, refused = _judge_files(message.files, already_attached=report.attachments.count())
    try:
        with transaction.atomic():
            report_add_information(
                report=report,
                text=message.text,
                uploads=accepted,
                actor=None,
                channel=message.channel,
            )
            _record_refused_files(report, refused, message.channel)
            _record(message, InboundOutcome.THREADED, report=report)
            with override(report.language):
                body = _("Your message has been added to report %(number)s.") % {
                    "number": codes.format_public_number(report.public_number)
                }
                if refused:
                    body += "\n" + _refused_files_text(refused)
                _reply(message, body, report=report)
    except IntegrityError:
        return DUPLICATE
    except ValidationError as error:
        errors = _error_messages(error)
        return _answer_without_report(
            message,
            InboundOutcome.REFUSED,
            reply=_("Your message could not be added to the report: %(reasons)s")
            % {"reasons": " ".join(errors)},
            data={"errors": list(errors), "number": report.public_number},
        )
    return ChannelOutcome(
        outcome=InboundOutcome.THREADED, report=report, refused_files=tuple(refused)
    )


def _new_report(message: ChannelMessage) -> ChannelOutcome:
    institution, (title, text) = intake_route(message.title, message.text)
    if institution is None:
        raise ChannelNotConfigured("no institution takes channel reports")
    text = text.strip()
    title = title.strip() or _title_from(text)
    is_email = message.channel == Channel.EMAIL
    identity = Identity(
        name=(message.sender_name or message.sender).strip()[:200],
        phone="" if is_email else message.sender.strip(),
        email=message.sender.strip() if is_email else "",
    )
    accepted, refused = _judge_files(message.files, already_attached=0)
    draft = ReportDraft(
        institution=institution,
        category=_intake_category(),
        title=title,
        description=text,
        identity_mode=IdentityMode.OPEN,
        identity=identity,
        consent=True,  # given under the channel's published terms (module docstring)
        language=settings.LANGUAGE_CODE,
        channel_reference=message.message_id,
        uploads=accepted,
    )
    try:
        with transaction.atomic():
            submitted = report_submit(draft=draft, channel=message.channel, actor=None)
            report = submitted.report
            _record_refused_files(report, refused, message.channel)
            _record(message, InboundOutcome.CREATED, report=report)
            if refused:
                with override(report.language):
                    _reply(
                        message,
                        _("Your report %(number)s has been received.")
                        % {"number": codes.format_public_number(report.public_number)}
                        + "\n"
                        + _refused_files_text(refused),
                        report=report,
                    )
    except IntegrityError:
        return DUPLICATE
    except ValidationError as error:
        errors = _error_messages(error)
        return _answer_without_report(
            message,
            InboundOutcome.REFUSED,
            reply=_("We could not take your report: %(reasons)s Please send it again.")
            % {"reasons": " ".join(errors)},
            data={"errors": list(errors)},
        )
    return ChannelOutcome(
        outcome=InboundOutcome.CREATED, report=report, refused_files=tuple(refused)
    )


def channel_message_ingest(*, message: ChannelMessage) -> ChannelOutcome:
    """Turn one channel message into a report, a threaded reply, or an answered refusal.

    Raises ChannelNotConfigured (nothing stored) when no institution or category can take it.
    """
    if message.channel not in MESSAGING_CHANNELS:
        raise ValueError(f"not a messaging channel: {message.channel!r}")
    message.message_id = message.message_id.strip()[:200]
    if InboundMessage.objects.filter(
        channel=message.channel, message_id=message.message_id
    ).exists():
        return DUPLICATE
    with override(settings.LANGUAGE_CODE):
        if message.ignore_reason:
            return _answer_without_report(
                message, InboundOutcome.IGNORED, reply="", data={"reason": message.ignore_reason}
            )
        number = report_number_in(message.number_source)
        if number is not None:
            report = report_of_sender(number=number, channel=message.channel, sender=message.sender)
            if report is None:
                where = (
                    _("this e-mail address")
                    if message.channel == Channel.EMAIL
                    else _("this phone number")
                )
                return _answer_without_report(
                    message,
                    InboundOutcome.UNMATCHED,
                    reply=_(
                        "We found no report %(number)s sent from %(where)s. Write from the "
                        "number or address you used for the report, or follow it on the "
                        "website with its access code."
                    )
                    % {"number": codes.format_public_number(number), "where": where},
                    data={"number": number},
                )
            return report_reply_from_channel(message=message, report=report)
        return _new_report(message)


# --- Reads for the staff report page ------------------------------------------------------


def report_information_history(*, report: Report) -> list[AuditEvent]:
    """What the reporter added after filing (web, SMS, e-mail), oldest first."""
    return list(
        AuditEvent.objects.filter(
            object_type="complaints.report",
            object_id=str(report.pk),
            action="report.information_added",
        ).order_by("sequence")
    )
