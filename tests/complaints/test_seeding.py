"""`tuntas seed`: synthetic reports, spread like real ones, with unique numbers and no secrets."""

from __future__ import annotations

import collections
import datetime
import stat
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from tuntas.audit.models import AuditEvent
from tuntas.audit.verify import audit_chain_verify
from tuntas.complaints import codes
from tuntas.complaints.identity import unseal
from tuntas.complaints.models import IdentityMode, Report, ReporterIdentity
from tuntas.complaints.seeding import SeedingError, reports_seed
from tuntas.complaints.selectors import report_get_for_tracking

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def seeded(region, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    with time_machine.travel(NOW, tick=False):
        result = reports_seed(count=500, batch_size=120, seed=7, pairs_file=pairs, pairs=50)
    return result, pairs


def test_the_seeder_makes_the_reports_asked_for_with_unique_valid_numbers(seeded):
    result, _ = seeded
    assert result.count == 500 == Report.objects.count()
    numbers = list(Report.objects.values_list("public_number", flat=True))
    assert len(set(numbers)) == 500
    assert all(codes.PUBLIC_NUMBER_PATTERN.match(number) for number in numbers)
    assert len(set(Report.objects.values_list("access_code_hash", flat=True))) == 500


def test_seeded_reports_spread_over_institutions_units_channels_modes_and_three_years(
    seeded, region
):
    reports = list(Report.objects.all())
    institutions = collections.Counter(report.institution_id for report in reports)
    assert len(institutions) >= 4  # the region has 6 institutions, Ombudsman ones weigh less
    assert all(
        report.unit is None or report.unit.institution_id == report.institution_id
        for report in Report.objects.select_related("unit")
    )
    assert sum(report.unit_id is not None for report in reports) > 150
    channels = collections.Counter(report.channel for report in reports)
    assert len(channels) >= 5 and channels.most_common(1)[0][0] == "web"
    modes = collections.Counter(report.identity_mode for report in reports)
    assert set(modes) == set(IdentityMode.values)
    assert 0.1 < modes[IdentityMode.ANONYMOUS] / 500 < 0.3
    categories = collections.Counter(report.category_id for report in reports)
    assert len(categories) >= 8
    submitted = [report.submitted_at for report in reports]
    assert max(submitted) <= NOW
    assert min(submitted) >= NOW - datetime.timedelta(days=3 * 365 + 1)
    assert {moment.year for moment in submitted} >= {2024, 2025, 2026}
    assert all(
        report.occurred_on is None or report.occurred_on <= report.submitted_at.date()
        for report in reports
    )
    assert all(len(report.description) >= 20 and report.title for report in reports)
    assert len({report.description for report in reports}) > 200  # templates with slots vary


def test_seeded_texts_are_indonesian_and_name_the_place_complained_about(seeded):
    sample = Report.objects.filter(unit__isnull=False).select_related("unit").first()
    assert sample is not None
    text = " ".join(Report.objects.values_list("description", flat=True)[:200])
    for word in ("yang", "dan", "kami"):
        assert f" {word} " in text
    assert "{" not in text and "}" not in text  # every slot filled


def test_a_sample_of_named_reporters_get_sealed_synthetic_identities(seeded):
    identities = list(ReporterIdentity.objects.select_related("report"))
    assert identities
    assert all(row.report.identity_mode != IdentityMode.ANONYMOUS for row in identities)
    person = unseal(identities[0].sealed)
    assert person.email.endswith("@contoh.test") and not person.nik and not person.phone


def test_the_run_is_recorded_by_one_audit_event_and_the_chain_holds(seeded):
    (event,) = AuditEvent.objects.filter(action="seed.reports_generated")
    assert event.data["count"] == 500 and event.data["seed"] == 7
    assert not AuditEvent.objects.filter(action="report.submitted").exists()
    assert audit_chain_verify().ok


def test_the_pairs_file_opens_seeded_reports_and_is_private(seeded):
    _, pairs = seeded
    lines = pairs.read_text().splitlines()
    assert len(lines) == 50
    assert stat.S_IMODE(pairs.stat().st_mode) == 0o600
    number, code = lines[0].split("\t")
    assert report_get_for_tracking(number=number, access_code=code) is not None
    assert report_get_for_tracking(number=number, access_code="0" * 16) is None


def test_the_same_seed_gives_the_same_texts_but_new_secrets(region):
    with time_machine.travel(NOW, tick=False):
        reports_seed(count=20, seed=3)
        first = list(Report.objects.order_by("pk").values_list("title", "public_number"))
        reports_seed(count=20, seed=3)
        second = list(Report.objects.order_by("pk").values_list("title", "public_number"))[20:]
    assert [title for title, _ in first] == [title for title, _ in second]
    assert not {number for _, number in first} & {number for _, number in second}


@pytest.mark.django_db
def test_without_institutions_the_seeder_asks_for_the_demo_region():
    with pytest.raises(SeedingError, match="demo load"):
        reports_seed(count=10)


def test_the_command_prints_a_summary_and_nothing_secret(region, settings, tmp_path):
    settings.DEBUG = True
    out = StringIO()
    pairs = tmp_path / "p.tsv"
    call_command("seed", "--reports", "30", "--batch", "10", "--pairs-file", str(pairs), stdout=out)
    text = out.getvalue()
    assert "Seeded 30 synthetic reports" in text
    for line in pairs.read_text().splitlines():
        _number, code = line.split("\t")
        assert code not in text and codes.format_access_code(code) not in text


def test_the_command_refuses_when_debug_is_off(region, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("seed", "--reports", "5")
    call_command("seed", "--reports", "5", "--allow-without-debug", stdout=StringIO())
    assert Report.objects.count() == 5


def test_the_command_help_says_the_data_is_synthetic():
    from tuntas.complaints.management.commands.seed import Command

    assert "synthetic" in Command.help.lower()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_the_seeder_plans_its_look_ups_for_their_values_even_where_generic_plans_are_allowed(
    region,
):
    # A generic plan made while complaints_report was empty stalled a 1 M seeding: the
    # seeder's look-ups run prepared (five runs of a statement) and must still be planned anew.
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = auto")
    reports_seed(count=60, batch_size=5, seed=11)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) "
            "FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"public_number" IN%'],
        )
        generic, custom = cursor.fetchone()
    assert custom > 0  # the look-ups did run prepared
    assert generic == 0
