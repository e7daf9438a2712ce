from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command

from tuntas.audit.models import AuditEvent
from tuntas.sla.calendar import Paused
from tuntas.sla.models import DeadlinePolicy, HolidayDate
from tuntas.sla.services import (
    calendar_for,
    deadline_policy_for,
    due_date,
    holiday_add,
    holiday_update,
    holidays_confirm,
    holidays_import,
)


def test_importing_a_year_brings_national_holidays_and_cuti_bersama_once(db):
    first = holidays_import(year=2026)
    again = holidays_import(year=2026)
    assert first.added == 25 and again.added == 0 and again.already_present == 25
    kinds = set(HolidayDate.objects.filter(date__year=2026).values_list("kind", flat=True))
    assert kinds == {"libur_nasional", "cuti_bersama"}
    assert HolidayDate.objects.filter(kind="cuti_bersama", date__year=2026).count() == 8
    assert not HolidayDate.objects.filter(confirmed=True).exists()
    assert AuditEvent.objects.filter(action="holiday.imported").count() == 2


def test_an_administrators_correction_survives_a_re_import(region):
    holidays_import(year=2026)
    holiday = HolidayDate.objects.get(date=datetime.date(2026, 12, 24))
    holiday_update(
        holiday=holiday, actor=region.admin_rina, is_active=False, reference="SKB revisi"
    )
    holidays_import(year=2026)
    holiday.refresh_from_db()
    assert holiday.is_active is False and holiday.confirmed is True
    assert datetime.date(2026, 12, 24) not in calendar_for().holidays


def test_a_regional_holiday_counts_only_in_its_region(region):
    holiday_add(
        actor=region.admin_rina,
        date=datetime.date(2026, 4, 11),
        name="Hari Jadi Kota Magelang",
        kind="libur_daerah",
        region_code="33.71",
    )
    assert datetime.date(2026, 4, 11) in calendar_for(region_code="33.71").holidays
    assert datetime.date(2026, 4, 11) not in calendar_for(region_code="33.06").holidays


def test_confirming_a_year_is_audited(region):
    holidays_import(year=2026)
    assert holidays_confirm(year=2026, actor=region.admin_rina) == 25
    assert not HolidayDate.objects.filter(confirmed=False).exists()


def test_default_policies_name_their_sources(db):
    verification = deadline_policy_for(stage="agency.verification", institution=None)
    assert (verification.amount, verification.unit) == (3, "working_days")
    assert "LAPOR" in verification.source
    assert all(policy.source for policy in DeadlinePolicy.objects.all())


def test_an_institution_can_override_a_default(region):
    DeadlinePolicy.objects.create(
        stage="agency.follow_up",
        institution=region.magelang,
        amount=7,
        unit="working_days",
        source="SOP Kota Magelang",
    )
    assert deadline_policy_for(stage="agency.follow_up", institution=region.magelang).amount == 7
    assert deadline_policy_for(stage="agency.follow_up", institution=region.purworejo).amount == 5


def test_calendar_day_policies_pause_and_resume(db):
    policy = deadline_policy_for(stage="ombudsman.completeness", institution=None)
    calendar = calendar_for()
    start = datetime.date(2026, 5, 4)
    assert due_date(policy=policy, start=start, calendar=calendar) == datetime.date(2026, 6, 3)
    paused = ((datetime.date(2026, 5, 14), datetime.date(2026, 5, 24)),)
    assert due_date(policy=policy, start=start, calendar=calendar, pauses=paused) == datetime.date(
        2026, 6, 13
    )
    assert due_date(
        policy=policy, start=start, calendar=calendar, pauses=((datetime.date(2026, 5, 14), None),)
    ) == Paused(20)


def test_the_import_command_refuses_an_impossible_year(db):
    with pytest.raises(CommandError, match="1990"):
        call_command("calendar_import", "--year", "3000")


def test_a_provinces_holiday_counts_in_its_cities_and_a_withdrawn_one_nowhere(region):
    province_day = holiday_add(
        actor=region.admin_rina,
        date=datetime.date(2026, 8, 19),
        name="Hari Jadi Provinsi Jawa Tengah",
        kind="libur_daerah",
        region_code="33",
    )
    assert province_day.date in calendar_for(region_code="33.71").holidays
    assert province_day.date not in calendar_for(region_code="34.71").holidays
    holiday_update(holiday=province_day, actor=region.admin_rina, is_active=False)
    assert province_day.date not in calendar_for(region_code="33.71").holidays


def test_a_stage_without_any_policy_is_a_lookup_error_and_a_found_one_is_whole(region):
    with pytest.raises(LookupError, match=r"agency\.nothing"):
        deadline_policy_for(stage="agency.nothing", institution=region.magelang)
    policy = deadline_policy_for(stage="agency.verification", institution=region.magelang)
    stored = DeadlinePolicy.objects.get(stage="agency.verification", institution=None)
    assert (policy.pk, policy.institution_id, policy.amount, policy.unit, policy.source) == (
        stored.pk,
        None,
        stored.amount,
        stored.unit,
        stored.source,
    )
