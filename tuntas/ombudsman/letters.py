"""Rendering official letters: an admin-edited body over a fixed context of plain, escaped strings.

The body is a Django template compiled by its own engine with no loaders (no include, extends)
and autoescaping on; the context holds only strings and lists of dicts of strings, so a template
cannot reach any model. The reporter: named only for an open (terbuka) report, never with NIK,
phone, e-mail or address; for a confidential (rahasia) report their name, NIK, phone, e-mail and
address are also struck from every free text (the description may mention them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tuntas.complaints import codes
from tuntas.complaints.identity import Identity, unseal
from tuntas.complaints.models import IdentityMode
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.models_letters import LetterKind

LETTER_TIME_ZONE = ZoneInfo("Asia/Jakarta")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
FORBIDDEN_TAGS = re.compile(r"{%-?\s*(load|include|extends|debug|ssi|templatetag)\b")
WITHHELD = "[dirahasiakan]"

_engine = Engine(dirs=[], app_dirs=False, loaders=[], autoescape=True, debug=False, libraries={})


def check_template_body(body: str) -> None:
    """Refuse a body that would reach outside its context, or that does not compile."""
    if FORBIDDEN_TAGS.search(body):
        raise ValidationError(
            {"body": _("Letter templates may not load, include or extend other templates.")}
        )
    try:
        _engine.from_string(body)
    except TemplateSyntaxError as error:
        raise ValidationError(
            {"body": _("The template has an error: %(error)s") % {"error": error}}
        ) from None


def letter_number(*, sequence: int, code: str, office: Any, issued: Any) -> str:
    """NNNN/<code>/<office>/<roman month>/<year>, like 0001/RM.03.01/PW.33/III/2026 (domain.md §1.10)."""
    office_part = f"PW.{office.region_code}" if office.region_code else "RI"
    return f"{sequence:04d}/{code}/{office_part}/{ROMAN_MONTHS[issued.month - 1]}/{issued.year}"


def _phone_pattern(phone: str) -> str | None:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 6:
        return None
    local = digits[2:] if digits.startswith("62") else digits.lstrip("0")
    body = r"[\s.\-]*".join(re.escape(ch) for ch in local)
    return rf"(?:\+?62|0)?[\s.\-]*{body}"


def redactor(identity: Identity | None) -> Callable[[str], str]:
    """A function that strikes every trace of ``identity`` from a text."""
    if identity is None:
        return lambda text: text
    patterns = [
        re.escape(value.strip())
        for value in (identity.name, identity.nik, identity.email, identity.address)
        if value and len(value.strip()) >= 3
    ]
    phone = _phone_pattern(identity.phone)
    if phone:
        patterns.append(phone)
    if identity.nik:
        patterns.append(r"[\s.\-]*".join(re.escape(ch) for ch in identity.nik))
    if not patterns:
        return lambda text: text
    compiled = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)
    return lambda text: compiled.sub(WITHHELD, text)


def _date(value: Any) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def reporter_label(case: OmbudsmanCase) -> str:
    report = case.report
    if report.identity_mode == IdentityMode.OPEN and getattr(report, "identity", None) is not None:
        return unseal(report.identity.sealed).name
    if report.identity_mode == IdentityMode.CONFIDENTIAL:
        return "Pelapor (identitas dirahasiakan)"
    if case.source == "own_initiative":
        return "Investigasi atas prakarsa sendiri"
    return "Pelapor anonim"


def letter_context(
    *, case: OmbudsmanCase, kind: str, number: str, issued: Any, details: dict[str, Any]
) -> dict[str, Any]:
    """Everything a template may use: plain strings only, cleaned of a confidential identity."""
    report = case.report
    confidential = report.identity_mode == IdentityMode.CONFIDENTIAL
    identity = (
        unseal(report.identity.sealed)
        if confidential and getattr(report, "identity", None)
        else None
    )
    clean = redactor(identity)

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        if hasattr(value, "year") and hasattr(value, "month"):
            return _date(value)
        return clean(str(value if value is not None else ""))

    context = {
        "number": number,
        "date": _date(issued),
        "office": case.office.name,
        "office_address": case.office.address,
        "report_number": codes.format_public_number(report.public_number),
        "report_title": report.title,
        "report_description": report.description,
        "report_date": report.submitted_at.astimezone(LETTER_TIME_ZONE).date(),
        "reported_party": report.institution.name,
        "reported_unit": report.unit.name if report.unit is not None else "",
        "reporter": reporter_label(case),
        "kind": LetterKind(kind).label,
        **details,
    }
    return {key: plain(value) for key, value in context.items()}


def render_letter_html(*, body: str, title: str, context: dict[str, Any]) -> str:
    check_template_body(body)
    inner = _engine.from_string(body).render(Context(context, autoescape=True))
    # Template.render returns a SafeString: every value in it was autoescaped while rendering.
    return render_to_string(
        "ombudsman/letter_pdf.html",
        {
            "title": title,
            "body": inner,
            **{key: context[key] for key in ("number", "date", "office", "office_address")},
        },
    )


def render_letter_pdf(*, body: str, title: str, context: dict[str, Any]) -> bytes:
    with translation.override("id"), timezone.override(LETTER_TIME_ZONE):
        html = render_letter_html(body=body, title=title, context=context)
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    fetcher = URLFetcher(allowed_protocols=frozenset())
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())
