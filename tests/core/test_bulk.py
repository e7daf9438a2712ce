"""The import's prepared INSERT: the same rows as the ORM would write, whatever keys they carry."""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.db import DataError, connection, transaction
from django.utils import timezone

from tests.transfer.helpers import csv_bytes, row
from tests.transfer.test_import import checked_and_imported
from tuntas.cases.models import AgencyCase
from tuntas.complaints.models import Category, Report
from tuntas.core.bulk import PreparedInsert, postgresql_custom_plans, sqlite_page_cache

WIB = datetime.timezone(datetime.timedelta(hours=7))


def _report(region, n, **extra):
    values = {
        "public_number": f"LM-24BULK{n:04d}",
        "access_code_hash": "0" * 64,
        "channel": "import",
        "channel_reference": f"bulk:{n}",
        "institution_id": region.magelang.pk,
        "category_id": Category.objects.get(slug="kesehatan").pk,
        "title": f"Judul {n}",
        "description": "Isi",
        "identity_mode": "anonim",
        "submitted_at": datetime.datetime(2024, 3, 17, 23, 30, tzinfo=WIB),
    }
    values.update(extra)
    return values


def test_rows_with_different_keys_land_with_their_values_and_defaults(region):
    now = timezone.now()
    writer = PreparedInsert(Report, now=now)
    unit = region.magelang_puskesmas.pk
    writer.insert([_report(region, 1), _report(region, 2, unit_id=unit), _report(region, 3)])
    reports = {r.channel_reference: r for r in Report.objects.filter(channel="import")}
    assert set(reports) == {"bulk:1", "bulk:2", "bulk:3"}
    assert reports["bulk:2"].unit_id == unit and reports["bulk:1"].unit_id is None
    first = reports["bulk:1"]
    assert first.submitted_at == datetime.datetime(2024, 3, 17, 16, 30, tzinfo=datetime.UTC)
    assert first.updated_at == now  # auto_now: the writer's moment


def test_a_json_default_is_an_empty_list_on_every_case_row(region):
    report_writer = PreparedInsert(Report, now=timezone.now())
    report_writer.insert([_report(region, 1), _report(region, 2)])
    ids = list(Report.objects.filter(channel="import").values_list("pk", flat=True))
    case_writer = PreparedInsert(AgencyCase, now=timezone.now())
    day = datetime.date(2024, 3, 18)
    with sqlite_page_cache(8):
        case_writer.insert(
            [
                {
                    "report_id": pk,
                    "institution_id": region.magelang.pk,
                    "state": "received",
                    "stage_started_on": day,
                    "opened_at": datetime.datetime(2024, 3, 18, 9, tzinfo=WIB),
                }
                for pk in ids
            ]
        )
    cases = list(AgencyCase.objects.filter(report_id__in=ids))
    assert [case.pauses for case in cases] == [[], []]
    assert {case.stage_started_on for case in cases} == {day}


@pytest.mark.parametrize("shift", [0, 1])
def test_each_case_belongs_to_its_report_whether_or_not_the_key_range_is_trusted(
    region, django_capture_on_commit_callbacks, monkeypatch, shift
):
    from tuntas.transfer import services_import

    real = services_import.sqlite_last_rows

    def shifted(model, count):
        keys = real(model, count)
        return None if keys is None else [key + shift for key in keys]

    monkeypatch.setattr(services_import, "sqlite_last_rows", shifted)
    rows = [
        row(f"K-{n}", judul=f"Laporan nomor {n}", tanggal=f"2024-03-{17 - n:02d}") for n in range(7)
    ]
    job = checked_and_imported(region, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert job.rows_written == 7
    for case in AgencyCase.objects.select_related("report"):
        number = case.report.channel_reference.rsplit("-", 1)[1]
        assert case.report.title == f"Laporan nomor {number}"
        assert case.opened_at == case.report.submitted_at


def _plan_cache_mode():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
@pytest.mark.django_db
def test_a_long_write_plans_for_the_values_and_gives_back_the_configured_mode():
    configured = _plan_cache_mode()
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = auto")  # as with DATABASE_PLAN_CACHE_MODE=auto
    with postgresql_custom_plans():
        assert _plan_cache_mode() == "force_custom_plan"
    assert _plan_cache_mode() == configured


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
@pytest.mark.django_db
def test_a_failed_long_write_keeps_its_own_error():
    with pytest.raises(ZeroDivisionError), transaction.atomic(), postgresql_custom_plans():
        # The transaction is aborted by the failed statement: the RESET on the way out fails.
        with connection.cursor() as cursor, contextlib.suppress(DataError):
            cursor.execute("SELECT 1 / 0")
        raise ZeroDivisionError
