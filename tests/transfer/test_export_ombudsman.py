"""Exports of Ombudsman cases: reports with no agency case are there, identities as the rules say."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.complaints.test_report_submit import CANARY_NAME, CANARY_NIK, draft_for
from tests.ombudsman.helpers import ombudsman_case
from tests.transfer.test_export import _csv
from tuntas.audit.models import AuditEvent
from tuntas.complaints.identity import Identity
from tuntas.complaints.selectors import report_identity_for
from tuntas.complaints.services_intake import report_submit
from tuntas.transfer.models import ExportJob
from tuntas.transfer.ombudsman_export import ombudsman_export_cases
from tuntas.transfer.services_export import (
    export_job_create,
    export_job_path,
    export_job_run,
    export_stream,
)


def _ombudsman_csv(actor, *, personal=True, query=None):
    with translation.override("en"):
        stream = export_stream(
            actor=actor,
            query=query or {},
            fmt="csv",
            include_personal=personal,
            today=timezone.localdate(),
            kind="ombudsman",
        )
        data = b"".join(stream.chunks).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(data)))


@pytest.fixture
def direct_case(region):
    """A report made straight to Ombudsman Jawa Tengah: it has no agency case at all."""
    return ombudsman_case(region)


def test_a_report_made_only_to_the_ombudsman_is_in_the_ombudsman_export(region, direct_case):
    report = direct_case.report
    assert not hasattr(report, "agency_case") or report.agency_case is None
    rows = _ombudsman_csv(region.asisten_andi, personal=False)
    assert [row["number"] for row in rows] == [report.public_number]
    row = rows[0]
    assert row["ombudsman_state"] == "received"
    assert row["source"] == "direct" and row["track"] == "regular"
    assert row["office"] == region.jateng.name
    assert row["institution"] == region.magelang.name
    assert row["agency_case_state"] == ""
    assert "reporter_name" not in row
    # The inbox export reads agency cases and cannot hold it.
    assert report.public_number not in {r["number"] for r in _csv(region.asisten_andi)}


def test_the_identity_in_an_ombudsman_export_is_what_report_identity_for_allows(
    region, direct_case
):
    andi = region.asisten_andi
    open_case = ombudsman_case(
        region,
        draft={
            "identity_mode": "terbuka",
            "identity": Identity(name="Kanari Terbuka Ombudsman", nik="3371014501900003"),
        },
    )
    anonymous = ombudsman_case(
        region, draft={"identity_mode": "anonim", "identity": None, "consent": False}
    )
    rows = {row["number"]: row for row in _ombudsman_csv(andi)}
    for case in (direct_case, open_case):
        decided = report_identity_for(actor=andi, report=case.report)
        row = rows[case.report.public_number]
        if isinstance(decided, Identity):
            assert (row["reporter_name"], row["reporter_nik"]) == (decided.name, decided.nik)
        else:
            assert row["reporter_name"] == decided and row["reporter_nik"] == ""
    assert rows[open_case.report.public_number]["reporter_name"] == "Kanari Terbuka Ombudsman"
    assert rows[anonymous.report.public_number]["reporter_name"] == ""
    # The holding office's assistant examines the report: the Ombudsman reads rahasia identities.
    assert rows[direct_case.report.public_number]["reporter_nik"] == CANARY_NIK


def test_without_personal_data_no_canary_leaves_in_any_format(region, direct_case):
    for fmt in ("csv", "json", "xlsx"):
        stream = export_stream(
            actor=region.asisten_andi,
            query={},
            fmt=fmt,
            include_personal=False,
            today=timezone.localdate(),
            kind="ombudsman",
        )
        data = b"".join(stream.chunks)
        for canary in (CANARY_NAME, CANARY_NIK, "kanari@contoh.test", "0812-3456-7890"):
            assert canary.encode() not in data, (fmt, canary)


def test_another_office_and_a_partner_officer_get_nothing(client, region, direct_case):
    assert _ombudsman_csv(region.asisten_diy) == []
    client.force_login(region.petugas_dinkes)
    assert client.get(reverse("transfer:export_ombudsman")).status_code == 404
    response = client.post(reverse("transfer:export_ombudsman"), {"format": "csv"})
    assert response.status_code == 404


def test_the_filters_are_the_ombudsman_lists(region, direct_case):
    report_submit(draft=draft_for(region), channel="web")  # an agency case: not an Ombudsman case
    andi = region.asisten_andi
    today = timezone.localdate()
    cases, errors = ombudsman_export_cases(actor=andi, query={}, today=today)
    assert list(cases) == [direct_case] and errors == {}
    cases, _ = ombudsman_export_cases(actor=andi, query={"state": ["closed"]}, today=today)
    assert list(cases) == []
    cases, _ = ombudsman_export_cases(actor=andi, query={"track": ["rco"]}, today=today)
    assert list(cases) == []
    cases, _ = ombudsman_export_cases(actor=andi, query={"mine": ["on"]}, today=today)
    assert list(cases) == []  # nobody is assigned yet
    _cases, errors = ombudsman_export_cases(
        actor=andi, query={"state": ["nonsense"], "deadline": ["someday"]}, today=today
    )
    assert set(errors) == {"state", "deadline"}


def test_the_page_streams_a_small_export_and_records_it(client, region, direct_case):
    client.cookies["django_language"] = "en"
    client.force_login(region.asisten_andi)
    page = client.get(reverse("transfer:export_ombudsman") + "?state=received&track=regular")
    assert page.status_code == 200
    assert b'value="received" selected' in page.content
    response = client.post(
        reverse("transfer:export_ombudsman"), {"format": "json", "state": "received"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tuntas-ombudsman-')
    document = json.loads(b"".join(response.streaming_content))
    assert [row["number"] for row in document] == [direct_case.report.public_number]
    event = AuditEvent.objects.filter(action="export.requested").latest("sequence")
    assert event.data["kind"] == "ombudsman" and event.data["filters"] == {"state": ["received"]}
    bad = client.post(reverse("transfer:export_ombudsman"), {"format": "pdf"})
    assert bad.status_code == 200 and b"error-summary" in bad.content


def test_a_large_ombudsman_export_runs_as_a_job(region, direct_case):
    job = export_job_create(
        actor=region.kepala_jateng,
        query={},
        fmt="csv",
        include_personal=False,
        today=timezone.localdate(),
        kind="ombudsman",
    )
    job = export_job_run(job_id=job.pk)
    assert job.state == "done" and job.rows_written == 1
    assert ExportJob.objects.get(pk=job.pk).kind == "ombudsman"
    text = export_job_path(job).read_text(encoding="utf-8-sig")
    assert direct_case.report.public_number in text and "ombudsman_state" in text
