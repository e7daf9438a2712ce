"""The inbox filters: parsed from query parameters without ever raising, applied as querysets."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.http import QueryDict

from tests.complaints.test_report_submit import draft_for
from tuntas.cases import services
from tuntas.cases.filters import (
    DEADLINE_CHOICES,
    SORT_KEYS,
    CaseFilter,
    case_filter_from_query,
    cases_filter,
    cases_sorted,
)
from tuntas.cases.models import AgencyCase
from tuntas.complaints.models import Category
from tuntas.complaints.services_intake import report_submit
from tuntas.sla.services import holidays_import

WIB = datetime.timezone(datetime.timedelta(hours=7))
MONDAY = datetime.datetime(2026, 2, 2, 9, 0, tzinfo=WIB)


def submit(region, *, when, **overrides):
    with time_machine.travel(when, tick=False):
        submitted = report_submit(draft=draft_for(region, **overrides), channel="web")
    return AgencyCase.objects.get(report=submitted.report)


@pytest.fixture
def cases(region):
    holidays_import(year=2026)
    early = submit(region, when=MONDAY)  # verification due Thu 5 Feb
    late = submit(
        region,
        when=MONDAY + datetime.timedelta(days=2),
        unit=region.magelang_pupr,
        category=Category.objects.get(slug="infrastruktur"),
    )
    paused = submit(region, when=MONDAY + datetime.timedelta(days=3))
    with time_machine.travel(MONDAY + datetime.timedelta(days=3), tick=False):
        services.case_request_information(
            case=paused, actor=region.admin_magelang, expected_version=paused.version, question="?"
        )
    return early, late, paused


def ids(queryset):
    return [case.pk for case in queryset]


def test_query_parameters_become_a_filter(region):
    params = QueryDict(
        "state=received&state=verified&channel=web&category=3&unit=7&unit=7&deadline=overdue"
        "&assigned_to=12&received_from=2026-01-01&received_until=2026-01-31&number=lm-26"
    )
    flt, errors = case_filter_from_query(params)
    assert errors == {}
    assert flt == CaseFilter(
        states=("received", "verified"),
        category_ids=(3,),
        channels=("web",),
        deadline="overdue",
        unit_ids=(7,),
        assigned_to_id=12,
        received_from=datetime.date(2026, 1, 1),
        received_until=datetime.date(2026, 1, 31),
        number="lm-26",
    )


def test_a_plain_dict_of_lists_or_strings_is_read_the_same_way(region):
    flt, errors = case_filter_from_query({"state": ["received"], "deadline": "paused"})
    assert errors == {}
    assert flt.states == ("received",) and flt.deadline == "paused"


def test_every_wrong_parameter_is_reported_and_left_out_instead_of_raising(region):
    flt, errors = case_filter_from_query(
        {
            "state": "sleeping",
            "channel": "pigeon",
            "category": "kesehatan",
            "unit": "-1",
            "deadline": "yesterday",
            "assigned_to": "me",
            "received_from": "2026-02-30",
            "number": "X" * 21,
        }
    )
    assert set(errors) == {
        "state",
        "channel",
        "category",
        "unit",
        "deadline",
        "assigned_to",
        "received_from",
        "number",
    }
    assert flt == CaseFilter()
    assert flt.is_empty


def test_an_end_date_before_the_start_date_is_reported(region):
    flt, errors = case_filter_from_query(
        {"received_from": "2026-02-10", "received_until": "2026-02-01"}
    )
    assert "received_until" in errors
    assert flt.received_until is None and flt.received_from == datetime.date(2026, 2, 10)


def test_the_deadline_filters_find_overdue_due_today_due_soon_and_paused_cases(cases):
    early, late, paused = cases
    everything = AgencyCase.objects.all()
    early.refresh_from_db()
    late.refresh_from_db()
    today = early.due_on
    assert late.due_on > today
    assert ids(cases_filter(everything, CaseFilter(deadline="due_today"), today=today)) == [
        early.pk
    ]
    assert ids(cases_filter(everything, CaseFilter(deadline="overdue"), today=late.due_on)) == [
        early.pk
    ]
    day_before = late.due_on - datetime.timedelta(days=1)
    assert ids(cases_filter(everything, CaseFilter(deadline="due_soon"), today=day_before)) == [
        late.pk
    ]
    assert ids(cases_filter(everything, CaseFilter(deadline="due_soon"), today=late.due_on)) == []
    assert ids(cases_filter(everything, CaseFilter(deadline="paused"), today=today)) == [paused.pk]


def test_closed_cases_never_count_as_overdue(cases, region):
    early, _late, _paused = cases
    services.case_reject(
        case=early, actor=region.admin_magelang, expected_version=early.version, reason="spam"
    )
    far_future = datetime.date(2030, 1, 1)
    assert early.pk not in ids(
        cases_filter(AgencyCase.objects.all(), CaseFilter(deadline="overdue"), today=far_future)
    )


def test_state_unit_category_channel_and_number_narrow_the_cases(cases, region):
    early, late, paused = cases
    everything = AgencyCase.objects.all()
    today = datetime.date(2026, 2, 2)
    assert ids(cases_filter(everything, CaseFilter(states=("info_requested",)), today=today)) == [
        paused.pk
    ]
    assert ids(
        cases_filter(everything, CaseFilter(unit_ids=(region.magelang_pupr.pk,)), today=today)
    ) == [late.pk]
    assert ids(
        cases_filter(everything, CaseFilter(category_ids=(late.report.category_id,)), today=today)
    ) == [late.pk]
    assert set(ids(cases_filter(everything, CaseFilter(channels=("web",)), today=today))) == {
        early.pk,
        late.pk,
        paused.pk,
    }
    assert ids(cases_filter(everything, CaseFilter(channels=("sms",)), today=today)) == []
    number = early.report.public_number
    typed = number.lower().replace("-", " ")[: len(number) - 2]
    assert early.pk in ids(cases_filter(everything, CaseFilter(number=typed), today=today))
    assert ids(cases_filter(everything, CaseFilter(number=number), today=today)) == [early.pk]


def test_the_received_dates_bound_the_cases(cases):
    _early, late, _paused = cases
    flt = CaseFilter(
        received_from=datetime.date(2026, 2, 3), received_until=datetime.date(2026, 2, 4)
    )
    assert ids(cases_filter(AgencyCase.objects.all(), flt, today=datetime.date(2026, 2, 9))) == [
        late.pk
    ]


def test_the_sort_orders_put_the_earliest_deadline_or_the_newest_report_first(cases):
    early, late, paused = cases
    everything = AgencyCase.objects.all()
    # Paused cases have no due date and come last.
    assert ids(cases_sorted(everything, "deadline")) == [early.pk, late.pk, paused.pk]
    assert ids(cases_sorted(everything, "-received")) == [paused.pk, late.pk, early.pk]
    assert ids(cases_sorted(everything, "received")) == [early.pk, late.pk, paused.pk]
    assert set(SORT_KEYS) == {"deadline", "-received", "received"}
    assert [value for value, _label in DEADLINE_CHOICES] == [
        "",
        "overdue",
        "due_today",
        "due_soon",
        "paused",
    ]
