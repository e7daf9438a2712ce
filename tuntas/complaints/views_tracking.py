"""Following a report (/lacak/): look-up by number and access code, status, additions, withdrawal.

A wrong number and a wrong code get the same answer, and the look-up form echoes neither, so
that the page never tells whether a number exists. A successful look-up authorises the
session for that one report for 30 minutes; without it every report page shows the look-up
form, whether or not the report exists.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tuntas.complaints import codes
from tuntas.complaints.abuse import (
    client_ip,
    limit_hit,
    limit_reached,
    tracking_failure_limit,
)
from tuntas.complaints.attachments import AttachmentRefused
from tuntas.complaints.forms_tracking import AddInformationForm, TrackingForm, WithdrawForm
from tuntas.complaints.models import Report, ReportStatus
from tuntas.complaints.selectors import report_get_for_tracking, report_public_timeline
from tuntas.complaints.services import report_add_information, report_withdraw

SESSION_TRACKING = "tuntas_tracking"
TRACKING_AUTH_SECONDS = 30 * 60

# What the reporter reads about each status; statuses added later fall back to their label.
STATUS_EXPLAINED: dict[str, Any] = {
    ReportStatus.RECEIVED: gettext_lazy("Received — waiting for verification by the unit"),
    ReportStatus.WITHDRAWN: gettext_lazy("Withdrawn by you"),
}


def report_for_reporter(*, pk: int | None = None, public_number: str = "") -> Report | None:
    """A report by id or number, for a reporter whose session or account already proved it."""
    reports = Report.objects.select_related("institution", "unit", "category")
    if pk is not None:
        return reports.filter(pk=pk).first()
    return reports.filter(public_number=public_number).first()


def tracking_authorise(request: HttpRequest, report: Report) -> None:
    now = time.time()
    grants = {
        key: expiry
        for key, expiry in dict(request.session.get(SESSION_TRACKING, {})).items()
        if float(expiry) > now
    }
    grants[str(report.pk)] = now + TRACKING_AUTH_SECONDS
    request.session[SESSION_TRACKING] = grants


def _is_owner(request: HttpRequest, report: Report) -> bool:
    user = request.user
    return (
        user.is_authenticated
        and getattr(user, "kind", "") == "citizen"
        and report.citizen_account_id == user.pk
    )


def _authorised_report(request: HttpRequest, number: str) -> Report | None:
    normalised = codes.normalise_public_number(number)
    if not codes.PUBLIC_NUMBER_PATTERN.match(normalised):
        return None
    report = report_for_reporter(public_number=normalised)
    if report is None:
        return None
    if _is_owner(request, report):
        return report
    expiry = dict(request.session.get(SESSION_TRACKING, {})).get(str(report.pk))
    return report if expiry is not None and float(expiry) > time.time() else None


def _actor(request: HttpRequest, report: Report) -> Any:
    return request.user if _is_owner(request, report) else None


def _render_lookup(
    request: HttpRequest,
    form: TrackingForm,
    *,
    failed: bool = False,
    locked: bool = False,
    status: int = 200,
) -> HttpResponse:
    limit = tracking_failure_limit()
    response = render(
        request,
        "complaints/tracking_lookup.html",
        {"form": form, "failed": failed, "locked": locked, "minutes": limit.minutes},
        status=status,
    )
    if locked:
        response["Retry-After"] = str(limit.window)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_lookup(request, TrackingForm())
    client, limit = client_ip(request), tracking_failure_limit()
    if limit_reached(limit, client):
        return _render_lookup(request, TrackingForm(), locked=True, status=429)
    form = TrackingForm(request.POST)
    if not form.is_valid():
        return _render_lookup(request, form)  # a field left empty is not a look-up
    report = report_get_for_tracking(
        number=form.cleaned_data["number"], access_code=form.cleaned_data["access_code"]
    )
    if report is None:
        limit_hit(limit, client)
        # A fresh form: echoing the typed number would make the two failures differ.
        return _render_lookup(request, TrackingForm(), failed=True)
    tracking_authorise(request, report)
    return redirect("tracking:detail", number=codes.format_public_number(report.public_number))


def _timeline(report: Report) -> list[dict[str, Any]]:
    entries = []
    for event, label in report_public_timeline(report=report):
        text = ""
        if event.action in ("report.information_added", "report.withdrawn"):
            # The reporter's own words; staff notes never travel in these two actions.
            text = str(event.data.get("text") or event.data.get("reason") or "")
        entries.append({"at": event.occurred_at, "label": label, "text": text})
    return entries


def _render_detail(
    request: HttpRequest, report: Report, form: AddInformationForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "report": report,
        "number": codes.format_public_number(report.public_number),
        "status_text": STATUS_EXPLAINED.get(report.status, report.get_status_display()),
        "withdrawn": report.status == ReportStatus.WITHDRAWN,
        "timeline": _timeline(report),
        "attachments": list(report.attachments.values_list("original_name", flat=True)),
        "category": report.category.name_in(get_language() or "id"),
        "form": form,
    }
    return render(request, "complaints/tracking_detail.html", context, status=status)


@never_cache
def detail(request: HttpRequest, number: str) -> HttpResponse:
    report = _authorised_report(request, number)
    if report is None:
        return _render_lookup(request, TrackingForm(initial={"number": number[:40]}))
    return _render_detail(request, report, AddInformationForm())


@never_cache
@require_POST
def add_information(request: HttpRequest, number: str) -> HttpResponse:
    report = _authorised_report(request, number)
    if report is None:
        return _render_lookup(request, TrackingForm(initial={"number": number[:40]}))
    form = AddInformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report_add_information(
                report=report,
                text=form.cleaned_data["text"],
                uploads=request.FILES.getlist("attachments"),
                actor=_actor(request, report),
                channel="web",
            )
        except AttachmentRefused as refused:
            form.add_error(
                "attachments",
                _("%(name)s: %(rule)s Nothing was added; remove or replace this file.")
                % {"name": refused.name, "rule": refused.rule},
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Thank you. Your information was added to the report."))
            return redirect(
                "tracking:detail", number=codes.format_public_number(report.public_number)
            )
    return _render_detail(request, report, form)


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    report = _authorised_report(request, number)
    if report is None:
        return _render_lookup(request, TrackingForm(initial={"number": number[:40]}))
    formatted = codes.format_public_number(report.public_number)
    if report.status == ReportStatus.WITHDRAWN:
        messages.info(request, _("This report has already been withdrawn."))
        return redirect("tracking:detail", number=formatted)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report_withdraw(
            report=report, reason=form.cleaned_data["reason"], actor=_actor(request, report)
        )
        messages.success(
            request, _("Your report has been withdrawn. It will not be handled further.")
        )
        return redirect("tracking:detail", number=formatted)
    return render(
        request,
        "complaints/tracking_withdraw.html",
        {"report": report, "number": formatted, "form": form},
    )
