"""Synthetic reports for demonstrations and benchmarks (`tuntas seed --reports N`).

Everything generated is invented: texts from templates (seeding_texts.py), reporters with
made-up names and ``@contoh.test`` addresses, no NIK, no phone numbers. It is fast because it
does not go through report_submit: reports are bulk-inserted in batches, each batch in one
transaction, and one summarising audit event (``seed.reports_generated``) records the run.
Public numbers and access codes are random (secrets), whatever ``seed`` is: the seed fixes the
texts and the spread, not the secrets; only the access codes' hashes are stored.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import os
import random
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tuntas.audit.services import audit_record
from tuntas.complaints import codes
from tuntas.complaints.identity import Identity, digests, seal
from tuntas.complaints.models import (
    Category,
    Channel,
    IdentityMode,
    Report,
    ReporterIdentity,
    ReportStatus,
    Visibility,
)
from tuntas.complaints.seeding_texts import (
    CATEGORY_TEXTS,
    FIRST_NAMES,
    KELURAHAN,
    LAST_NAMES,
    MONTHS,
    OFFICIALS,
    RESPONSES,
    STREETS,
)
from tuntas.core.bulk import PreparedInsert, postgresql_custom_plans
from tuntas.institutions.models import Institution, InstitutionKind, Unit

# RFC 4648 base32 to Crockford's alphabet (codes.ALPHABET), character for character.
_TO_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", codes.ALPHABET)
_SPAN = datetime.timedelta(days=3 * 365)
_LOOKUP_CHUNK = 900  # below SQLite's oldest bound-parameter limit

CHANNEL_WEIGHTS = {
    Channel.WEB: 45,
    Channel.WHATSAPP: 15,
    Channel.API: 12,
    Channel.SMS: 8,
    Channel.EMAIL: 8,
    Channel.WALK_IN: 7,
    Channel.PHONE: 5,
}
IDENTITY_WEIGHTS = {
    IdentityMode.OPEN: 45,
    IdentityMode.CONFIDENTIAL: 35,
    IdentityMode.ANONYMOUS: 20,
}
CATEGORY_WEIGHTS = {
    "administrasi-kependudukan": 16,
    "kesehatan": 15,
    "infrastruktur": 15,
    "pendidikan": 14,
    "sosial": 11,
    "perizinan": 7,
    "pertanahan": 7,
    "kepegawaian": 5,
    "ketenagakerjaan": 4,
    "lainnya": 6,
}
# Which units a category's reports are about: unit kinds, or words in the unit's name.
CATEGORY_UNITS = {
    "pendidikan": ("sekolah", "fakultas", "biro", "Pendidikan"),
    "kesehatan": ("puskesmas", "rsud", "Kesehatan"),
    "infrastruktur": ("Pekerjaan Umum", "kecamatan"),
    "sosial": ("Sosial", "kecamatan"),
    "administrasi-kependudukan": ("Kependudukan", "kecamatan"),
    "perizinan": ("Penanaman Modal",),
    "pertanahan": ("kecamatan", "Pekerjaan Umum"),
    "kepegawaian": ("Organisasi", "Inspektorat", "biro"),
    "ketenagakerjaan": ("Penanaman Modal", "Sosial"),
}
# Hour of submission: people write in the morning, at lunch and in the evening.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 7, 8, 7, 6, 6, 6, 6, 7, 8, 8, 6, 4, 2)


class SeedingError(RuntimeError):
    pass


@dataclass(frozen=True)
class SeedResult:
    count: int
    identities: int
    seconds: float
    pairs_written: int


@dataclass(frozen=True)
class _Target:
    institution_id: int
    name: str
    weight: float
    units: tuple[tuple[int, str, str], ...]  # (id, name, kind)


def _targets() -> list[_Target]:
    units: dict[int, list[tuple[int, str, str]]] = {}
    for unit_id, institution_id, name, kind in Unit.objects.filter(is_active=True).values_list(
        "pk", "institution_id", "name", "kind"
    ):
        units.setdefault(institution_id, []).append((unit_id, name, kind))
    targets = []
    for institution in Institution.objects.filter(is_active=True).order_by("pk"):
        weight = {
            InstitutionKind.OMBUDSMAN_CENTRAL: 0.3,
            InstitutionKind.OMBUDSMAN_REPRESENTATIVE: 0.6,
            InstitutionKind.UNIVERSITY: 0.4,
        }.get(institution.kind, 1.0)  # type: ignore[call-overload]
        targets.append(
            _Target(
                institution.pk,
                institution.short_name or institution.name,
                weight,
                tuple(units.get(institution.pk, ())),
            )
        )
    if not any(target.weight == 1.0 for target in targets):
        raise SeedingError("No partner institutions to report about: run `tuntas demo load` first.")
    return targets


def _table(weights: dict[Any, float], size: int = 1000) -> list[Any]:
    """A list in which each item appears in proportion to its weight: one random index picks."""
    total = sum(weights.values())
    table = []
    for item, weight in weights.items():
        table += [item] * max(1, round(size * weight / total))
    return table


class _Generator:
    """Draws synthetic reports; all randomness except the secrets comes from ``rng``.

    Picks index lists with ``rng.random()`` instead of ``choice``/``choices``: a million
    reports draw twenty million values, and the pure-Python helpers would be half the run.
    """

    def __init__(self, rng: random.Random, categories: list[Category], now: datetime.datetime):
        self.random = rng.random
        self.now = now
        self.timezone = timezone.get_current_timezone()
        self.targets = _table({target: target.weight for target in _targets()})
        self.categories = _table({c: CATEGORY_WEIGHTS.get(c.slug, 3) for c in categories})
        self.channels = _table(CHANNEL_WEIGHTS)  # type: ignore[arg-type]
        self.modes = _table(IDENTITY_WEIGHTS)  # type: ignore[arg-type]
        self.statuses = _table(
            {
                status: 4 if status == ReportStatus.WITHDRAWN else 96 / max(1, len(ReportStatus))
                for status in ReportStatus.values
            }
        )
        self.hours = _table(dict(enumerate(HOUR_WEIGHTS)))
        self.fees = [
            f"Rp{amount * 1000:,}".replace(",", ".") for amount in (25, 50, 75, 100, 150, 250, 500)
        ]
        self.consent_version = settings.PRIVACY_NOTICE_VERSION
        self._units: dict[tuple[int, str], Sequence[tuple[int, str, str] | None]] = {}

    def pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.random() * len(items))]

    def number(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def _unit_for(self, target: _Target, slug: str) -> tuple[int, str, str] | None:
        key = (target.institution_id, slug)
        if key not in self._units:
            hints = CATEGORY_UNITS.get(slug, ())
            matching = [
                unit
                for unit in target.units
                if unit[2] in hints or any(h in unit[1] for h in hints)
            ]
            # Some reports name no unit: the reporter did not know which one.
            self._units[key] = [*(matching or target.units), None]
        return self.pick(self._units[key])

    def _when(self) -> datetime.datetime:
        day = self.now - datetime.timedelta(days=self.random() * _SPAN.days)
        local = day.astimezone(self.timezone).replace(
            hour=self.pick(self.hours), minute=self.number(0, 59), second=self.number(0, 59)
        )
        return min(local, self.now)

    def report(self, number: str, access_code: str) -> tuple[dict[str, Any], Identity | None]:
        random, pick = self.random, self.pick
        target: _Target = pick(self.targets)
        category: Category = pick(self.categories)
        services, titles, descriptions, outcomes = CATEGORY_TEXTS.get(
            category.slug, CATEGORY_TEXTS["lainnya"]
        )
        unit = self._unit_for(target, category.slug)
        street, kelurahan, service = pick(STREETS), pick(KELURAHAN), pick(services)
        slots = {
            "layanan": unit[1] if unit else target.name,
            "instansi": target.name,
            "jalan": street,
            "kelurahan": kelurahan,
            "hari": self.number(4, 60),
            "minggu": self.number(2, 12),
            "biaya": pick(self.fees),
            "petugas": pick(OFFICIALS),
            "bulan": pick(MONTHS),
            "urusan": service,
        }
        submitted_at = self._when()
        occurred_on = (
            (submitted_at - datetime.timedelta(days=self.number(0, 120))).date()
            if random() < 0.85
            else None
        )
        complained = occurred_on is not None and random() < 0.4
        mode = pick(self.modes)
        has_pin = random() < 0.3
        report = {
            "public_number": f"LM-{submitted_at:%y}{number}",
            # The code is already normal (Crockford alphabet): hash_access_code's digest of it.
            "access_code_hash": hashlib.sha256(access_code.encode()).hexdigest(),
            "channel": pick(self.channels),
            "status": pick(self.statuses),
            "title": pick(titles).format(**slots)[:200],
            "description": pick(descriptions).format(**slots),
            "occurred_on": occurred_on,
            "desired_outcome": pick(outcomes) if random() < 0.7 else "",
            "category_id": category.pk,
            "service_name": service,
            "institution_id": target.institution_id,
            "unit_id": unit[0] if unit else None,
            "address": f"{street} No. {self.number(1, 250)}" if random() < 0.5 else "",
            "kecamatan": "",
            "kelurahan": kelurahan,
            "latitude": Decimal(f"{-7.9 + random() * 1.4:.6f}") if has_pin else None,
            "longitude": Decimal(f"{108.9 + random() * 2.7:.6f}") if has_pin else None,
            "complained_before": complained,
            "complained_on": occurred_on if complained else None,
            "complaint_response": pick(RESPONSES) if complained else "",
            "identity_mode": mode,
            "visibility": Visibility.PUBLIC if random() < 0.2 else Visibility.PRIVATE,
            "consent_version": self.consent_version if mode != IdentityMode.ANONYMOUS else "",
            "language": "en" if random() < 0.03 else "id",
            "submitted_at": submitted_at,
        }
        identity = None
        if mode != IdentityMode.ANONYMOUS:
            first, last = pick(FIRST_NAMES), pick(LAST_NAMES)
            identity = Identity(
                name=f"{first} {last}",
                email=f"{first}.{last}.{self.number(0, 999_999)}@contoh.test".lower(),
                address=f"{street}, {kelurahan}",
            )
        return report, identity


def _random_strings(count: int, characters: int) -> list[str]:
    """``count`` random Crockford strings; 5 random bytes make exactly 8 characters."""
    size = characters * 5 // 8
    encoded = base64.b32encode(secrets.token_bytes(size * count)).decode().translate(_TO_CROCKFORD)
    return [encoded[i : i + characters] for i in range(0, len(encoded), characters)]


def _ids_of(numbers: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), _LOOKUP_CHUNK):
        chunk = numbers[start : start + _LOOKUP_CHUNK]
        ids.update(
            Report.objects.filter(public_number__in=chunk).values_list("public_number", "pk")
        )
    return ids


def _taken(numbers: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(numbers), _LOOKUP_CHUNK):
        chunk = numbers[start : start + _LOOKUP_CHUNK]
        taken |= set(
            Report.objects.filter(public_number__in=chunk).values_list("public_number", flat=True)
        )
    return taken


def reports_seed(
    *,
    count: int,
    batch_size: int = 5000,
    seed: int = 42,
    identity_share: float = 0.1,
    pairs_file: Path | None = None,
    pairs: int = 0,
    progress: Callable[[int, float], None] | None = None,
    actor: Any = None,
) -> SeedResult:
    """Insert ``count`` synthetic reports; a share of the non-anonymous ones get an identity.

    With ``pairs_file``, the first ``pairs`` (number, access code) pairs are written there
    (mode 0600, one ``number<TAB>code`` per line) for benchmarks of the tracking page.
    """
    if count < 0 or batch_size < 1:
        raise SeedingError("count must be ≥ 0 and batch size ≥ 1")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - synthetic texts, not secrets
    categories = list(Category.objects.filter(is_active=True).order_by("position", "pk"))
    if not categories:
        raise SeedingError("No active categories: run `tuntas migrate` first.")
    now = timezone.now()
    generator = _Generator(rng, categories, now)
    rows = PreparedInsert(Report, now=now)
    pair_handle = None
    if pairs_file is not None and pairs > 0:
        descriptor = os.open(pairs_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        pair_handle = os.fdopen(descriptor, "w", encoding="ascii")
    made = identities_made = pairs_written = 0
    # complaints_report grows from nothing while the look-ups below run: plan them for their values.
    with pair_handle or contextlib.nullcontext(), postgresql_custom_plans():
        while made < count:
            size = min(batch_size, count - made)
            drawn = [
                (*generator.report(number, code), code)
                for number, code in zip(
                    _random_strings(size, 8),
                    _random_strings(size, codes.ACCESS_CODE_CHARS),
                    strict=True,
                )
            ]
            taken = _taken([report["public_number"] for report, _, _ in drawn])
            seen: set[str] = set()
            batch = []
            for report, identity, code in drawn:
                if report["public_number"] in taken or report["public_number"] in seen:
                    continue  # a 1-in-2^40 clash: drop it, the next batch makes up for it
                seen.add(report["public_number"])
                batch.append((report, code, identity))
            with transaction.atomic():
                rows.insert([report for report, _, _ in batch])
                chosen = [
                    (report["public_number"], identity)
                    for report, _, identity in batch
                    if identity is not None and rng.random() < identity_share
                ]
                ids = _ids_of([number for number, _ in chosen])
                sealed = [
                    ReporterIdentity(
                        report_id=ids[number], sealed=seal(identity), **digests(identity)
                    )
                    for number, identity in chosen
                ]
                ReporterIdentity.objects.bulk_create(sealed)
                made += len(batch)
                identities_made += len(sealed)
                if made >= count:
                    audit_record(
                        actor=actor,
                        action="seed.reports_generated",
                        data={"count": made, "seed": seed, "identities": identities_made},
                    )
            if pair_handle is not None and pairs_written < pairs:
                for report, code, _ in batch[: pairs - pairs_written]:
                    pair_handle.write(f"{report['public_number']}\t{code}\n")
                    pairs_written += 1
            if progress is not None:
                progress(made, time.perf_counter() - started)
    return SeedResult(made, identities_made, time.perf_counter() - started, pairs_written)
