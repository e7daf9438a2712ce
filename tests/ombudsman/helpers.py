"""Shared set-up for the Ombudsman track tests: a report made to Ombudsman Jawa Tengah."""

from __future__ import annotations

import datetime

import time_machine

from tests.complaints.test_report_submit import draft_for
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.services import ombudsman_report_submit

# Tuesday 10 March 2026, 09:00 WIB (Nyepi and Lebaran follow from 18 March).
TUESDAY = datetime.datetime(
    2026, 3, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
)


def at(day: datetime.date | int, month: int = 3):
    when = (
        TUESDAY.replace(month=month, day=day)
        if isinstance(day, int)
        else TUESDAY.replace(year=day.year, month=day.month, day=day.day)
    )
    return time_machine.travel(when, tick=False)


def ombudsman_case(region, *, channel: str = "web", **overrides) -> OmbudsmanCase:
    with time_machine.travel(TUESDAY, tick=False):
        submitted = ombudsman_report_submit(
            # The reporter reads English, so that tests can assert on the messages they get.
            draft=draft_for(region, **{"language": "en", **overrides.pop("draft", {})}),
            channel=channel,
            actor=None,
            **overrides,
        )
    return OmbudsmanCase.objects.get(report=submitted.report)
