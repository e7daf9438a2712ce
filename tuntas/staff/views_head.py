"""The head's view (pimpinan): every unit of the institution at a glance, approvals, escalations.

Shown to heads of an institution (and platform administrators, for every institution they
choose); anyone else gets a 404 as if the page did not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuntas.accounts.models import Membership, Role
from tuntas.cases.access import cases_visible_to
from tuntas.cases.selectors import cases_counts_by_unit, cases_deadline_counts
from tuntas.cases.workflow import AgencyState
from tuntas.institutions.models import Institution
from tuntas.staff.forms_cases import ApproveForm, ReturnForRevisionForm
from tuntas.staff.views_reports import _staff_only

QUEUE_SIZE = 50
S = AgencyState


def _headed_institutions(request: HttpRequest) -> list[Institution]:
    user = request.user
    if getattr(user, "is_superuser", False):
        wanted = request.GET.get("institution", "")
        found = Institution.objects.filter(pk=wanted).first() if wanted.isdigit() else None
        return [found] if found else []
    ids = (
        Membership.objects.active()
        .filter(user_id=int(user.pk or 0), role=Role.HEAD, unit__isnull=True)
        .values("institution_id")
    )
    return list(Institution.objects.filter(pk__in=ids).order_by("name"))


@login_required
def head_overview(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    institutions = _headed_institutions(request)
    if not institutions and not getattr(request.user, "is_superuser", False):
        raise Http404("not a head")
    today = timezone.localdate()
    visible = cases_visible_to(request.user)
    sections: list[dict[str, Any]] = []
    for institution in institutions:
        cases = visible.filter(institution=institution)
        queue = list(
            cases.filter(state=S.AWAITING_APPROVAL)
            .select_related("report", "unit", "assigned_to", "institution")
            .order_by("due_on", "pk")[:QUEUE_SIZE]
        )
        approvals = [
            {
                "case": case,
                "approve": ApproveForm(
                    case=case, actor=request.user, prefix="approve", auto_id=f"a{case.pk}_%s"
                ),
                "return": ReturnForRevisionForm(
                    case=case,
                    actor=request.user,
                    prefix="return_for_revision",
                    auto_id=f"r{case.pk}_%s",
                ),
            }
            for case in queue
        ]
        escalated = list(
            cases.filter(state__in=[S.ESCALATED, S.DISPUTED])
            .select_related("report", "unit")
            .order_by("due_on", "pk")[:QUEUE_SIZE]
        )
        sections.append(
            {
                "institution": institution,
                "totals": cases_deadline_counts(cases, today=today),
                "units": cases_counts_by_unit(cases, today=today),
                "approvals": approvals,
                "escalated": escalated,
            }
        )
    return render(
        request,
        "staff/cases/head.html",
        {"sections": sections, "today": today, "is_platform_admin": request.user.is_superuser},
    )
