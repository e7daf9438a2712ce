"""Fault injection for the crash tests: die on the spot at a named point of a write.

``TUNTAS_FAULT_POINT=report.before_commit`` makes the process SIGKILL itself when it reaches
``fault_point("report.before_commit")`` — no cleanup, no atexit, no flushing, exactly like a
power cut of the process. Several points may be named, separated by commas. Unset (always, in
production), a fault point costs one environment look-up.
"""

from __future__ import annotations

import os
import signal

ENVIRONMENT_VARIABLE = "TUNTAS_FAULT_POINT"


def fault_point(name: str) -> None:
    named = os.environ.get(ENVIRONMENT_VARIABLE)
    if named and name in named.split(","):
        os.kill(os.getpid(), signal.SIGKILL)
