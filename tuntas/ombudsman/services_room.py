"""Writes in the joint case room and from the coordination board; each checks can_use_case_room."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.accounts.models import Membership, Role
from tuntas.complaints.attachments import (
    ALLOWED_TYPES,
    AttachmentRefused,
    attachments_check,
    safe_copy,
    write_file,
)
from tuntas.institutions.models import Institution
from tuntas.notifications.models import NotificationChannel
from tuntas.notifications.services import notification_queue
from tuntas.ombudsman.models import (
    AgreedAction,
    OmbudsmanCase,
    RoomDocument,
    RoomMessage,
    UnitPush,
)
from tuntas.ombudsman.notify import number_of
from tuntas.ombudsman.selectors import can_use_case_room
from tuntas.ombudsman.services import record
from tuntas.ombudsman.workflow import OmbudsmanState


def _allowed(actor: Any, case: OmbudsmanCase) -> None:
    if not can_use_case_room(actor, case):
        raise PermissionDenied(_("You are not a member of this case room."))


@transaction.atomic
def room_message_post(*, case: OmbudsmanCase, actor: Any, body: str) -> RoomMessage:
    _allowed(actor, case)
    if not body.strip():
        raise ValidationError({"body": _("The message is empty.")})
    message = RoomMessage.objects.create(
        case=case, author=actor, body=body.strip(), created_at=timezone.now()
    )
    record(case=case, action="room_message", actor=actor, data={"message_id": message.pk})
    return message


@transaction.atomic
def agreed_action_add(
    *, case: OmbudsmanCase, actor: Any, description: str, owner: Institution, due_on: datetime.date
) -> AgreedAction:
    _allowed(actor, case)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Describe the action.")
    if due_on < timezone.localdate():
        errors["due_on"] = _("The deadline cannot be in the past.")
    if owner.pk not in (case.office_id, case.report.institution_id):
        errors["owner"] = _("Choose the Ombudsman office or the reported institution.")
    if errors:
        raise ValidationError(errors)
    action = AgreedAction.objects.create(
        case=case,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor,
        created_at=timezone.now(),
    )
    record(
        case=case, action="agreed_action_added", actor=actor, data={"agreed_action_id": action.pk}
    )
    return action


@transaction.atomic
def agreed_action_done(*, action: AgreedAction, actor: Any, evidence: str) -> AgreedAction:
    """Mark an agreed action done, saying what shows it (a document shared, a decree number)."""
    _allowed(actor, action.case)
    if not evidence.strip():
        raise ValidationError({"evidence": _("Describe the evidence that the action was done.")})
    fresh = AgreedAction.objects.select_for_update().get(pk=action.pk)
    if fresh.done_on is not None:
        raise ValidationError(_("This action is already done."))
    fresh.done_on = timezone.localdate()
    fresh.evidence = evidence.strip()
    fresh.done_by = actor
    fresh.save(update_fields=["done_on", "evidence", "done_by"])
    record(
        case=action.case,
        action="agreed_action_done",
        actor=actor,
        data={"agreed_action_id": fresh.pk, "late": fresh.done_on > fresh.due_on},
    )
    action.__dict__.update(fresh.__dict__)
    return action


def room_document_add(*, case: OmbudsmanCase, actor: Any, upload: UploadedFile) -> RoomDocument:
    """Share a document: checked like a report's attachment; only its safe copy is kept."""
    _allowed(actor, case)
    try:
        (checked,) = attachments_check([upload])
    except AttachmentRefused as error:
        raise ValidationError({"upload": str(error)}) from None
    stored_name = write_file(safe_copy(checked), ALLOWED_TYPES[checked.content_type])
    with transaction.atomic():
        document = RoomDocument.objects.create(
            case=case,
            uploaded_by=actor,
            original_name=checked.name,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            stored_name=stored_name,
            created_at=timezone.now(),
        )
        record(case=case, action="room_document", actor=actor, data={"document_id": document.pk})
    return document


def _unit_officer_emails(case: OmbudsmanCase) -> list[str]:
    if case.report.unit_id is None:
        return []
    return sorted(
        set(
            Membership.objects.active()
            .filter(unit_id=case.report.unit_id, role=Role.OFFICER)
            .values_list("user__email", flat=True)
        )
    )


def partner_unit_push(*, case: OmbudsmanCase, actor: Any, note: str = "") -> UnitPush:
    """The liaison urges the reported unit's officers to act (from the coordination board).

    The officers get an e-mail after commit; the push is audited. At most one push per case per
    calendar day (UnitPush's unique constraint; a second click, even a concurrent one, is
    refused with a clear message), so the unit is not spammed.
    """
    _allowed(actor, case)
    if not case.is_open:
        raise ValidationError(_("This case is closed; there is nothing to push."))
    if case.report.unit_id is None:
        raise ValidationError(
            _("The report names no unit. Agree on who acts in the joint case room instead.")
        )
    today = timezone.localdate()
    already = _("The unit was already pushed on this case today. You can push again tomorrow.")
    if UnitPush.objects.filter(case=case, pushed_on=today).exists():
        raise ValidationError(already)
    recipients = _unit_officer_emails(case)
    if not recipients:
        raise ValidationError(
            _("The unit has no active officers on Tuntas. Contact the unit directly.")
        )
    number = number_of(case)
    due = case.due_on.isoformat() if case.due_on else "—"
    try:
        with transaction.atomic():
            push = UnitPush.objects.create(
                case=case,
                pushed_on=today,
                pushed_by=actor,
                note=note.strip(),
                recipients=len(recipients),
                created_at=timezone.now(),
            )
            for email in recipients:
                notification_queue(
                    channel=NotificationChannel.EMAIL,
                    to=email,
                    subject=_("Please act on report %(number)s (Ombudsman case)")
                    % {"number": number},
                    body=_(
                        "The Ombudsman is examining report %(number)s about your unit, %(unit)s.\n"
                        "Stage: %(stage)s. The current deadline is %(due)s.\n"
                        "%(who)s asks your unit to act on it now.\n%(note)s\nTuntas"
                    )
                    % {
                        "number": number,
                        "unit": case.report.unit.name,  # type: ignore[union-attr]
                        "stage": OmbudsmanState(case.state).label,
                        "due": due,
                        "who": str(actor) if actor is not None else _("The liaison"),
                        "note": note.strip(),
                    },
                    report_id=case.report_id,
                    institution_id=case.report.institution_id,
                )
            record(
                case=case,
                action="unit_pushed",
                actor=actor,
                data={"push_id": push.pk, "recipients": len(recipients)},
            )
    except IntegrityError:
        raise ValidationError(already) from None
    return push
