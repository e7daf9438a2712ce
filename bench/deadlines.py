"""Deadline computation throughput: the engine's bulk path against bare numpy, same run.

    python bench/deadlines.py [--cases 1000000]

Prints cases/s for both and their ratio; the issue asks ≥ 100k cases/s and ≥ 0.5 of numpy.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time

import holidays as holidays_library
import numpy as np

from tuntas.sla.calendar import WorkingCalendar


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    years = range(2024, 2029)
    days = holidays_library.country_holidays("ID", years=years, categories=("public", "government"))
    calendar = WorkingCalendar(holidays=frozenset(days))
    rng = random.Random(42)
    first = datetime.date(2024, 1, 1).toordinal()
    starts = [
        datetime.date.fromordinal(first + rng.randrange(0, 3 * 365)) for _ in range(args.cases)
    ]
    counts = [rng.choice((3, 5, 14, 60)) for _ in range(args.cases)]
    start_array = np.array(starts, dtype="datetime64[D]")
    count_array = np.array(counts, dtype=np.int64)
    holiday_array = np.array(sorted(calendar.holidays), dtype="datetime64[D]")
    # The baseline gets the same advantage as the engine: a calendar built once.
    bare_calendar = np.busdaycalendar(weekmask="1111100", holidays=holiday_array)

    engine, bare = [], []
    for _round in range(args.rounds):
        began = time.perf_counter()
        np.busday_offset(start_array, count_array, roll="backward", busdaycal=bare_calendar)
        bare.append(args.cases / (time.perf_counter() - began))
        began = time.perf_counter()
        calendar.add_working_days_array(start_array, count_array)
        engine.append(args.cases / (time.perf_counter() - began))

    engine_rate, bare_rate = statistics.median(engine), statistics.median(bare)
    print(f"cases={args.cases} rounds={args.rounds}")
    print(f"numpy busday_offset (bare): {bare_rate:,.0f} cases/s")
    print(f"tuntas engine (bulk path):  {engine_rate:,.0f} cases/s")
    print(f"ratio engine/bare: {engine_rate / bare_rate:.2f}")


if __name__ == "__main__":
    main()
