from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tuntas.institutions.models import PartnershipScope
from tuntas.institutions.selectors import institutions_partners


def home(request: HttpRequest) -> HttpResponse:
    context = {"partners": institutions_partners(), "scopes": PartnershipScope.choices}
    return render(request, "site/home.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "site/accessibility.html")
