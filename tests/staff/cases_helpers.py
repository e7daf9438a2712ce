"""Helpers for the case-handling pages: reports filed through the real intake service."""

from __future__ import annotations

import datetime

from django.test import Client

from tuntas.cases.models import AgencyCase
from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Category
from tuntas.complaints.services_intake import ReportDraft, report_submit

WIB = datetime.timezone(datetime.timedelta(hours=7))
TUESDAY = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=WIB)


def file_case(region, *, unit=None, institution=None, title="Jalan berlubang", channel="web"):
    draft = ReportDraft(
        institution=institution or region.magelang,
        unit=unit if unit is not None else region.magelang_pupr,
        category=Category.objects.get(slug="infrastruktur"),
        title=title,
        description="Lubang besar di tengah jalan membahayakan pengendara sepeda motor.",
        identity_mode="terbuka",
        identity=Identity(name="Budi Santoso", email="budi@contoh.test"),
        consent=True,
    )
    report = report_submit(draft=draft, channel=channel).report
    return AgencyCase.objects.select_related("report", "institution").get(report=report)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["tuntas_language"] = "en"
    return client


def case_url(case, step: str | None = None) -> str:
    number = case.report.public_number
    return f"/staf/kasus/{number}/" + (f"langkah/{step}/" if step else "")
