"""Exports: the inbox filters, the three formats, personal data only where the role allows it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.transfer.conftest import CANARY_NAME, CANARY_NIK, OPEN_NAME, OPEN_NIK
from tuntas.audit.models import AuditEvent
from tuntas.transfer.exporting import column_names
from tuntas.transfer.models import ExportJob
from tuntas.transfer.services_export import export_job_create, export_stream


def _csv(actor, *, personal=True, query=None):
    with translation.override("en"):
        stream = export_stream(
            actor=actor,
            query=query or {},
            fmt="csv",
            include_personal=personal,
            today=timezone.localdate(),
        )
        data = b"".join(stream.chunks).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(data)))


def _by_mode(rows):
    return {row["identity_mode"]: row for row in rows}


def test_an_officer_exports_the_open_identity_but_not_the_confidential_one(region, three_reports):
    rows = _by_mode(_csv(region.petugas_dinkes))
    assert rows["terbuka"]["reporter_name"] == OPEN_NAME
    assert rows["terbuka"]["reporter_nik"] == OPEN_NIK
    assert rows["rahasia"]["reporter_name"] == "Reporter withheld"
    assert rows["rahasia"]["reporter_nik"] == ""
    assert rows["anonim"]["reporter_name"] == ""


def test_the_privacy_officer_and_the_ombudsman_export_the_confidential_identity(
    region, three_reports, privacy_officer
):
    for actor in (privacy_officer, region.asisten_andi):
        rows = _by_mode(_csv(actor))
        assert rows["rahasia"]["reporter_name"] == CANARY_NAME
        assert rows["rahasia"]["reporter_nik"] == CANARY_NIK
        assert rows["anonim"]["reporter_name"] == ""


def test_without_personal_data_no_identity_column_or_value_appears(region, three_reports):
    with translation.override("en"):
        stream = export_stream(
            actor=region.asisten_andi,
            query={},
            fmt="json",
            include_personal=False,
            today=timezone.localdate(),
        )
        text = b"".join(stream.chunks).decode()
    rows = json.loads(text)
    assert len(rows) == 3
    assert set(rows[0]) == set(column_names(include_personal=False))
    for canary in (CANARY_NAME, CANARY_NIK, OPEN_NAME, OPEN_NIK, "kanari@contoh.test"):
        assert canary not in text


def test_an_export_holds_only_the_cases_the_actor_can_see(region, three_reports):
    assert _csv(region.petugas_purworejo) == []
    assert len(_csv(region.petugas_dinkes)) == 3
    assert _csv(region.petugas_siti) == []  # another unit of the same city


def test_the_inbox_filters_narrow_the_export(region, three_reports):
    assert len(_csv(region.admin_magelang, query={"state": ["received"]})) == 3
    assert _csv(region.admin_magelang, query={"state": ["verified"]}) == []
    number = three_reports[0].public_number
    rows = _csv(region.admin_magelang, query={"number": [number]})
    assert [row["number"] for row in rows] == [number]


def test_a_cell_that_looks_like_a_formula_is_neutralised(region):
    from tests.complaints.test_report_submit import draft_for
    from tuntas.complaints.services_intake import report_submit

    report_submit(
        draft=draft_for(
            region,
            title='=HYPERLINK("http://x.test","klik")',
            identity=None,
            identity_mode="anonim",
            consent=False,
        ),
        channel="web",
    )
    rows = _csv(region.admin_magelang, personal=False)
    assert rows[0]["title"].startswith("'=")


def test_a_small_export_downloads_at_once_as_an_attachment_and_is_audited(
    client, region, three_reports
):
    client.force_login(region.admin_magelang)
    response = client.post(reverse("transfer:export_new"), {"format": "csv", "state": "received"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count("\r\n") == 4  # header + three rows
    event = AuditEvent.objects.filter(action="export.requested").get()
    assert event.actor_id == region.admin_magelang.pk
    assert event.data["filters"] == {"state": ["received"]}
    assert event.data["personal_data"] is False


def test_a_bad_filter_is_reported_on_the_form_and_nothing_is_exported(client, region):
    client.force_login(region.admin_magelang)
    client.cookies["tuntas_language"] = "en"
    response = client.post(
        reverse("transfer:export_new"), {"format": "csv", "received_from": "17-03-2024"}
    )
    assert response.status_code == 200
    assert (
        b"Enter a date as YYYY-MM-DD." in response.content
        or b"Enter a valid date" in response.content
    )
    assert not AuditEvent.objects.filter(action="export.requested").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_large_export_runs_as_a_job_with_progress_and_an_owner_only_download(
    client, region, three_reports, settings, django_capture_on_commit_callbacks, fmt
):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    client.force_login(region.admin_magelang)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("transfer:export_new"), {"format": fmt, "include_personal": "on"}
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transfer:export", args=[job.pk])
    job.refresh_from_db()
    assert job.state == "done"
    assert (job.total, job.rows_written) == (3, 3)
    page = client.get(reverse("transfer:export", args=[job.pk]))
    assert reverse("transfer:export_download", args=[job.pk]).encode() in page.content
    download = client.get(reverse("transfer:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    content = b"".join(download.streaming_content)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "number" and len(rows) == 4
        cells = {cell for row in rows for cell in row}
        assert OPEN_NAME in cells and CANARY_NAME not in cells
    elif fmt == "json":
        assert len(json.loads(content)) == 3
    else:
        assert OPEN_NAME in content.decode("utf-8-sig")
    assert CANARY_NAME.encode() not in content and CANARY_NIK.encode() not in content
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-3:] == ["export.requested", "export.finished", "export.downloaded"]

    client.force_login(region.pimpinan_magelang)  # same institution, not the owner
    assert client.get(reverse("transfer:export", args=[job.pk])).status_code == 404
    assert client.get(reverse("transfer:export_download", args=[job.pk])).status_code == 404


def test_the_job_page_polls_with_htmx_while_the_export_waits(client, region):
    job = export_job_create(
        actor=region.admin_magelang,
        query={},
        fmt="csv",
        include_personal=False,
        today=timezone.localdate(),
    )
    client.force_login(region.admin_magelang)
    page = client.get(reverse("transfer:export", args=[job.pk]))
    assert b'hx-trigger="every 3s"' in page.content
    assert b"<html" in page.content
    partial = client.get(reverse("transfer:export", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    assert b'id="export-status"' in partial.content


def test_an_expired_export_file_is_no_longer_served(
    client, region, three_reports, settings, django_capture_on_commit_callbacks
):
    from tuntas.transfer.services_export import export_files_expire

    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(
            actor=region.admin_magelang,
            query={},
            fmt="csv",
            include_personal=False,
            today=timezone.localdate(),
        )
    job.refresh_from_db()
    assert export_files_expire(now=job.expires_at) == 1
    client.force_login(region.admin_magelang)
    assert client.get(reverse("transfer:export_download", args=[job.pk])).status_code == 404


def test_citizens_do_not_reach_the_export_pages(client, region):
    client.force_login(region.warga_budi)
    assert client.get(reverse("transfer:index")).status_code == 404
    assert client.get(reverse("transfer:export_new")).status_code == 404


def test_the_export_form_keeps_the_inbox_filters_it_was_opened_with(client, region):
    client.force_login(region.admin_magelang)
    response = client.get(
        reverse("transfer:export_new") + f"?state=verified&institution={region.magelang.pk}"
    )
    assert b'<option value="verified" selected>' in response.content
    assert f'name="institution" value="{region.magelang.pk}"'.encode() in response.content
