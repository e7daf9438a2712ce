"""Imports: column mapping, dry run, all-or-nothing batches, idempotent re-import, bad files."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.transfer.conftest import CANARY_NAME, CANARY_NIK
from tests.transfer.helpers import HEADER, csv_bytes, row, upload, xlsx_bytes
from tuntas.audit.models import AuditEvent
from tuntas.cases.models import AgencyCase
from tuntas.complaints.models import Report
from tuntas.complaints.selectors import report_identity_for
from tuntas.transfer.fields import guess_mapping
from tuntas.transfer.models import ImportJob
from tuntas.transfer.services_import import (
    import_job_map,
    import_job_start,
    import_job_upload,
)


def uploaded(region, content, *, name="laporan.csv", actor=None):
    with translation.override("en"):
        return import_job_upload(
            actor=actor or region.admin_magelang,
            institution=region.magelang,
            upload=upload(content, name),
        )


def run(job, *, dry_run, actor, capture):
    with translation.override("en"), capture(execute=True):
        import_job_start(job=job, actor=actor, dry_run=dry_run)
    job.refresh_from_db()
    return job


def checked_and_imported(region, content, capture, *, batch_size=2000):
    job = uploaded(region, content)
    job.batch_size = batch_size
    job.save(update_fields=["batch_size"])
    import_job_map(job=job, mapping=job.mapping, actor=region.admin_magelang)
    run(job, dry_run=True, actor=region.admin_magelang, capture=capture)
    assert job.state == "checked"
    return run(job, dry_run=False, actor=region.admin_magelang, capture=capture)


def test_indonesian_and_english_headers_are_guessed():
    assert guess_mapping(HEADER) == {
        "external_id": "No Tiket",
        "title": "Judul",
        "description": "Isi Laporan",
        "category": "Kategori",
        "submitted_at": "Tanggal Laporan",
        "state": "Status",
        "closed_at": "Tanggal Selesai",
        "resolution_summary": "Tindak Lanjut",
        "reporter_name": "Nama Pelapor",
        "reporter_nik": "NIK",
    }
    english = guess_mapping(["Ticket", "Subject", "Description", "Category", "Created at"])
    assert english == {
        "external_id": "Ticket",
        "title": "Subject",
        "description": "Description",
        "category": "Category",
        "submitted_at": "Created at",
    }


def test_historical_reports_land_with_their_dates_and_closed_state(
    region, django_capture_on_commit_callbacks
):
    rows = [
        row("T-1"),
        row("T-2", status="diproses", selesai="", tindak=""),
        row("T-3", nama=CANARY_NAME, nik=CANARY_NIK, tanggal="17/03/2024"),
    ]
    job = checked_and_imported(region, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert job.state == "done"
    assert (job.rows_written, job.rows_skipped, job.error_count) == (3, 0, 0)
    closed = Report.objects.get(channel_reference=f"{region.magelang.pk}:T-1")
    assert closed.channel == "import"
    assert timezone.localtime(closed.submitted_at).date() == datetime.date(2024, 3, 17)
    assert closed.public_number.startswith("LM-24")
    assert (closed.version, closed.language, closed.visibility) == (1, "id", "private")
    assert closed.updated_at is not None
    assert closed.entered_by == region.admin_magelang
    assert not AuditEvent.objects.filter(action="report.submitted").exists()  # one per batch
    case = AgencyCase.objects.get(report=closed)
    assert case.state == "confirmed"
    assert timezone.localtime(case.closed_at).date() == datetime.date(2024, 4, 2)
    assert case.resolution_summary == "Jalan sudah ditambal"
    open_case = AgencyCase.objects.get(report__channel_reference=f"{region.magelang.pk}:T-2")
    assert open_case.state == "in_follow_up" and open_case.closed_at is None
    assert open_case.due_on is not None  # the resolution clock ran from the original date
    with_identity = Report.objects.get(channel_reference=f"{region.magelang.pk}:T-3")
    assert with_identity.identity_mode == "rahasia"  # details without a mode stay confidential
    assert report_identity_for(actor=region.asisten_andi, report=with_identity).nik == CANARY_NIK
    assert report_identity_for(actor=region.petugas_siti, report=with_identity) != CANARY_NAME


def test_each_batch_is_audited_naming_its_rows(region, django_capture_on_commit_callbacks):
    rows = [row(f"T-{n}") for n in range(5)]
    checked_and_imported(region, csv_bytes(rows), django_capture_on_commit_callbacks, batch_size=2)
    batches = AuditEvent.objects.filter(action="import.batch_written").order_by("sequence")
    assert [event.data["external_ids"] for event in batches] == [
        ["T-0", "T-1"],
        ["T-2", "T-3"],
        ["T-4"],
    ]
    assert [event.data["file_rows"] for event in batches] == [[2, 3], [4, 5], [6, 6]]


def test_importing_the_same_file_twice_writes_each_report_once(
    region, django_capture_on_commit_callbacks
):
    content = csv_bytes([row("T-1"), row("T-2")])
    checked_and_imported(region, content, django_capture_on_commit_callbacks)
    again = checked_and_imported(region, content, django_capture_on_commit_callbacks)
    assert (again.rows_written, again.rows_skipped) == (0, 2)
    assert Report.objects.filter(channel="import").count() == 2


def test_the_dry_run_lists_row_errors_and_writes_nothing(
    region, django_capture_on_commit_callbacks
):
    rows = [
        row("T-1"),
        row("T-2", tanggal="31/02/2024"),
        row("T-3", kategori="astrologi"),
        row("T-4", judul=""),
        row("T-1"),
        row("T-6", status="selesai", selesai=""),
        row("T-7", nama="Budi", nik="12345"),
    ]
    job = uploaded(region, csv_bytes(rows))
    import_job_map(job=job, mapping=job.mapping, actor=region.admin_magelang)
    reports_before = Report.objects.count()
    job = run(
        job, dry_run=True, actor=region.admin_magelang, capture=django_capture_on_commit_callbacks
    )
    assert Report.objects.count() == reports_before
    found = {(error["row"], error["column"]) for error in job.errors}
    assert found == {
        (3, "Tanggal Laporan"),
        (4, "Kategori"),
        (5, "Judul"),
        (6, "No Tiket"),
        (7, "Tanggal Selesai"),
        (8, "NIK"),
    }
    messages = {error["row"]: error["message"] for error in job.errors}
    assert "Enter a date such as 2024-03-17" in messages[3]
    assert "No category is called “astrologi”" in messages[4]
    assert "already used in row 2" in messages[6]
    assert "16 digits" in messages[8]


def test_a_batch_with_an_error_writes_nothing_and_the_other_batches_land(
    region, django_capture_on_commit_callbacks
):
    rows = [row("T-1"), row("T-2"), row("T-3", kategori="astrologi"), row("T-4")]
    job = checked_and_imported(
        region, csv_bytes(rows), django_capture_on_commit_callbacks, batch_size=2
    )
    assert job.state == "done"
    written = set(
        Report.objects.filter(channel="import").values_list("channel_reference", flat=True)
    )
    assert written == {f"{region.magelang.pk}:T-1", f"{region.magelang.pk}:T-2"}
    assert (job.rows_written, job.rows_failed, job.error_count) == (2, 2, 1)


def test_a_missing_required_column_is_refused_at_the_mapping_step(region):
    header = [h for h in HEADER if h != "Judul"]
    content = csv_bytes([[c for i, c in enumerate(row("T-1")) if i != 1]], header=header)
    job = uploaded(region, content)
    assert "title" not in job.mapping
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        import_job_map(job=job, mapping=job.mapping, actor=region.admin_magelang)
    assert raised.value.message_dict["title"] == ["Choose the column that holds “Title”."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\x00\x01\x02 binary", "This is not a CSV or XLSX file"),
        (b"PK\x03\x04 not really a workbook", "cannot be opened as an Excel workbook"),
        (b"   \n", "The file is empty."),
        (b"Judul,,Kategori\nx,y,z\n", "Column 2 has no name"),
    ],
)
def test_a_file_that_is_not_a_table_is_refused_with_a_clear_message(region, content, message):
    with pytest.raises(ValidationError) as raised:
        uploaded(region, content)
    assert message in raised.value.message_dict["file"][0]
    assert not ImportJob.objects.exists()


def test_a_legacy_windows_encoded_file_is_read_correctly(
    region, django_capture_on_commit_callbacks
):
    content = csv_bytes(
        [row("T-1", judul="Pelayanan café – lambat")], delimiter=";", encoding="cp1252"
    )
    job = checked_and_imported(region, content, django_capture_on_commit_callbacks)
    assert job.rows_written == 1
    assert Report.objects.get(channel="import").title == "Pelayanan café – lambat"


def test_bytes_that_are_not_utf8_after_the_sample_stop_the_dry_run_at_that_row(
    region, django_capture_on_commit_callbacks
):
    rows = [row(f"T-{n}", judul="Jalan berlubang " + "x" * 150) for n in range(400)]
    content = csv_bytes(rows) + b"T-bad,Judul \xff\xfe rusak,isi,infrastruktur,2024-03-17,,,,,\r\n"
    job = uploaded(region, content)
    import_job_map(job=job, mapping=job.mapping, actor=region.admin_magelang)
    job = run(
        job, dry_run=True, actor=region.admin_magelang, capture=django_capture_on_commit_callbacks
    )
    assert job.errors[-1]["row"] == 402
    assert "Row 402 is not valid UTF-8 text" in job.errors[-1]["message"]
    assert not Report.objects.filter(channel="import").exists()


def test_an_xlsx_file_imports_like_a_csv_file(region, django_capture_on_commit_callbacks):
    # A spreadsheet's date cell has no time zone: it is read as the installation's local time.
    local = datetime.datetime(2023, 5, 4, 10, 30)  # noqa: DTZ001
    rows = [row("X-1"), row("X-2", tanggal=local)]
    job = checked_and_imported(region, xlsx_bytes(rows), django_capture_on_commit_callbacks)
    assert job.rows_written == 2
    report = Report.objects.get(channel_reference=f"{region.magelang.pk}:X-2")
    assert timezone.localtime(report.submitted_at).replace(tzinfo=None) == local


def test_a_saved_mapping_is_proposed_again_for_a_file_with_the_same_columns(region):
    header = ["Ref", "Perihal", "Uraian", "Bidang", "Tgl"]
    content = csv_bytes([["A", "b", "c", "infrastruktur", "2024-01-02"]], header=header)
    first = uploaded(region, content)
    mapping = {
        "external_id": "Ref",
        "title": "Perihal",
        "description": "Uraian",
        "category": "Bidang",
        "submitted_at": "Tgl",
    }
    import_job_map(job=first, mapping=mapping, actor=region.admin_magelang)
    second = uploaded(region, content)
    assert second.mapping == mapping


def test_only_administrators_and_heads_import_and_jobs_are_private(
    client, region, django_capture_on_commit_callbacks
):
    client.force_login(region.petugas_siti)
    assert client.get(reverse("transfer:import_new")).status_code == 404
    with pytest.raises(ValidationError):
        import_job_upload(
            actor=region.petugas_siti,
            institution=region.magelang,
            upload=upload(csv_bytes([row("T-1")])),
        )
    with pytest.raises(ValidationError):
        import_job_upload(
            actor=region.admin_magelang,
            institution=region.purworejo,
            upload=upload(csv_bytes([row("T-1")])),
        )
    job = uploaded(region, csv_bytes([row("T-1")]))
    client.force_login(region.pimpinan_magelang)
    assert client.get(reverse("transfer:import", args=[job.pk])).status_code == 404
    assert client.post(reverse("transfer:import_run", args=[job.pk])).status_code == 404


def test_the_import_pages_walk_from_upload_to_done(
    client, region, django_capture_on_commit_callbacks
):
    client.force_login(region.admin_magelang)
    client.cookies["tuntas_language"] = "en"
    page = client.get(reverse("transfer:import_new"))
    assert page.status_code == 200
    response = client.post(
        reverse("transfer:import_new"),
        {"institution": region.magelang.pk, "file": upload(csv_bytes([row("W-1")]))},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("transfer:import", args=[job.pk])
    detail = client.get(response["Location"])
    assert b'<option value="Judul" selected>' in detail.content
    early = client.post(reverse("transfer:import_run", args=[job.pk]))
    assert early.status_code == 400 and b"Run the dry run first" in early.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("transfer:import_map", args=[job.pk]), job.mapping)
    job.refresh_from_db()
    assert job.state == "checked"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("transfer:import_run", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "done" and job.rows_written == 1
    status = client.get(reverse("transfer:import", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b'id="import-status"' in status.content and b"<html" not in status.content


def test_a_bad_upload_keeps_the_form_and_says_why(client, region):
    client.force_login(region.admin_magelang)
    client.cookies["tuntas_language"] = "en"
    response = client.post(
        reverse("transfer:import_new"),
        {"institution": region.magelang.pk, "file": upload(b"\x00\x01\x02binary", "x.csv")},
    )
    assert response.status_code == 200
    assert b"This is not a CSV or XLSX file" in response.content


def test_an_unreadable_row_stops_the_import_and_keeps_the_batches_before_it(
    region, django_capture_on_commit_callbacks
):
    rows = [row(f"T-{n}", judul="Jalan berlubang " + "x" * 150) for n in range(400)]
    content = csv_bytes(rows) + b"T-bad,Judul \xff\xfe rusak,isi,infrastruktur,2024-03-17,,,,,\r\n"
    job = checked_and_imported(region, content, django_capture_on_commit_callbacks, batch_size=100)
    assert job.state == "failed"
    assert "Row 402" in job.failure
    assert job.rows_written == 400
    assert Report.objects.filter(channel="import").count() == 400
    assert AuditEvent.objects.filter(action="import.finished").get().data["state"] == "failed"


def test_the_look_up_of_imported_references_uses_the_unique_index(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tuntas.transfer.services_import import _existing

    if connection.vendor != "sqlite":
        pytest.skip("the query plan is read with SQLite's EXPLAIN QUERY PLAN")
    with CaptureQueriesContext(connection) as captured:
        _existing(["1:a", "1:b"])
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " ".join(str(step[-1]) for step in cursor.fetchall())
    assert "INDEX report_channel_reference_once" in plan
    assert "SCAN complaints_report" not in plan
