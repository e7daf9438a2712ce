"""The printable receipt (tanda terima) of a report: an HTML template rendered by WeasyPrint.

The receipt is for the reporter to keep; it may be printed or shown at a counter, so for a
confidential or anonymous report it carries neither name nor NIK. The font is DejaVu Sans
from the system (fontconfig) and the fetcher refuses every URL: nothing is downloaded.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone, translation

from tuntas.complaints import codes
from tuntas.complaints.models import IdentityMode, Report

# Reports are numbered and dated in WIB, the time of the Ombudsman's central office.
RECEIPT_TIME_ZONE = ZoneInfo("Asia/Jakarta")


def receipt_filename(report: Report) -> str:
    return f"tanda-terima-{codes.format_public_number(report.public_number)}.pdf"


def receipt_pdf(
    *,
    report: Report,
    access_code: str,
    reporter_name: str = "",
    language: str = "id",
) -> bytes:
    """``reporter_name`` is printed only for an open (terbuka) report."""
    show_name = report.identity_mode == IdentityMode.OPEN and bool(reporter_name.strip())
    # The date filter converts to the current time zone; make that WIB whatever TIME_ZONE says.
    with translation.override(language), timezone.override(RECEIPT_TIME_ZONE):
        html = render_to_string(
            "complaints/receipt_pdf.html",
            {
                "report": report,
                "number": codes.format_public_number(report.public_number),
                "access_code": codes.format_access_code(codes.normalise_access_code(access_code)),
                "submitted_at": report.submitted_at.astimezone(RECEIPT_TIME_ZONE),
                "category": report.category.name_in(language),
                "reporter_name": reporter_name.strip() if show_name else "",
                "language": language,
            },
        )
    # Imported here: WeasyPrint is heavy to load and only this view needs it.
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    fetcher = URLFetcher(allowed_protocols=frozenset())
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())
