"""A small closed-loop load generator: N threads, each doing one unit of work after another.

Loopback only (it refuses any host but 127.0.0.1), bounded in time and in count. Each unit
(a request, or a short sequence such as the web form's four steps) is timed as a whole; a unit
that gets an unexpected status or a socket error counts as an error. Each request may come
from its own loopback address (127.x.y.z), so that per-address abuse limits see a crowd of
citizens, as they would in a real surge, instead of one address hammering.
"""

from __future__ import annotations

import http.client
import itertools
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1"
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class UnitFailed(Exception):
    pass


def _addresses() -> Iterator[str]:
    """127.1.0.1, 127.1.0.2, ...: 16 million loopback addresses, all routed to lo on Linux."""
    for number in itertools.count(1):
        number %= 2**24 - 2
        yield f"127.{1 + number // 65536 % 254}.{number // 256 % 256}.{number % 256 or 1}"


_address_lock = threading.Lock()
_address_source = _addresses()


def machine_ticks() -> tuple[int, int]:
    """(idle, total) clock ticks of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields[:8])  # idle + iowait; user … softirq, steal


def idle_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of the machine left idle between two machine_ticks() readings."""
    return round((after[0] - before[0]) / max(1, after[1] - before[1]), 2)


def next_address() -> str:
    with _address_lock:
        return next(_address_source)


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


@dataclass
class Browser:
    """Cookies and a source address: one visitor."""

    port: int
    source: str = HOST
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> Response:
        all_headers = dict(headers or {})
        if form is not None:
            body = urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.setdefault("Host", f"{HOST}:{self.port}")
        connection = http.client.HTTPConnection(
            HOST, self.port, timeout=60, source_address=(self.source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.getheaders(), raw.read())
        finally:
            connection.close()
        for name, value in response.headers:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return response

    def csrf_from(self, response: Response) -> str:
        found = _CSRF.search(response.body)
        if not found:
            raise UnitFailed("no CSRF token in the page")
        return found.group(1).decode()


def expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise UnitFailed(f"{what}: HTTP {response.status} (expected {status})")
    return response


@dataclass
class LoadResult:
    name: str
    clients: int
    seconds: float
    units: int
    errors: int
    requests: int
    latencies_ms: list[float]
    error_samples: list[str]
    client_cpu_seconds: float

    @property
    def throughput(self) -> float:
        return self.units / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> dict[str, Any]:
        return {
            "scenario": self.name,
            "clients": self.clients,
            "seconds": round(self.seconds, 1),
            "units": self.units,
            "requests": self.requests,
            "errors": self.errors,
            "units_per_second": round(self.throughput, 1),
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(self.percentile(0.50), 1),
            "p95_ms": round(self.percentile(0.95), 1),
            "p99_ms": round(self.percentile(0.99), 1),
            "max_ms": round(max(self.latencies_ms, default=float("nan")), 1),
            "client_cpu_seconds": round(self.client_cpu_seconds, 1),
            "error_samples": self.error_samples[:5],
        }


# A unit of work: gets the thread's state, returns how many HTTP requests it made.
Unit = Callable[[dict[str, Any]], int]


def run(
    name: str, unit: Unit, *, clients: int, seconds: float, max_units: int = 1_000_000
) -> LoadResult:
    """Run ``unit`` in ``clients`` threads for ``seconds`` (or until ``max_units`` are done)."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    counts = {"units": 0, "requests": 0, "errors": 0}

    def worker() -> None:
        state: dict[str, Any] = {}
        while time.perf_counter() < deadline:
            with lock:
                if counts["units"] + counts["errors"] >= max_units:
                    return
            started = time.perf_counter()
            try:
                requests = unit(state)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    counts["units"] += 1
                    counts["requests"] += requests
            except (UnitFailed, OSError, http.client.HTTPException) as error:
                with lock:
                    counts["errors"] += 1
                    if len(errors) < 20:
                        errors.append(f"{error.__class__.__name__}: {error}")
                state.clear()  # start again as a new visitor

    cpu_before = os.times()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    cpu_after = os.times()
    return LoadResult(
        name=name,
        clients=clients,
        seconds=elapsed,
        units=counts["units"],
        errors=counts["errors"],
        requests=counts["requests"],
        latencies_ms=latencies,
        error_samples=errors,
        client_cpu_seconds=(cpu_after.user - cpu_before.user)
        + (cpu_after.system - cpu_before.system),
    )
