from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuntas.institutions.forms import DirectorySearchForm
from tuntas.institutions.models import InstitutionKind
from tuntas.institutions.selectors import (
    institution_get_public,
    institution_partnerships,
    institution_units_tree,
    institutions_directory,
    partnership_status,
)

PAGE_SIZE = 25


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    query, kind = "", ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        kind = form.cleaned_data["kind"]
    institutions = institutions_directory(query=query, kind=kind)
    page = Paginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query, "kind": kind}
    template = "institutions/directory.html"
    if getattr(request, "htmx", False) and request.htmx.target == "directory-results":  # type: ignore[attr-defined]
        template = "institutions/_directory_results.html"
    return render(request, template, context)


def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_get_public(slug=slug)
    today = timezone.localdate()
    partnerships = [
        (partnership, partnership_status(partnership=partnership, today=today))
        for partnership in institution_partnerships(institution=institution)
    ]
    context = {
        "institution": institution,
        "units": institution_units_tree(institution=institution),
        "partnerships": partnerships,
        "supervised": institution.supervised.filter(is_active=True).order_by("name")
        if institution.kind in InstitutionKind.ombudsman_kinds()
        else [],
    }
    return render(request, "institutions/detail.html", context)
