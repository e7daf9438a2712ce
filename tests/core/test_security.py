"""Security headers, CSP without unsafe-inline, request ids."""

from __future__ import annotations

from django.test import Client


def test_pages_carry_a_strict_content_security_policy(db):
    policy = Client().get("/")["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


def test_pages_carry_the_basic_security_headers(db):
    response = Client().get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_staff_pages_are_never_cached(region):
    client = Client()
    client.force_login(region.petugas_siti)
    assert "no-store" in client.get("/staf/")["Cache-Control"]


def test_every_response_has_a_request_id_and_a_sane_incoming_one_is_kept(db):
    generated = Client().get("/")["X-Request-ID"]
    assert len(generated) == 32
    kept = Client().get("/", headers={"X-Request-ID": "lb-1234abcd"})["X-Request-ID"]
    assert kept == "lb-1234abcd"
    replaced = Client().get("/", headers={"X-Request-ID": "<script>"})["X-Request-ID"]
    assert replaced != "<script>"


def test_no_template_contains_inline_script_or_style():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "tuntas"
    offenders = []
    for template in root.rglob("*.html"):
        if template.name.endswith("_pdf.html"):
            continue  # rendered by WeasyPrint into a PDF on the server, never served to a browser
        text = template.read_text()
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or "<style" in text
            or re.search(r'\sstyle="', text)
        ):
            offenders.append(str(template.relative_to(root)))
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{template.relative_to(root)} (inline handler)")
    assert offenders == []


def test_the_request_id_is_recorded_on_audit_events(region):
    from tuntas.audit.models import AuditEvent

    client = Client()
    client.force_login(region.admin_magelang)
    client.post(
        f"/staf/unit/{region.magelang_pupr.pk}/ubah/",
        {"name": "Dinas PUPR", "kind": "dinas", "is_active": "on"},
        headers={"X-Request-ID": "req-unit-edit-01"},
    )
    event = AuditEvent.objects.get(action="unit.updated")
    assert event.request_id == "req-unit-edit-01"
    assert event.actor == region.admin_magelang
    assert event.changes == {"name": ["Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"]}
