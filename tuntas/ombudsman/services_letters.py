"""Generating, numbering and keeping official letters.

Numbers run per Ombudsman office per calendar year (WIB): the office's LetterCounter row is
locked with select_for_update while the next number is taken, and (office, year, sequence) is
unique, so two letters can never share a number even under concurrent generation.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.audit.services import audit_record
from tuntas.institutions.models import Institution
from tuntas.ombudsman.letters import (
    LETTER_TIME_ZONE,
    letter_context,
    letter_number,
    render_letter_pdf,
)
from tuntas.ombudsman.models import (
    ClarificationRequest,
    CompletenessRequest,
    Letter,
    LetterCounter,
    LetterTemplate,
    OmbudsmanCase,
    SummonsEntry,
)
from tuntas.ombudsman.models_letters import LetterKind
from tuntas.ombudsman.models_outcome import Conclusion
from tuntas.ombudsman.services import record
from tuntas.ombudsman.workflow import CLOSED_STATES


def letters_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "letters"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write(content: bytes) -> str:
    name = f"{secrets.token_hex(16)}.pdf"
    directory = letters_dir()
    with open(directory / name, "xb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return name


def letter_read(letter: Letter) -> bytes:
    return (letters_dir() / letter.stored_name).read_bytes()


def next_sequence(*, office: Institution, year: int) -> int:
    """Take the next number of ``office`` in ``year``; call inside the letter's transaction."""
    counter = LetterCounter.objects.select_for_update().filter(office=office, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                LetterCounter.objects.create(office=office, year=year, last_sequence=0)
        except IntegrityError:
            pass  # another writer created it first; lock theirs
        counter = LetterCounter.objects.select_for_update().get(office=office, year=year)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    return counter.last_sequence


def _details(case: OmbudsmanCase, kind: str, subject: Any) -> dict[str, Any]:
    """What each kind of letter says beyond the common part, from the record it is about."""
    if kind == LetterKind.COMPLETENESS:
        request = subject or case.completeness_requests.order_by("-id").first()
        if not isinstance(request, CompletenessRequest):
            raise ValidationError({"kind": _("There is no completeness request to write about.")})
        return {"missing_items": request.missing_items, "due_date": request.due_on}
    if kind == LetterKind.CLARIFICATION:
        clarification = subject or case.clarifications.order_by("-id").first()
        if not isinstance(clarification, ClarificationRequest):
            raise ValidationError({"kind": _("There is no clarification request to write about.")})
        return {
            "addressed_to": clarification.addressed_to.name,
            "clarification_kind": clarification.get_kind_display(),
            "questions": clarification.questions,
            "due_date": clarification.due_on,
        }
    if kind == LetterKind.SUMMONS:
        summons = subject or case.summonses.order_by("-sequence").first()
        if not isinstance(summons, SummonsEntry):
            raise ValidationError({"kind": _("There is no summons to write about.")})
        when = summons.scheduled_at.astimezone(LETTER_TIME_ZONE)
        return {
            "person": summons.person,
            "capacity": summons.capacity,
            "when": f"{when:%d-%m-%Y %H:%M} WIB",
            "place": summons.place,
            "summons_sequence": str(summons.sequence),
        }
    if kind == LetterKind.CLOSURE:
        if case.state not in CLOSED_STATES:
            raise ValidationError({"kind": _("The case is not closed.")})
        return {
            "closure_reason": case.get_closure_reason_display(),
            "closure_note": case.closure_note,
        }
    if kind == LetterKind.LAHP:
        lahp = case.lahps.filter(superseded=False).first()
        if lahp is None:
            raise ValidationError({"kind": _("There is no final report to write about.")})
        return {
            "conclusion": Conclusion(lahp.conclusion).label,
            "summary": lahp.summary,
            "findings": lahp.findings,
            "opinion": lahp.opinion,
            "maladministration_types": ", ".join(
                t.name_id for t in lahp.maladministration_types.all()
            ),
            "substance": lahp.substance.name_id,
            "response_due_date": lahp.response_due_on,
            "issued": "ya" if lahp.issued_at else "belum (rancangan)",
            "corrective_actions": [
                {
                    "description": action.description,
                    "owner": action.owner.name,
                    "owner_detail": action.owner_detail,
                    "due_date": action.due_on,
                }
                for action in lahp.corrective_actions.all()
            ],
        }
    if kind == LetterKind.RECOMMENDATION:
        recommendation = case.recommendations.order_by("-id").first()
        if recommendation is None:
            raise ValidationError({"kind": _("There is no recommendation to write about.")})
        return {
            "addressee": recommendation.addressee,
            "content": recommendation.content,
            "due_date": recommendation.due_on,
        }
    return {}


def letter_generate(*, case: OmbudsmanCase, kind: str, actor: Any, subject: Any = None) -> Letter:
    """Render, number and keep one letter of ``kind`` about ``case`` (and its ``subject`` record)."""
    if kind not in LetterKind.values:
        raise ValidationError({"kind": _("Choose a kind of letter.")})
    template = LetterTemplate.objects.filter(kind=kind).first()
    if template is None:
        raise ValidationError({"kind": _("No template exists for this kind of letter.")})
    details = _details(case, kind, subject)
    issued = timezone.now().astimezone(LETTER_TIME_ZONE)
    with transaction.atomic():
        office = case.office
        sequence = next_sequence(office=office, year=issued.year)
        number = letter_number(
            sequence=sequence, code=template.number_code, office=office, issued=issued
        )
        context = letter_context(
            case=case, kind=kind, number=number, issued=issued.date(), details=details
        )
        content = render_letter_pdf(body=template.body, title=template.title, context=context)
        stored_name = _write(content)
        letter = Letter.objects.create(
            case=case,
            kind=kind,
            office=office,
            year=issued.year,
            sequence=sequence,
            number=number,
            stored_name=stored_name,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            created_by=actor,
            created_at=timezone.now(),
        )
        record(
            case=case,
            action="letter_generated",
            actor=actor,
            data={"letter_id": letter.pk, "kind": kind, "number": number},
        )
    return letter


@transaction.atomic
def letter_download_record(*, letter: Letter, actor: Any) -> None:
    audit_record(
        actor=actor,
        action="ombudsman.letter_downloaded",
        obj=letter.case.report,
        institution_id=letter.office_id,
        data={"letter_id": letter.pk, "number": letter.number},
    )
