"""The reporter's actions on the Ombudsman track, from the public tracking page (no login).

The reporter is identified exactly as on the tracking page (tuntas.complaints.views_tracking):
the signed tracking grant of this browser for the report, or the citizen account that owns it.
Without it every page shows the tracking look-up form, whether or not the report exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tuntas.complaints import codes
from tuntas.complaints.attachments import AttachmentRefused
from tuntas.complaints.forms_tracking import TrackingForm
from tuntas.complaints.models import Report
from tuntas.complaints.views_tracking import _actor, _authorised_report, _render_lookup
from tuntas.ombudsman.forms_public import (
    CompletenessForm,
    LahpResponseForm,
    OmbudsmanWithdrawForm,
    TakeToOmbudsmanForm,
)
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.services import CaseConflict
from tuntas.ombudsman.services_outcome import ombudsman_lahp_respond
from tuntas.ombudsman.services_reporter import (
    offered_agency_case_of,
    reporter_completeness_send,
    reporter_take_to_ombudsman,
    reporter_withdraw,
)
from tuntas.ombudsman.tracking import ombudsman_panel_for
from tuntas.ombudsman.workflow import InvalidTransition, OmbudsmanState


def _lookup(request: HttpRequest, number: str) -> HttpResponse:
    return _render_lookup(request, TrackingForm(initial={"number": number[:40]}))


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _case_of(report: Report) -> OmbudsmanCase | None:
    return OmbudsmanCase.objects.filter(report=report).select_related("report", "office").first()


def _to_tracking(report: Report) -> HttpResponse:
    return redirect("tracking:detail", number=codes.format_public_number(report.public_number))


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _page(
    request: HttpRequest,
    report: Report,
    *,
    form: Any,
    title: str,
    intro: list[str],
    submit: str,
    error_title: str,
    details: list[tuple[str, str]] | None = None,
    danger: bool = False,
    multipart: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "ombudsman/public_action.html",
        {
            "report": report,
            "number": codes.format_public_number(report.public_number),
            "form": form,
            "title": title,
            "intro": intro,
            "details": details or [],
            "submit": submit,
            "error_title": error_title,
            "danger": danger,
            "multipart": multipart,
        },
        status=status if not form.errors else 400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def lahp_respond(request: HttpRequest, number: str) -> HttpResponse:
    """ombudsman_lahp_respond: the reporter answers the draft LAHP within its window (14 days)."""
    report = _authorised_report(request, number)
    if report is None:
        return _lookup(request, number)
    case = _case_of(report)
    panel = ombudsman_panel_for(report=report, today=timezone.localdate())
    if case is None or panel is None or panel.lahp is None:
        messages.info(request, _("There is no draft final report waiting for your response."))
        return _to_tracking(report)
    lahp = panel.lahp
    if not panel.can_respond:
        messages.info(
            request,
            _("Your response was already received.")
            if lahp.responded_on
            else _("The time to respond ended on %(date)s.") % {"date": lahp.response_due_on},
        )
        return _to_tracking(report)
    form = LahpResponseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            ombudsman_lahp_respond(
                case=case, response=form.cleaned_data["response"], actor=_actor(request, report)
            )
        except (ValidationError, CaseConflict) as error:
            _add_errors(
                form, error if isinstance(error, ValidationError) else ValidationError(str(error))
            )
        else:
            messages.success(request, _("Thank you. The Ombudsman received your response."))
            return _to_tracking(report)
    return _page(
        request,
        report,
        form=form,
        title=_("Respond to the draft final report"),
        intro=[
            _(
                "The Ombudsman examined your report and drafted its final report (LAHP). "
                "You may respond until %(date)s; after that the report is issued."
            )
            % {"date": lahp.response_due_on.strftime("%d-%m-%Y")},
        ],
        details=[
            (_("Conclusion"), str(panel.lahp_conclusion)),
            (_("Description of the report"), lahp.summary),
            (_("Examination results"), lahp.findings),
            (_("The Ombudsman's opinion"), lahp.opinion),
        ],
        submit=_("Send my response"),
        error_title=_("Your response was not sent."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def completeness(request: HttpRequest, number: str) -> HttpResponse:
    """ombudsman_completeness_received: the reporter sends the documents the Ombudsman asked for."""
    report = _authorised_report(request, number)
    if report is None:
        return _lookup(request, number)
    case = _case_of(report)
    panel = ombudsman_panel_for(report=report, today=timezone.localdate())
    if case is None or panel is None or panel.completeness is None:
        messages.info(request, _("The Ombudsman is not waiting for documents from you."))
        return _to_tracking(report)
    request_row = panel.completeness
    form = CompletenessForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            reporter_completeness_send(
                case=case,
                text=form.cleaned_data["text"],
                uploads=request.FILES.getlist("attachments"),
                actor=_actor(request, report),
            )
        except AttachmentRefused as refused:
            form.add_error(
                "attachments",
                _("%(name)s: %(rule)s Nothing was sent; remove or replace this file.")
                % {"name": refused.name, "rule": refused.rule},
            )
        except (ValidationError, InvalidTransition) as error:
            _add_errors(
                form, error if isinstance(error, ValidationError) else ValidationError(str(error))
            )
        else:
            messages.success(
                request, _("Thank you. The Ombudsman received your documents and continues.")
            )
            return _to_tracking(report)
    return _page(
        request,
        report,
        form=form,
        title=_("Send the missing documents or information"),
        intro=[
            _("Please send it by %(date)s. If it does not arrive by then, the report is closed.")
            % {"date": request_row.due_on.strftime("%d-%m-%Y")}
        ],
        details=[(_("The Ombudsman asked you for"), request_row.missing_items)],
        submit=_("Send"),
        error_title=_("Nothing was sent."),
        multipart=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def from_agency(request: HttpRequest, number: str) -> HttpResponse:
    """ombudsman_case_from_agency: take a report the agency offered to the Ombudsman there."""
    report = _authorised_report(request, number)
    if report is None:
        return _lookup(request, number)
    agency_case = offered_agency_case_of(report)
    if agency_case is None:
        messages.info(request, _("This report cannot be taken to the Ombudsman from here."))
        return _to_tracking(report)
    form = TakeToOmbudsmanForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            reporter_take_to_ombudsman(report=report, actor=_actor(request, report))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your report was sent to the Ombudsman with its history. "
                    "You follow it on this page, with the same number and access code."
                ),
            )
            return _to_tracking(report)
    return _page(
        request,
        report,
        form=form,
        title=_("Take this report to the Ombudsman"),
        intro=[
            _(
                "The institution did not resolve your report. The Ombudsman can examine how it was handled. "
                "Your report goes with everything that happened so far, which shows that you asked the "
                "institution first, as the law requires; you do not need to write it again."
            )
        ],
        details=[
            (_("Report"), report.title),
            (_("Reported institution"), report.institution.name),
            (_("What happened"), report.description),
        ],
        submit=_("Send to the Ombudsman"),
        error_title=_("The report was not sent to the Ombudsman."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """ombudsman_case_withdraw: the Ombudsman case, the report and any agency case end together."""
    report = _authorised_report(request, number)
    if report is None:
        return _lookup(request, number)
    case = _case_of(report)
    if case is None or not case.is_open:
        messages.info(request, _("There is no open Ombudsman case to withdraw."))
        return _to_tracking(report)
    form = OmbudsmanWithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            reporter_withdraw(
                case=case, reason=form.cleaned_data["reason"], actor=_actor(request, report)
            )
        except (ValidationError, InvalidTransition) as error:
            _add_errors(
                form, error if isinstance(error, ValidationError) else ValidationError(str(error))
            )
        else:
            messages.success(
                request, _("Your report was withdrawn. The Ombudsman will not examine it further.")
            )
            return _to_tracking(report)
    return _page(
        request,
        report,
        form=form,
        title=_("Withdraw the report from the Ombudsman"),
        intro=[
            _(
                "After withdrawal the Ombudsman stops its examination and nothing can be added to the report. "
                "If the problem comes back, you can send a new report."
            )
        ],
        details=[(_("Stage"), str(OmbudsmanState(case.state).label))],
        submit=_("Withdraw the report"),
        error_title=_("The report was not withdrawn."),
        danger=True,
    )
