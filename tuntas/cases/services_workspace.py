"""Services of the officer's workspace around the track's steps.

Messages to the reporter, canned responses, resolving with evidence files, and bulk actions.
A bulk action runs the per-case service once per case, each in its own transaction, and
reports for every case whether it succeeded, met a conflict, or was not possible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuntas.audit.services import audit_record, changed_fields, field_values
from tuntas.cases import services
from tuntas.cases.access import cases_visible_to, steps_allowed_to
from tuntas.cases.models import AgencyCase, CannedResponse, CaseEvidence, CaseMessage, MessageKind
from tuntas.cases.services import CaseConflict
from tuntas.cases.workflow import CLOSED_STATES, InvalidTransition
from tuntas.institutions.models import Institution

CANNED_FIELDS = ("institution_id", "title", "text", "is_active", "position")


@transaction.atomic
def case_message_send(*, case: AgencyCase, actor: Any, text: str) -> CaseMessage:
    """A message the reporter reads on the tracking page (no change of state)."""
    if not text.strip():
        raise ValidationError({"text": _("The message is empty.")})
    if case.state in CLOSED_STATES:
        raise ValidationError({"text": _("The report is closed; it takes no more messages.")})
    message = CaseMessage.objects.create(
        case=case, kind=MessageKind.TO_REPORTER, author=actor, body=text.strip()
    )
    audit_record(
        actor=actor,
        action="case.message_sent",
        obj=case.report,
        institution_id=case.institution_id,
        data={"case_id": case.pk, "message_id": message.pk},
    )
    return message


@transaction.atomic
def canned_response_save(
    *,
    actor: Any,
    canned: CannedResponse | None = None,
    institution: Institution | None,
    title: str,
    text: str,
    is_active: bool = True,
    position: int = 100,
) -> CannedResponse:
    """Create (``canned`` None) or change a canned response, with its audit event."""
    if not title.strip():
        raise ValidationError({"title": _("Give the text a short title.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the text.")})
    creating = canned is None
    target = canned if canned is not None else CannedResponse()
    before = {} if creating else field_values(target, CANNED_FIELDS)
    target.institution = institution
    target.title = title.strip()
    target.text = text.strip()
    target.is_active = is_active
    target.position = position
    target.full_clean(exclude=["institution"])
    target.save()
    audit_record(
        actor=actor,
        action="case.canned_response_created" if creating else "case.canned_response_changed",
        obj=target,
        institution_id=institution.pk if institution else None,
        changes=changed_fields(before, field_values(target, CANNED_FIELDS)),
    )
    return target


@dataclass(frozen=True)
class EvidenceFile:
    """A file already checked and stored as a safe copy (see tuntas.staff.evidence)."""

    original_name: str
    content_type: str
    size: int
    sha256: str
    safe_name: str


@transaction.atomic
def case_resolve_with_evidence(
    *,
    case: AgencyCase,
    actor: Any,
    expected_version: int,
    summary: str,
    evidence: Sequence[EvidenceFile] = (),
    approved: bool = False,
) -> AgencyCase:
    """Resolve, and keep the files that show it, in one transaction."""
    case = services.case_resolve(
        case=case,
        actor=actor,
        expected_version=expected_version,
        summary=summary,
        approved=approved,
    )
    for item in evidence:
        CaseEvidence.objects.create(
            case=case,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            safe_name=item.safe_name,
            uploaded_by=actor,
        )
    if evidence:
        audit_record(
            actor=actor,
            action="case.evidence_added",
            obj=case.report,
            institution_id=case.institution_id,
            data={"case_id": case.pk, "files": [item.sha256 for item in evidence]},
        )
    return case


# --- Bulk actions -------------------------------------------------------------------------

BULK_STEPS = ("assign", "disposition", "verify")


@dataclass(frozen=True)
class BulkOutcome:
    number: str
    ok: bool
    conflict: bool = False
    message: str = ""


def _bulk_call(step: str, params: dict[str, Any]) -> Callable[..., AgencyCase]:
    if step == "verify":
        return lambda **kw: services.case_verify(note=params.get("note", ""), **kw)
    if step == "assign":
        return lambda **kw: services.case_assign(officer=params["officer"], **kw)
    if step == "disposition":
        return lambda **kw: services.case_disposition(
            unit=params["unit"], note=params.get("note", ""), complexity=None, **kw
        )
    raise ValueError(f"no bulk action {step!r}")


def cases_bulk_step(
    *, actor: Any, step: str, selected: Sequence[tuple[str, int]], **params: Any
) -> list[BulkOutcome]:
    """Run ``step`` on each (public number, version read) in ``selected``; one outcome each."""
    call = _bulk_call(step, params)
    numbers = [number for number, _version in selected]
    found = {
        case.report.public_number: case
        for case in cases_visible_to(actor)
        .select_related("report", "institution")
        .filter(report__public_number__in=numbers)
    }
    outcomes = []
    for number, version in selected:
        case = found.get(number)
        if case is None:
            outcomes.append(BulkOutcome(number, False, message=_("Report not found.")))
            continue
        if step not in steps_allowed_to(actor, case):
            outcomes.append(
                BulkOutcome(number, False, message=_("You may not take this step on it."))
            )
            continue
        try:
            call(case=case, actor=actor, expected_version=version)
        except CaseConflict as conflict:
            outcomes.append(BulkOutcome(number, False, conflict=True, message=str(conflict)))
        except (InvalidTransition, PermissionDenied) as refusal:
            outcomes.append(BulkOutcome(number, False, message=str(refusal)))
        except ValidationError as error:
            outcomes.append(BulkOutcome(number, False, message=" ".join(error.messages)))
        else:
            outcomes.append(BulkOutcome(number, True))
    return outcomes
