"""The staff workspace: landing per role, institution and unit pages, unit editing, audit log.

Views parse input, call access functions and services, and render; they hold no rules.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuntas.accounts import access
from tuntas.accounts.models import Membership, Role, User, UserKind
from tuntas.audit import registry
from tuntas.institutions.forms import UnitForm
from tuntas.institutions.models import Institution
from tuntas.institutions.selectors import institution_units_tree
from tuntas.institutions.services import unit_create, unit_update

AUDIT_PAGE_SIZE = 50


def _staff_only(request: HttpRequest) -> None:
    if getattr(request.user, "kind", None) != UserKind.STAFF:
        raise Http404("staff workspace")


def _form_errors_to_form(form: UnitForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "kind", None) != UserKind.STAFF:
        return redirect("site:home")
    memberships = list(
        Membership.objects.active()
        .filter(user=cast(User, request.user))
        .select_related("institution", "unit")
    )
    jurisdiction: list[Institution] = []
    if any(m.role in Role.ombudsman_roles() for m in memberships) or request.user.is_superuser:
        jurisdiction = list(
            access.institutions_visible_to(request.user)
            .filter(is_active=True)
            .order_by("kind", "name")
        )
    context: dict[str, Any] = {
        "memberships": memberships,
        "jurisdiction": jurisdiction,
        "managed": list(access.institutions_managed_by(request.user).order_by("name")),
        "can_read_audit": access.can_read_audit_trail(request.user),
        "is_platform_admin": request.user.is_superuser,
        "is_head": any(m.role == Role.HEAD and m.unit_id is None for m in memberships),
        "is_ombudsman": request.user.is_superuser
        or any(m.role in Role.ombudsman_roles() for m in memberships),
        "is_liaison": any(m.role == Role.INSTITUTION_ADMIN for m in memberships),
    }
    return render(request, "staff/home.html", context)


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    institutions = access.institutions_visible_to(request.user).order_by("kind", "name")
    return render(request, "staff/institution_list.html", {"institutions": institutions})


@login_required
def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    _staff_only(request)
    institution = access.institution_get_for_actor(actor=request.user, slug=slug)
    visible_unit_ids = set(
        access.units_visible_to(request.user)
        .filter(institution=institution)
        .values_list("pk", flat=True)
    )
    units = [
        (unit, depth)
        for unit, depth in institution_units_tree(institution=institution)
        if unit.pk in visible_unit_ids
    ]
    members = (
        access.memberships_visible_to(request.user)
        .filter(institution=institution)
        .order_by("user__full_name")
    )
    context = {
        "institution": institution,
        "units": units,
        "members": members,
        "can_manage": access.can_manage_institution(request.user, institution),
    }
    return render(request, "staff/institution_detail.html", context)


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    _staff_only(request)
    unit = access.unit_get_for_actor(actor=request.user, unit_id=unit_id)
    context = {
        "unit": unit,
        "service_points": unit.service_points.filter(is_active=True),
        "children": access.units_visible_to(request.user).filter(parent=unit).order_by("name"),
        "members": access.memberships_visible_to(request.user)
        .filter(unit=unit)
        .order_by("user__full_name"),
        "can_manage": access.can_manage_unit(request.user, unit),
    }
    return render(request, "staff/unit_detail.html", context)


@login_required
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    _staff_only(request)
    unit = access.unit_get_managed_by(actor=request.user, unit_id=unit_id)
    initial = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "description": unit.description,
        "address": unit.address,
        "phone": unit.phone,
        "email": unit.email,
        "website": unit.website,
        "is_active": unit.is_active,
    }
    form = UnitForm(
        request.POST or None, initial=initial, institution=unit.institution, exclude_unit=unit
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit_update(unit=unit, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            unit.refresh_from_db()
            _form_errors_to_form(form, error)
        else:
            messages.success(request, _("The unit has been saved."))
            return redirect("staff:unit", unit_id=unit.pk)
    return render(
        request,
        "staff/unit_form.html",
        {"form": form, "unit": unit, "institution": unit.institution},
    )


@login_required
def unit_new(request: HttpRequest, slug: str) -> HttpResponse:
    _staff_only(request)
    try:
        institution = access.institutions_managed_by(request.user).get(slug=slug)
    except Institution.DoesNotExist:
        raise Http404("institution") from None
    form = UnitForm(request.POST or None, initial={"is_active": True}, institution=institution)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        try:
            unit = unit_create(actor=request.user, institution=institution, **data)
        except ValidationError as error:
            _form_errors_to_form(form, error)
        else:
            messages.success(request, _("The unit has been created."))
            return redirect("staff:unit", unit_id=unit.pk)
    return render(
        request, "staff/unit_form.html", {"form": form, "unit": None, "institution": institution}
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if not access.can_read_audit_trail(request.user):
        raise Http404("audit")
    events = (
        access.audit_events_visible_to(request.user).select_related("actor").order_by("-sequence")
    )
    action = request.GET.get("action", "")
    known = {a.name for a in registry.all_actions()}
    if action in known:
        events = events.filter(action=action)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {a.name: a.label for a in registry.all_actions()}
    rows = [(event, labels.get(event.action, event.action)) for event in page.object_list]
    context = {"page": page, "rows": rows, "actions": registry.all_actions(), "action": action}
    return render(request, "staff/audit_log.html", context)
