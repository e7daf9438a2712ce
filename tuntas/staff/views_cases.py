"""The case page: the timeline, internal notes, and every step the officer may take as a form.

A step posts to /staf/kasus/<number>/langkah/<step>/. When someone else changed the case since
the page was read, the service refuses it (CaseConflict): the page is shown again with who
changed it and when, the fresh state, and everything the officer typed, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuntas.cases import clock, services
from tuntas.cases.access import case_get_for_actor, steps_allowed_to
from tuntas.cases.models import AgencyCase
from tuntas.cases.selectors import case_internal_notes, case_last_change, case_timeline
from tuntas.cases.services import CaseConflict
from tuntas.cases.services_workspace import case_message_send, case_resolve_with_evidence
from tuntas.cases.workflow import PAUSED_STATES, AgencyState, InvalidTransition, allowed_transitions
from tuntas.complaints import codes
from tuntas.complaints.attachments import AttachmentRefused, safe_download_name, storage_dir
from tuntas.staff import forms_cases as f
from tuntas.staff.evidence import evidence_store
from tuntas.staff.views_reports import _staff_only

S = AgencyState


@dataclass(frozen=True)
class Step:
    key: str  # URL segment and form prefix
    permission: str  # what steps_allowed_to must contain
    transition: str | None  # the workflow transition, None for steps that keep the state
    form: type[f.StepForm]
    title: Any
    button: Any
    run: Callable[[AgencyCase, Any, f.StepForm, HttpRequest], Any]
    states: frozenset[str] | None = None  # further narrows where the form is offered


def _data(form: f.StepForm) -> dict[str, Any]:
    return form.cleaned_data


def _resolve(case: AgencyCase, actor: Any, form: f.StepForm, request: HttpRequest) -> Any:
    uploads = request.FILES.getlist(form.add_prefix("evidence"))
    evidence = evidence_store(uploads, already_attached=case.evidence.count()) if uploads else []
    return case_resolve_with_evidence(
        case=case,
        actor=actor,
        expected_version=_data(form)["expected_version"],
        summary=_data(form)["summary"],
        evidence=evidence,
    )


def _v(form: f.StepForm) -> int:
    return int(form.cleaned_data["expected_version"])


STEPS: tuple[Step, ...] = (
    Step(
        "verify",
        "verify",
        "verify",
        f.VerifyForm,
        gettext_lazy("Verify the report"),
        gettext_lazy("Verify"),
        lambda c, a, form, r: services.case_verify(
            case=c, actor=a, expected_version=_v(form), note=_data(form)["note"]
        ),
    ),
    Step(
        "request_information",
        "request_information",
        "request_information",
        f.RequestInformationForm,
        gettext_lazy("Ask the reporter for information"),
        gettext_lazy("Send the question"),
        lambda c, a, form, r: services.case_request_information(
            case=c, actor=a, expected_version=_v(form), question=_data(form)["question"]
        ),
    ),
    Step(
        "reject",
        "reject",
        "reject",
        f.RejectForm,
        gettext_lazy("Reject the report"),
        gettext_lazy("Reject"),
        lambda c, a, form, r: services.case_reject(
            case=c, actor=a, expected_version=_v(form), reason=_data(form)["reason"]
        ),
    ),
    Step(
        "disposition",
        "disposition",
        "disposition",
        f.DispositionForm,
        gettext_lazy("Assign to a unit (disposition)"),
        gettext_lazy("Assign to the unit"),
        lambda c, a, form, r: services.case_disposition(
            case=c,
            actor=a,
            expected_version=_v(form),
            unit=_data(form)["unit"],
            note=_data(form)["note"],
            complexity=_data(form)["complexity"] or None,
        ),
    ),
    Step(
        "assign",
        "assign",
        None,
        f.AssignForm,
        gettext_lazy("Assign to an officer"),
        gettext_lazy("Assign"),
        lambda c, a, form, r: services.case_assign(
            case=c, actor=a, expected_version=_v(form), officer=_data(form)["officer"]
        ),
    ),
    Step(
        "draft_response",
        "draft_response",
        "draft_response",
        f.DraftResponseForm,
        gettext_lazy("Draft the response"),
        gettext_lazy("Save the draft"),
        lambda c, a, form, r: services.case_draft_response(
            case=c, actor=a, expected_version=_v(form), text=_data(form)["text"]
        ),
    ),
    Step(
        "submit_for_approval",
        "submit_for_approval",
        "submit_for_approval",
        f.SubmitForApprovalForm,
        gettext_lazy("Submit the response for the head's approval"),
        gettext_lazy("Submit for approval"),
        lambda c, a, form, r: services.case_submit_for_approval(
            case=c, actor=a, expected_version=_v(form)
        ),
    ),
    Step(
        "approve",
        "approve",
        "resolve",
        f.ApproveForm,
        gettext_lazy("Approve the response and resolve the report"),
        gettext_lazy("Approve and resolve"),
        lambda c, a, form, r: services.case_resolve(
            case=c,
            actor=a,
            expected_version=_v(form),
            summary=_data(form)["summary"],
            approved=True,
        ),
        states=frozenset({S.AWAITING_APPROVAL}),
    ),
    Step(
        "return_for_revision",
        "return_for_revision",
        "return_for_revision",
        f.ReturnForRevisionForm,
        gettext_lazy("Return the response for revision"),
        gettext_lazy("Return for revision"),
        lambda c, a, form, r: services.case_return_for_revision(
            case=c, actor=a, expected_version=_v(form), note=_data(form)["note"]
        ),
    ),
    Step(
        "resolve",
        "resolve",
        "resolve",
        f.ResolveForm,
        gettext_lazy("Resolve the report"),
        gettext_lazy("Resolve"),
        _resolve,
        states=frozenset({S.IN_FOLLOW_UP}),
    ),
    Step(
        "transfer",
        "transfer",
        "transfer",
        f.TransferForm,
        gettext_lazy("Transfer to another institution"),
        gettext_lazy("Transfer"),
        lambda c, a, form, r: services.case_transfer(
            case=c,
            actor=a,
            expected_version=_v(form),
            to_institution=_data(form)["to_institution"],
            reason=_data(form)["reason"],
        ),
    ),
    Step(
        "escalate",
        "escalate",
        "escalate",
        f.EscalateForm,
        gettext_lazy("Escalate to the head of the institution"),
        gettext_lazy("Escalate"),
        lambda c, a, form, r: services.case_escalate(
            case=c, actor=a, expected_version=_v(form), reason=_data(form)["reason"]
        ),
    ),
    Step(
        "offer_to_ombudsman",
        "offer_to_ombudsman",
        "offer_to_ombudsman",
        f.OfferToOmbudsmanForm,
        gettext_lazy("Offer the reporter a report to the Ombudsman"),
        gettext_lazy("Offer to the Ombudsman"),
        lambda c, a, form, r: services.case_offer_to_ombudsman(
            case=c, actor=a, expected_version=_v(form)
        ),
    ),
    Step(
        "message",
        "message",
        None,
        f.MessageForm,
        gettext_lazy("Write to the reporter"),
        gettext_lazy("Send the message"),
        lambda c, a, form, r: _checked_message(c, a, form),
    ),
    Step(
        "note",
        "note",
        None,
        f.NoteForm,
        gettext_lazy("Add an internal note"),
        gettext_lazy("Add the note"),
        lambda c, a, form, r: _checked_note(c, a, form),
    ),
)
STEPS_BY_KEY = {step.key: step for step in STEPS}


def _require_version(case: AgencyCase, form: f.StepForm) -> None:
    """Messages and notes change no state, yet they too answer what the officer read."""
    if _v(form) != case.version:
        raise CaseConflict(case.version)


def _checked_message(case: AgencyCase, actor: Any, form: f.StepForm) -> Any:
    _require_version(case, form)
    return case_message_send(case=case, actor=actor, text=form.cleaned_data["text"])


def _checked_note(case: AgencyCase, actor: Any, form: f.StepForm) -> Any:
    _require_version(case, form)
    return services.case_note_add(case=case, actor=actor, text=form.cleaned_data["text"])


def steps_offered(case: AgencyCase, allowed: frozenset[str]) -> list[Step]:
    """The steps ``allowed`` to the actor that the case's state permits now."""
    transitions = set(allowed_transitions(case.state))
    needs_approval = case.institution.requires_head_approval
    offered = []
    for step in STEPS:
        if step.permission not in allowed:
            continue
        if step.transition is not None and step.transition not in transitions:
            continue
        if step.states is not None and case.state not in step.states:
            continue
        if step.key == "resolve" and needs_approval:
            continue
        if step.transition is None and case.state in (S.REJECTED, S.CONFIRMED, S.WITHDRAWN):
            continue
        if step.key == "message" and case.state in (S.REFERRED_TO_OMBUDSMAN,):
            continue
        offered.append(step)
    return offered


def _case_for(request: HttpRequest, number: str) -> AgencyCase:
    _staff_only(request)
    return case_get_for_actor(actor=request.user, number=codes.normalise_public_number(number))


def _page(
    request: HttpRequest,
    case: AgencyCase,
    *,
    bound: f.StepForm | None = None,
    conflict: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = steps_allowed_to(request.user, case)
    forms = []
    for step in steps_offered(case, allowed):
        if bound is not None and bound.prefix == step.key:
            form = bound
        else:
            form = step.form(case=case, actor=request.user, prefix=step.key)
        forms.append({"step": step, "form": form})
    today = timezone.localdate()
    timeline = [entry for entry in case_timeline(case) if entry.kind != "internal"]
    context = {
        "case": case,
        "report": case.report,
        "formatted_number": codes.format_public_number(case.report.public_number),
        "timeline": timeline,
        "notes": list(case_internal_notes(case)),
        "forms": forms,
        "conflict": conflict,
        "working_days_left": clock.working_days_left(case, today=today),
        "overdue": case.due_on is not None and case.due_on < today,
        "paused_reason": PAUSED_STATES.get(case.state),
        "evidence": list(case.evidence.all()),
        "bound_key": bound.prefix if bound is not None else "",
    }
    return render(request, "staff/cases/detail.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_for(request, number)
    if case.report.public_number != number:
        return redirect("staff:cases:detail", number=case.report.public_number)
    return _page(request, case)


def _service_errors(form: f.StepForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _conflict_context(case: AgencyCase, form: f.StepForm, step: Step) -> dict[str, Any]:
    change = case_last_change(case)
    typed = [
        {"label": form.fields[name].label, "value": value}
        for name, value in (form.cleaned_data or {}).items()
        if isinstance(value, str) and value.strip() and name != "expected_version"
    ]
    return {
        "who": change.who or _("someone else"),
        "at": formats.date_format(timezone.localtime(change.at), "DATETIME_FORMAT")
        if change.at
        else "",
        "step": step.title,
        "typed": typed,
    }


@login_required
@require_POST
def case_step(request: HttpRequest, number: str, step_key: str) -> HttpResponse:
    case = _case_for(request, number)
    step = STEPS_BY_KEY.get(step_key)
    if step is None:
        raise Http404("step")
    form = step.form(request.POST, request.FILES, case=case, actor=request.user, prefix=step.key)
    if step not in steps_offered(case, steps_allowed_to(request.user, case)):
        if step.permission not in steps_allowed_to(request.user, case):
            raise PermissionDenied(_("You may not take this step on this report."))
        # Allowed to the actor, but the state moved on: treat it as the conflict it is.
        if form.is_valid() and _v(form) != case.version:
            return _page(request, case, conflict=_conflict_context(case, form, step), status=409)
        messages.error(request, str(InvalidTransition(step.transition or step.key, case.state)))
        return redirect("staff:cases:detail", number=case.report.public_number)
    if "insert_canned" in request.POST and form.canned_target:
        form.insert_canned()
        return _page(request, case, bound=form)
    if not form.is_valid():
        return _page(request, case, bound=form, status=400)
    try:
        step.run(case, request.user, form, request)
    except CaseConflict:
        fresh = _case_for(request, number)
        conflict = _conflict_context(fresh, form, step)
        if step in steps_offered(fresh, steps_allowed_to(request.user, fresh)):
            data = request.POST.copy()
            data[form.add_prefix("expected_version")] = str(fresh.version)
            rebound = step.form(data, case=fresh, actor=request.user, prefix=step.key)
            rebound.is_valid()
            return _page(request, fresh, bound=rebound, conflict=conflict, status=409)
        return _page(request, fresh, conflict=conflict, status=409)
    except AttachmentRefused as refusal:
        form.add_error(
            "evidence",
            _("%(name)s: %(rule)s Choose the files again; nothing was saved.")
            % {"name": refusal.name, "rule": refusal.rule},
        )
        return _page(request, case, bound=form, status=400)
    except ValidationError as error:
        _service_errors(form, error)
        return _page(request, case, bound=form, status=400)
    except (InvalidTransition, PermissionDenied) as refusal:
        form.add_error(None, str(refusal))
        return _page(request, case, bound=form, status=400)
    messages.success(request, _("Done: %(step)s.") % {"step": step.title})
    return redirect("staff:cases:detail", number=case.report.public_number)


@login_required
def evidence_download(request: HttpRequest, number: str, evidence_id: int) -> FileResponse:
    case = _case_for(request, number)
    item = case.evidence.filter(pk=evidence_id).first()
    if item is None:
        raise Http404("evidence")
    try:
        handle = open(storage_dir() / item.safe_name, "rb")  # noqa: SIM115  (FileResponse closes it)
    except FileNotFoundError:
        raise Http404("evidence") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_download_name(item.original_name, item.content_type),
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
