"""Intake pages of the Ombudsman office: a citizen at the counter or on the telephone, an
own-initiative investigation, and an agency case the reporter brings over."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tuntas.complaints import codes
from tuntas.ombudsman.forms_intake import CitizenIntakeForm, OfferedCaseForm, ReportedPartyForm
from tuntas.ombudsman.selectors import (
    can_view_ombudsman_case,
    intake_offices_of,
    offered_agency_case_for,
    reportable_institutions_for,
)
from tuntas.ombudsman.services import (
    ombudsman_case_from_agency,
    ombudsman_own_initiative_open,
    ombudsman_report_submit,
)
from tuntas.ombudsman.views import _staff_only

RECEIPT_KEY = "ombudsman_intake_receipt"


def _office_or_404(request: HttpRequest) -> Any:
    offices = intake_offices_of(request.user)
    if not offices:
        raise Http404("no Ombudsman office")
    return offices[0] if len(offices) == 1 else None  # None: the institution's supervising office


def _errors_to_form(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _opened(request: HttpRequest, case: Any) -> HttpResponse:
    if can_view_ombudsman_case(request.user, case):
        return redirect("ombudsman:case", number=case.report.public_number)
    messages.success(
        request,
        _("Report %(number)s was handed to the Ombudsman office that covers the institution.")
        % {"number": case.report.public_number},
    )
    return redirect("ombudsman:list")


@login_required
def intake_citizen(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    office = _office_or_404(request)
    form = CitizenIntakeForm(
        request.POST or None, institutions=reportable_institutions_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            submitted = ombudsman_report_submit(
                draft=form.draft(language=get_language() or "id"),
                channel=form.cleaned_data["channel"],
                actor=request.user,
                office=office,
                track=form.cleaned_data["track"],
                rco_criterion=form.cleaned_data["rco_criterion"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            request.session[RECEIPT_KEY] = {
                "number": submitted.report.public_number,
                "code": submitted.formatted_access_code,
            }
            return redirect("ombudsman:intake_receipt")
    return render(request, "ombudsman/intake_citizen.html", {"form": form})


@never_cache
@login_required
def intake_receipt(request: HttpRequest) -> HttpResponse:
    """The number and access code for the reporter, once."""
    _staff_only(request)
    receipt = request.session.pop(RECEIPT_KEY, None)
    if not receipt:
        messages.info(request, _("The access code is shown only once, right after the entry."))
        return redirect("ombudsman:list")
    return render(
        request,
        "ombudsman/intake_receipt.html",
        {
            "number": codes.format_public_number(receipt["number"]),
            "raw_number": receipt["number"],
            "code": receipt["code"],
        },
    )


@login_required
def intake_own_initiative(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    office = _office_or_404(request)
    form = ReportedPartyForm(
        request.POST or None, institutions=reportable_institutions_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = ombudsman_own_initiative_open(
                actor=request.user,
                institution=data["institution"],
                unit=data["unit"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                occurred_on=data["occurred_on"],
                channel=data["channel"],
                office=office,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            return _opened(request, case)
    return render(request, "ombudsman/intake_own_initiative.html", {"form": form})


@login_required
def intake_offered(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    office = _office_or_404(request)
    form = OfferedCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency_case = offered_agency_case_for(
                actor=request.user, number=form.cleaned_data["number"]
            )
        except Http404:
            form.add_error(
                "number",
                _(
                    "No report with this number was offered to the Ombudsman by an institution your office covers."
                ),
            )
        else:
            try:
                case = ombudsman_case_from_agency(
                    agency_case=agency_case, actor=request.user, office=office
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                return _opened(request, case)
    return render(request, "ombudsman/intake_offered.html", {"form": form})
