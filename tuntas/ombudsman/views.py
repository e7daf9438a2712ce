"""Staff pages of the Ombudsman track: the office's list, the case page with its steps, letters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tuntas.accounts.models import UserKind
from tuntas.audit import registry
from tuntas.audit.models import AuditEvent
from tuntas.complaints.selectors import report_identity_for
from tuntas.ombudsman.forms import StepForm
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.models_letters import LetterKind
from tuntas.ombudsman.selectors import (
    can_use_case_room,
    letter_get_for_actor,
    ombudsman_case_get_for_actor,
    ombudsman_cases_filtered,
    ombudsman_cases_visible_to,
)
from tuntas.ombudsman.services import CaseConflict
from tuntas.ombudsman.services_letters import letter_download_record, letter_generate, letter_read
from tuntas.ombudsman.views_steps import STEPS
from tuntas.ombudsman.workflow import OPEN_STATES, InvalidTransition, OmbudsmanState, Track

PAGE_SIZE = 50


def _staff_only(request: HttpRequest) -> None:
    if getattr(request.user, "kind", None) != UserKind.STAFF:
        raise Http404("staff workspace")


class CaseFilter(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Stage"),
        required=False,
        choices=[("", gettext_lazy("All stages")), *OmbudsmanState.choices],
    )
    track = forms.ChoiceField(
        label=gettext_lazy("Track"),
        required=False,
        choices=[("", gettext_lazy("All tracks")), *Track.choices],
    )
    deadline = forms.ChoiceField(
        label=gettext_lazy("Deadline"),
        required=False,
        choices=[
            ("", gettext_lazy("Any")),
            ("overdue", gettext_lazy("Overdue")),
            ("week", gettext_lazy("Due within 7 days")),
        ],
    )
    mine = forms.BooleanField(label=gettext_lazy("Only cases assigned to me"), required=False)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = CaseFilter(request.GET or None)
    cases = ombudsman_cases_visible_to(request.user).select_related(
        "report", "office", "assigned_to"
    )
    if form.is_valid():
        cases = ombudsman_cases_filtered(
            cases,
            today=timezone.localdate(),
            state=form.cleaned_data["state"],
            track=form.cleaned_data["track"],
            deadline=form.cleaned_data["deadline"],
            assigned_to_id=request.user.pk if form.cleaned_data["mine"] else None,
        )
    else:
        cases = cases.filter(state__in=sorted(OPEN_STATES))
    return render(
        request,
        "ombudsman/case_list.html",
        {
            "form": form,
            "cases": cases.order_by("due_on", "opened_at")[:PAGE_SIZE],
            "today": timezone.localdate(),
        },
    )


def _step_forms(
    case: OmbudsmanCase, bound: tuple[str, StepForm] | None = None
) -> list[dict[str, Any]]:
    result = []
    for name, step in STEPS.items():
        if not step.available(case):
            continue
        if bound is not None and bound[0] == name:
            form = bound[1]
        else:
            form = step.form(initial={"expected_version": case.version}, prefix=name, case=case)
        result.append({"name": name, "label": step.label, "form": form})
    return result


def _timeline(case: OmbudsmanCase) -> list[tuple[AuditEvent, str]]:
    labels = {action.name: str(action.label) for action in registry.all_actions()}
    events = AuditEvent.objects.filter(
        object_type="complaints.report", object_id=str(case.report_id)
    ).order_by("sequence")
    return [(event, labels.get(event.action, event.action)) for event in events]


def _render_case(
    request: HttpRequest,
    case: OmbudsmanCase,
    *,
    bound: tuple[str, StepForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    steps = _step_forms(case, bound)
    shown = {step["name"] for step in steps}
    refused = bound[1].non_field_errors() if bound is not None and bound[0] not in shown else []
    return render(
        request,
        "ombudsman/case_detail.html",
        {
            "case": case,
            "steps": steps,
            "refused": refused,
            "timeline": _timeline(case),
            "letters": case.letters.all(),
            "letter_kinds": LetterKind.choices,
            "state_label": OmbudsmanState(case.state).label,
            "can_use_room": can_use_case_room(request.user, case),
            "reporter": report_identity_for(actor=request.user, report=case.report),
            "formal_checks": case.formal_checks.all(),
            "completeness_requests": case.completeness_requests.all(),
            "material_checks": case.material_checks.all(),
            "plenary_decisions": case.plenary_decisions.all(),
            "clarifications": case.clarifications.select_related("addressed_to"),
            "summonses": case.summonses.all(),
            "mediations": case.mediations.all(),
            "lahps": case.lahps.prefetch_related(
                "maladministration_types", "corrective_actions__owner"
            ).select_related("substance"),
            "recommendations": case.recommendations.all(),
            "handovers": case.handovers.select_related(
                "from_office", "to_office", "from_unit", "to_unit"
            ),
        },
        status=status,
    )


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    return _render_case(request, ombudsman_case_get_for_actor(actor=request.user, number=number))


def _errors_to_form(form: StepForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_POST
def case_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    _staff_only(request)
    case = ombudsman_case_get_for_actor(actor=request.user, number=number)
    if step not in STEPS:
        raise Http404("step")
    definition = STEPS[step]
    form = definition.form(request.POST, prefix=step, case=case)
    if form.is_valid():
        try:
            definition.run(case, request.user, form.cleaned_data)
        except (CaseConflict, InvalidTransition, PermissionDenied) as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Saved: %(step)s.") % {"step": definition.label})
            return redirect("ombudsman:case", number=case.report.public_number)
    case.refresh_from_db()
    return _render_case(request, case, bound=(step, form), status=400)


@login_required
@require_POST
def letter_new(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    case = ombudsman_case_get_for_actor(actor=request.user, number=number)
    kind = request.POST.get("kind", "")
    try:
        letter = letter_generate(case=case, kind=kind, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Letter %(number)s generated.") % {"number": letter.number})
    return redirect("ombudsman:case", number=case.report.public_number)


@login_required
@require_http_methods(["GET"])
def letter_download(request: HttpRequest, letter_id: int) -> FileResponse:
    _staff_only(request)
    letter = letter_get_for_actor(actor=request.user, letter_id=letter_id)
    letter_download_record(letter=letter, actor=request.user)
    safe_number = letter.number.replace("/", "-")
    response = FileResponse(iter([letter_read(letter)]), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.kind}-{safe_number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
