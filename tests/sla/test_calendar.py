"""The working-day engine, property-tested against a day-by-day reference."""

from __future__ import annotations

import datetime

import holidays as holidays_library
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuntas.sla.calendar import Paused, WorkingCalendar


def indonesian_calendar(*years: int) -> WorkingCalendar:
    days = holidays_library.country_holidays("ID", years=years, categories=("public", "government"))
    return WorkingCalendar(holidays=frozenset(days))


CALENDAR = indonesian_calendar(2024, 2025, 2026, 2027)
DAYS = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2027, 6, 30))
COUNTS = st.integers(min_value=1, max_value=60)


def reference_add(calendar: WorkingCalendar, start: datetime.date, days: int) -> datetime.date:
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in calendar.holidays:
            counted += 1
    return day


def reference_with_pauses(calendar, start, days, pauses):
    paused_days = set()
    for paused_on, resumed_on in pauses:
        day = paused_on
        while day < resumed_on:
            paused_days.add(day)
            day += datetime.timedelta(days=1)
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in calendar.holidays and day not in paused_days:
            counted += 1
    return day


@given(DAYS, COUNTS)
@settings(max_examples=3000)
def test_adding_working_days_agrees_with_a_day_by_day_count(start, days):
    assert CALENDAR.add_working_days(start, days) == reference_add(CALENDAR, start, days)


@given(DAYS, COUNTS)
@settings(max_examples=2000)
def test_a_deadline_never_lands_on_a_weekend_or_holiday(start, days):
    due = CALENDAR.add_working_days(start, days)
    assert CALENDAR.is_working_day(due)
    assert CALENDAR.working_days_between(start, due) == days


@given(DAYS, DAYS, COUNTS, COUNTS)
@settings(max_examples=2000)
def test_deadlines_are_monotonic_in_start_and_length(first, second, fewer, more):
    early, late = sorted((first, second))
    fewer, more = sorted((fewer, more))
    assert CALENDAR.add_working_days(early, fewer) <= CALENDAR.add_working_days(late, fewer)
    assert CALENDAR.add_working_days(early, fewer) <= CALENDAR.add_working_days(early, more)


@given(DAYS, COUNTS, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=30))
@settings(max_examples=2000)
def test_a_pause_removes_exactly_the_paused_working_days(start, days, offset, length):
    paused_on = start + datetime.timedelta(days=offset)
    resumed_on = paused_on + datetime.timedelta(days=length)
    expected = reference_with_pauses(CALENDAR, start, days, [(paused_on, resumed_on)])
    assert CALENDAR.deadline(start, days, [(paused_on, resumed_on)]) == expected


@given(DAYS, COUNTS, st.integers(min_value=0, max_value=30))
@settings(max_examples=1000)
def test_a_pause_over_no_working_day_changes_nothing(start, days, offset):
    saturday = start + datetime.timedelta(days=offset)
    while saturday.weekday() != 5:
        saturday += datetime.timedelta(days=1)
    monday = saturday + datetime.timedelta(days=2)
    assert CALENDAR.deadline(start, days, [(saturday, monday)]) == CALENDAR.add_working_days(
        start, days
    )


@given(DAYS, COUNTS, st.integers(min_value=1, max_value=40))
@settings(max_examples=1000)
def test_an_open_pause_keeps_the_remaining_time(start, days, offset):
    paused_on = start + datetime.timedelta(days=offset)
    result = CALENDAR.deadline(start, days, [(paused_on, None)])
    used = CALENDAR.working_days_between(start, paused_on - datetime.timedelta(days=1))
    if used >= days:
        assert result == CALENDAR.add_working_days(start, days)
    else:
        assert result == Paused(days - used)


@given(st.lists(DAYS, min_size=1, max_size=50), st.lists(COUNTS, min_size=1, max_size=50))
@settings(max_examples=300)
def test_the_bulk_path_agrees_with_the_single_path(starts, counts):
    pairs = list(zip(starts, counts, strict=False))
    bulk = CALENDAR.add_working_days_bulk(
        [start for start, _ in pairs], [count for _, count in pairs]
    )
    assert bulk == [CALENDAR.add_working_days(start, count) for start, count in pairs]


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Lebaran 2025: Idulfitri 31 Mar–1 Apr, cuti bersama 28 Mar, 2–4 and 7 Apr (SKB 2025).
        (datetime.date(2025, 3, 27), 1, datetime.date(2025, 4, 8)),
        (datetime.date(2025, 3, 26), 3, datetime.date(2025, 4, 9)),
        # Lebaran 2026: Nyepi 19 Mar, Idulfitri 21–22 Mar, cuti bersama 18, 20, 23, 24 Mar.
        (datetime.date(2026, 3, 17), 3, datetime.date(2026, 3, 27)),
        (datetime.date(2026, 3, 21), 1, datetime.date(2026, 3, 25)),
        (datetime.date(2026, 3, 13), 5, datetime.date(2026, 3, 27)),
        # A Friday report with 5 working days, no holidays in between.
        (datetime.date(2026, 10, 2), 5, datetime.date(2026, 10, 9)),
    ],
)
def test_known_deadlines_across_lebaran(start, days, due):
    assert CALENDAR.add_working_days(start, days) == due


def test_the_calendar_version_changes_when_a_holiday_is_added():
    extra = WorkingCalendar(holidays=CALENDAR.holidays | {datetime.date(2026, 11, 27)})
    assert extra.version != CALENDAR.version


def test_zero_days_and_backward_pauses_are_refused():
    with pytest.raises(ValueError):
        CALENDAR.add_working_days(datetime.date(2026, 1, 5), 0)
    with pytest.raises(ValueError):
        CALENDAR.deadline(
            datetime.date(2026, 1, 5), 3, [(datetime.date(2026, 1, 9), datetime.date(2026, 1, 7))]
        )
