"""Reports in the staff workspace: the list, one report, its files, and the officer's entry form.

Every read goes through ``reports_visible_to``: a report out of the actor's scope is a 404, as
if it did not exist. The reporter's identity is shown by its mode: open to anyone who can see
the report, confidential only on request by those allowed (and that request is recorded),
anonymous never.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tuntas.accounts import access
from tuntas.accounts.models import UserKind
from tuntas.cases.models import AgencyCase
from tuntas.complaints import codes
from tuntas.complaints.attachments import AttachmentRefused, safe_download_name, storage_dir
from tuntas.complaints.identity import CONFIDENTIAL_LABEL, Identity
from tuntas.complaints.models import Channel, IdentityMode, Report, ScanStatus
from tuntas.complaints.selectors import (
    can_see_confidential_identity,
    can_view_report,
    reports_visible_to,
)
from tuntas.complaints.services_identity import report_identity_view
from tuntas.complaints.services_intake import report_submit
from tuntas.complaints.services_threading import report_information_history
from tuntas.staff.forms_reports import OfficerReportForm, ReportFilterForm

PAGE_SIZE = 25
# The number and access code of the report an officer just entered, shown once.
RECEIPT_SESSION_KEY = "tuntas_officer_entry_receipt"


def _staff_only(request: HttpRequest) -> None:
    if getattr(request.user, "kind", None) != UserKind.STAFF:
        raise Http404("staff workspace")


def _report_for(request: HttpRequest, number: str) -> Report:
    normalised = codes.normalise_public_number(number)
    report = (
        reports_visible_to(request.user)
        .select_related("institution", "unit", "category", "entered_by")
        .filter(public_number=normalised)
        .first()
        if codes.PUBLIC_NUMBER_PATTERN.match(normalised)
        else None
    )
    if report is None:
        raise Http404("report")
    return report


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    filters = ReportFilterForm(request.GET or None)
    reports = reports_visible_to(request.user).select_related("institution", "unit", "category")
    channel = status = ""
    if filters.is_valid():
        channel = filters.cleaned_data["channel"]
        status = filters.cleaned_data["status"]
        if channel:
            reports = reports.filter(channel=channel)
        if status:
            reports = reports.filter(status=status)
    page = Paginator(reports.order_by("-submitted_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "channel": channel,
        "status": status,
        "can_enter": access.institutions_visible_to(request.user).filter(is_active=True).exists(),
    }
    return render(request, "staff/reports/list.html", context)


def _history_rows(report: Report) -> list[dict[str, Any]]:
    labels = dict(Channel.choices)
    return [
        {
            "at": event.occurred_at,
            "channel": labels.get(event.data.get("channel", ""), ""),
            "text": event.data.get("text", ""),
            "attachments": event.data.get("attachments", 0),
        }
        for event in report_information_history(report=report)
    ]


def _detail(request: HttpRequest, report: Report, *, reveal: bool) -> HttpResponse:
    identity: Identity | None = None
    identity_note = ""
    can_reveal = False
    if report.identity_mode == IdentityMode.ANONYMOUS:
        identity_note = _("Anonymous")
    elif report.identity_mode == IdentityMode.CONFIDENTIAL and not reveal:
        can_reveal = can_see_confidential_identity(request.user, report)
        identity_note = str(CONFIDENTIAL_LABEL)
    else:
        shown = report_identity_view(report=report, actor=request.user)
        if isinstance(shown, Identity):
            identity = shown
        else:
            identity_note = _("Anonymous") if shown is None else shown
    context: dict[str, Any] = {
        "report": report,
        "formatted_number": codes.format_public_number(report.public_number),
        "category_name": report.category.name_in(get_language() or "id"),
        "identity": identity,
        "identity_note": identity_note,
        "can_reveal": can_reveal,
        "revealed": reveal and identity is not None,
        "attachments": list(report.attachments.all()),
        "history": _history_rows(report),
        "has_case": AgencyCase.objects.filter(report=report).exists(),
    }
    response = render(request, "staff/reports/detail.html", context)
    if identity is not None:
        response["Cache-Control"] = "no-store"  # personal data: not kept in any cache
    return response


@login_required
def report_detail(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    return _detail(request, _report_for(request, number), reveal=False)


@login_required
@require_POST
def report_identity_reveal(request: HttpRequest, number: str) -> HttpResponse:
    """Show a confidential identity to someone allowed to read it; the reading is recorded."""
    _staff_only(request)
    report = _report_for(request, number)
    if report.identity_mode != IdentityMode.CONFIDENTIAL:
        return redirect("staff:reports:detail", number=report.public_number)
    return _detail(request, report, reveal=True)


@login_required
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    """The safe copy of an attachment, as a download that the browser never renders."""
    _staff_only(request)
    report = _report_for(request, number)
    attachment = report.attachments.filter(pk=attachment_id).first()
    if (
        attachment is None
        or not attachment.safe_name
        or attachment.scan_status == ScanStatus.PENDING
    ):
        raise Http404("attachment")
    path = storage_dir() / attachment.safe_name
    try:
        handle = open(path, "rb")  # noqa: SIM115  (FileResponse closes it)
    except FileNotFoundError:
        raise Http404("attachment") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_download_name(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _service_errors_to_form(form: OfficerReportForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    """An officer enters a report received at the counter or on the telephone."""
    _staff_only(request)
    if not access.institutions_visible_to(request.user).filter(is_active=True).exists():
        raise Http404("no institution in scope")
    form = OfficerReportForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        draft = form.draft(uploads=request.FILES.getlist("attachments"))
        probe = Report(institution=draft.institution, unit=draft.unit)
        if not can_view_report(request.user, probe):
            form.add_error(
                "unit",
                _("Choose your unit: a report outside your scope would be hidden from you."),
            )
        else:
            try:
                submitted = report_submit(
                    draft=draft, channel=form.cleaned_data["channel"], actor=request.user
                )
            except AttachmentRefused as refusal:
                form.add_error(
                    "attachments",
                    _("%(name)s: %(rule)s Choose the files again; nothing was saved.")
                    % {"name": refusal.name, "rule": refusal.rule},
                )
            except ValidationError as error:
                _service_errors_to_form(form, error)
            else:
                request.session[RECEIPT_SESSION_KEY] = {
                    "number": submitted.report.public_number,
                    "code": submitted.formatted_access_code,
                }
                return redirect("staff:reports:receipt")
    if form.errors and request.FILES:
        messages.warning(
            request, _("Files are not kept when the form has errors: choose them again.")
        )
    return render(request, "staff/reports/new.html", {"form": form})


@never_cache
@login_required
def report_receipt(request: HttpRequest) -> HttpResponse:
    """The number and access code for the reporter, once: reloading the page shows nothing."""
    _staff_only(request)
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    if not receipt:
        messages.info(request, _("The access code is shown only once, right after the entry."))
        return redirect("staff:reports:list")
    report = _report_for(request, receipt["number"])
    context = {
        "report": report,
        "formatted_number": codes.format_public_number(report.public_number),
        "access_code": receipt["code"],
    }
    return render(request, "staff/reports/receipt.html", context)
