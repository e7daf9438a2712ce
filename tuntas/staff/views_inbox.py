"""The inbox: the cases the actor may see, filtered and sorted, with the deadline counts.

It shows open cases unless a stage is chosen, earliest deadline first. Bulk actions post the
ticked cases with the version each was read at; every case goes through its own service call
and the result page says, case by case, what happened.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuntas.cases.access import cases_visible_to
from tuntas.cases.filters import (
    CaseFilter,
    case_filter_from_query,
    cases_filter,
    cases_sorted,
    sort_from_query,
)
from tuntas.cases.selectors import cases_deadline_counts
from tuntas.cases.services_workspace import cases_bulk_step
from tuntas.cases.workflow import OPEN_STATES
from tuntas.staff.forms_cases import BulkForm, InboxFilterForm
from tuntas.staff.views_reports import _staff_only

PAGE_SIZE = 25


def _inbox_filter(request: HttpRequest) -> tuple[CaseFilter, dict[str, str], str]:
    flt, errors = case_filter_from_query(request.GET)
    sort, sort_error = sort_from_query(request.GET)
    if sort_error:
        errors["sort"] = sort_error
    if not flt.states and not flt.number:
        # The inbox is about work to do: open cases unless a stage (or a number) is asked for.
        flt = CaseFilter(**{**flt.__dict__, "states": tuple(sorted(OPEN_STATES))})
    return flt, errors, sort


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    today = timezone.localdate()
    visible = cases_visible_to(request.user)
    flt, errors, sort = _inbox_filter(request)
    chosen, _errors = case_filter_from_query(request.GET)
    cases = cases_filter(visible, flt, today=today)
    running_clocks_only = sort == "deadline" and not chosen.states and not chosen.deadline
    if running_clocks_only:
        # The default view: cases whose clock runs, in deadline order straight from an index
        # (institution or unit, due_on). Paused cases are counted above and one click away.
        cases = cases.filter(due_on__isnull=False).order_by("due_on", "pk")
    else:
        cases = cases_sorted(cases, sort)
    cases = cases.select_related("report__category", "unit", "assigned_to")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    filter_form = InboxFilterForm(request.GET or None, actor=request.user)
    context: dict[str, Any] = {
        "page": page,
        "filters": filter_form,
        "filter_errors": errors,
        "counts": cases_deadline_counts(visible, today=today),
        "today": today,
        "bulk": BulkForm(actor=request.user),
        "running_clocks_only": running_clocks_only,
    }
    return render(request, "staff/cases/inbox.html", context)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = BulkForm(request.POST, actor=request.user)
    if not form.is_valid():
        return render(
            request, "staff/cases/bulk_result.html", {"form": form, "outcomes": []}, status=400
        )
    data = form.cleaned_data
    outcomes = cases_bulk_step(
        actor=request.user,
        step=data["action"],
        selected=data["selected"],
        officer=data.get("officer"),
        unit=data.get("unit"),
        note=_("Assigned together with other reports from the inbox."),
    )
    context = {
        "form": form,
        "outcomes": outcomes,
        "succeeded": sum(outcome.ok for outcome in outcomes),
        "conflicts": sum(outcome.conflict for outcome in outcomes),
        "back": request.POST.get("back", ""),
    }
    return render(request, "staff/cases/bulk_result.html", context)
