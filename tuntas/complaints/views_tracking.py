"""Following a report (/lacak/): look-up by number and access code, status, additions, withdrawal.

A wrong number and a wrong code get the same answer, and the look-up form echoes neither, so
that the page never tells whether a number exists. A successful look-up authorises this
browser for that one report for 30 minutes, in a signed cookie of its own (a look-up is a
read: it writes nothing to the database, which matters on SQLite's single writer); without
the grant every report page shows the look-up form, whether or not the report exists.
"""

from __future__ import annotations

import time
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tuntas.cases.workflow import AgencyState
from tuntas.complaints import codes
from tuntas.complaints.abuse import (
    client_ip,
    limit_hit,
    limit_reached,
    tracking_failure_limit,
)
from tuntas.complaints.attachments import AttachmentRefused
from tuntas.complaints.forms_tracking import (
    AddInformationForm,
    ConfirmForm,
    DisputeForm,
    RatingForm,
    TrackingForm,
    WithdrawForm,
)
from tuntas.complaints.models import Report, ReportStatus
from tuntas.complaints.selectors import (
    report_get_for_tracking,
    report_public_timeline,
    report_tracking_stage,
)
from tuntas.complaints.services import (
    report_add_information,
    report_confirm_resolution,
    report_dispute_resolution,
    report_rate,
    report_withdraw,
)

_Response = TypeVar("_Response", bound=HttpResponseBase)

TRACKING_COOKIE = "tuntas_tracking"
TRACKING_COOKIE_SALT = "tuntas.complaints.tracking-grant"
TRACKING_AUTH_SECONDS = 30 * 60
TRACKING_MAX_GRANTS = 20  # reports one browser follows at a time; the oldest grant goes first

# What the reporter reads about each status; statuses added later fall back to their label.
STATUS_EXPLAINED: dict[str, Any] = {
    ReportStatus.RECEIVED: gettext_lazy("Received — waiting for verification by the unit"),
    ReportStatus.WITHDRAWN: gettext_lazy("Withdrawn by you"),
}
# The same for the stages of the agency track, in the reporter's words (you, the unit).
S = AgencyState
STAGE_EXPLAINED: dict[str, Any] = {
    S.RECEIVED: STATUS_EXPLAINED[ReportStatus.RECEIVED],
    S.INFO_REQUESTED: gettext_lazy("The unit is waiting for information from you"),
    S.VERIFIED: gettext_lazy("Verified — waiting to be assigned to the unit that handles it"),
    S.REJECTED: gettext_lazy("Rejected by the institution"),
    S.DISPOSITIONED: gettext_lazy("Assigned to a unit for handling"),
    S.IN_FOLLOW_UP: gettext_lazy("Being followed up by the unit"),
    S.AWAITING_APPROVAL: gettext_lazy("The unit's answer is waiting for its head's approval"),
    S.RESOLVED: gettext_lazy("Resolved — the unit waits for your confirmation"),
    S.CONFIRMED: gettext_lazy("Closed: you confirmed the resolution"),
    S.DISPUTED: gettext_lazy("You disputed the resolution — the unit looks at it again"),
    S.ESCALATED: gettext_lazy("Escalated to the head of the institution"),
    S.OFFERED_TO_OMBUDSMAN: gettext_lazy("You can take this report to the Ombudsman"),
    S.REFERRED_TO_OMBUDSMAN: gettext_lazy("Taken to the Ombudsman"),
    S.WITHDRAWN: STATUS_EXPLAINED[ReportStatus.WITHDRAWN],
}


def report_for_reporter(*, pk: int | None = None, public_number: str = "") -> Report | None:
    """A report by id or number, for a reporter whose session or account already proved it."""
    reports = Report.objects.select_related("institution", "unit", "category")
    if pk is not None:
        return reports.filter(pk=pk).first()
    return reports.filter(public_number=public_number).first()


def _grants(request: HttpRequest) -> dict[str, float]:
    """The unexpired grants of this browser: {report id: expiry}; a tampered cookie is none."""
    raw = request.COOKIES.get(TRACKING_COOKIE)
    if not raw:
        return {}
    try:
        value = signing.loads(raw, salt=TRACKING_COOKIE_SALT, max_age=TRACKING_AUTH_SECONDS)
    except (signing.BadSignature, ValueError):
        return {}
    if not isinstance(value, dict):
        return {}
    now = time.time()
    grants = {}
    for key, expiry in value.items():
        if isinstance(expiry, int | float) and expiry > now:
            grants[str(key)] = float(expiry)
    return grants


def tracking_authorise(request: HttpRequest, response: _Response, report: Report) -> _Response:
    """Let this browser open ``report``'s page for TRACKING_AUTH_SECONDS (set on ``response``)."""
    grants = _grants(request)
    grants[str(report.pk)] = time.time() + TRACKING_AUTH_SECONDS
    kept = dict(sorted(grants.items(), key=lambda item: item[1])[-TRACKING_MAX_GRANTS:])
    response.set_cookie(
        TRACKING_COOKIE,
        signing.dumps(
            {key: round(expiry) for key, expiry in kept.items()}, salt=TRACKING_COOKIE_SALT
        ),
        max_age=TRACKING_AUTH_SECONDS,
        path="/",
        secure=bool(settings.SESSION_COOKIE_SECURE),
        httponly=True,
        samesite="Lax",
    )
    return response


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
    return report if str(report.pk) in _grants(request) else None


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
    response = redirect("tracking:detail", number=codes.format_public_number(report.public_number))
    tracking_authorise(request, response, report)
    return response


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
    request: HttpRequest, report: Report, status: int = 200, **forms: Any
) -> HttpResponse:
    """The report's page; ``forms`` replaces an empty form by the one sent back with errors."""
    stage = report_tracking_stage(report=report, today=timezone.localdate())
    context = {
        "report": report,
        "number": codes.format_public_number(report.public_number),
        "status_text": STAGE_EXPLAINED.get(stage.state, stage.label)
        if stage is not None and report.status != ReportStatus.WITHDRAWN
        else STATUS_EXPLAINED.get(report.status, report.get_status_display()),
        "stage": stage,
        "withdrawn": report.status == ReportStatus.WITHDRAWN,
        "timeline": _timeline(report),
        "attachments": list(report.attachments.values_list("original_name", flat=True)),
        "category": report.category.name_in(get_language() or "id"),
        "form": forms.get("form") or AddInformationForm(),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "dispute_form": forms.get("dispute_form") or DisputeForm(),
        "rating_form": forms.get("rating_form") or RatingForm(),
    }
    return render(request, "complaints/tracking_detail.html", context, status=status)


def _add_errors(form: Any, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@never_cache
def detail(request: HttpRequest, number: str) -> HttpResponse:
    report = _authorised_report(request, number)
    if report is None:
        return _render_lookup(request, TrackingForm(initial={"number": number[:40]}))
    return _render_detail(request, report)


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
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your information was added to the report."))
            return redirect(
                "tracking:detail", number=codes.format_public_number(report.public_number)
            )
    return _render_detail(request, report, form=form)


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
        try:
            report_withdraw(
                report=report, reason=form.cleaned_data["reason"], actor=_actor(request, report)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Your report has been withdrawn. It will not be handled further.")
            )
            return redirect("tracking:detail", number=formatted)
    return render(
        request,
        "complaints/tracking_withdraw.html",
        {"report": report, "number": formatted, "form": form},
    )


@never_cache
@require_POST
def confirm(request: HttpRequest, number: str) -> HttpResponse:
    report = _authorised_report(request, number)
    if report is None:
        return _render_lookup(request, TrackingForm(initial={"number": number[:40]}))
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            report_confirm_resolution(report=report, actor=_actor(request, report))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Thank you. You confirmed the resolution and the report is closed.")
            )
            return redirect(
                "tracking:detail", number=codes.format_public_number(report.public_number)
            )
    return _render_detail(request, report, confirm_form=form)


@never_cache
@require_POST
def dispute(request: HttpRequest, number: str) -> HttpResponse:
    report = _authorised_report(request, number)
    if report is None:
        return _render_lookup(request, TrackingForm(initial={"number": number[:40]}))
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            report_dispute_resolution(
                report=report, reason=form.cleaned_data["reason"], actor=_actor(request, report)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Your objection was sent. The unit must follow the report up again."),
            )
            return redirect(
                "tracking:detail", number=codes.format_public_number(report.public_number)
            )
    return _render_detail(request, report, dispute_form=form)


@never_cache
@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    report = _authorised_report(request, number)
    if report is None:
        return _render_lookup(request, TrackingForm(initial={"number": number[:40]}))
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            report_rate(
                report=report,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                actor=_actor(request, report),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you for rating the handling of your report."))
            return redirect(
                "tracking:detail", number=codes.format_public_number(report.public_number)
            )
    return _render_detail(request, report, rating_form=form)
