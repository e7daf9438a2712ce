from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tuntas.institutions.models import PartnershipScope
from tuntas.institutions.selectors import institutions_partners


def home(request: HttpRequest) -> HttpResponse:
    context = {"partners": institutions_partners(), "scopes": PartnershipScope.choices}
    return render(request, "site/home.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "site/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    context = {
        "retention_years": settings.IDENTITY_RETENTION_YEARS,
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
        "privacy_email": getattr(settings, "TUNTAS_PRIVACY_CONTACT_EMAIL", ""),
        "contact_phone": getattr(settings, "TUNTAS_CONTACT_PHONE", "137"),
    }
    return render(request, "site/privacy.html", context)
