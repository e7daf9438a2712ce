"""Working-day arithmetic: pure functions over a set of non-working days.

A deadline of *n* working days from day D falls on the n-th working day strictly after D
(a report filed on a Saturday is due on the same day as one filed on the Friday before).
Pauses stop the clock: a working day counts only if the clock is running at its end, so a
pause from day P to day R removes the working days P … R-1 and counting resumes on R.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

WEEKEND = frozenset({5, 6})  # Saturday, Sunday (ASN five-day week, Perpres 21/2023)
_RANGE_START = datetime.date(1990, 1, 1)
_RANGE_END = datetime.date(2100, 12, 31)


@dataclass(frozen=True)
class Paused:
    """The clock is stopped; ``remaining`` working days are left when it resumes."""

    remaining: int


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[datetime.date]
    weekend: frozenset[int] = field(default=WEEKEND)

    @cached_property
    def _working_ordinals(self) -> list[int]:
        ordinals = []
        holiday_ordinals = {day.toordinal() for day in self.holidays}
        for ordinal in range(_RANGE_START.toordinal(), _RANGE_END.toordinal() + 1):
            if ordinal not in holiday_ordinals and (ordinal - 1) % 7 not in self.weekend:
                ordinals.append(ordinal)
        return ordinals

    @cached_property
    def version(self) -> str:
        """Identifies the holiday set, stored with every computed deadline."""
        text = (
            ",".join(day.isoformat() for day in sorted(self.holidays))
            + "|"
            + ",".join(map(str, sorted(self.weekend)))
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def _check(self, day: datetime.date) -> None:
        if not (_RANGE_START <= day <= _RANGE_END):
            raise ValueError(f"{day} is outside the supported range {_RANGE_START}–{_RANGE_END}")

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day strictly after ``start`` (``days`` ≥ 1)."""
        if days < 1:
            raise ValueError("a deadline needs at least one working day")
        self._check(start)
        ordinals = self._working_ordinals
        position = bisect.bisect_right(ordinals, start.toordinal()) + days - 1
        if position >= len(ordinals):
            raise ValueError("the deadline falls outside the supported range")
        return datetime.date.fromordinal(ordinals[position])

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        ordinals = self._working_ordinals
        return bisect.bisect_right(ordinals, end.toordinal()) - bisect.bisect_right(
            ordinals, start.toordinal()
        )

    def deadline(
        self,
        start: datetime.date,
        days: int,
        pauses: Sequence[tuple[datetime.date, datetime.date | None]] = (),
    ) -> datetime.date | Paused:
        """The due date of ``days`` working days from ``start``, skipping paused days.

        ``pauses`` are (paused on, resumed on or None while still paused), in any order.
        """
        remaining = days
        cursor = start
        for paused_on, resumed_on in sorted(pauses, key=lambda pause: pause[0]):
            if resumed_on is not None and resumed_on < paused_on:
                raise ValueError("a pause cannot end before it starts")
            last_running_day = paused_on - datetime.timedelta(days=1)
            if last_running_day > cursor:
                available = self.working_days_between(cursor, last_running_day)
                if available >= remaining:
                    return self.add_working_days(cursor, remaining)
                remaining -= available
            if resumed_on is None:
                return Paused(remaining)
            cursor = max(cursor, resumed_on - datetime.timedelta(days=1))
        return self.add_working_days(cursor, remaining)

    @cached_property
    def _numpy_calendar(self) -> Any:
        import numpy as np

        weekmask = [0 if weekday in self.weekend else 1 for weekday in range(7)]
        holidays = np.array(sorted(self.holidays), dtype="datetime64[D]")
        return np.busdaycalendar(weekmask=weekmask, holidays=holidays)

    def add_working_days_array(self, starts: Any, days: Any) -> Any:
        """Vectorised ``add_working_days`` over numpy arrays (datetime64[D], int64)."""
        import numpy as np

        if np.any(days < 1):
            raise ValueError("a deadline needs at least one working day")
        # roll="backward" + offset n is exactly "the n-th working day strictly after start".
        return np.busday_offset(starts, days, roll="backward", busdaycal=self._numpy_calendar)

    def add_working_days_bulk(
        self, starts: Iterable[datetime.date], days: Iterable[int]
    ) -> list[datetime.date]:
        """Many deadlines at once through numpy's business-day kernel (the sweep's path)."""
        import numpy as np

        result = self.add_working_days_array(
            np.array(list(starts), dtype="datetime64[D]"), np.array(list(days), dtype=np.int64)
        )
        return [value.astype(datetime.date) for value in result]
