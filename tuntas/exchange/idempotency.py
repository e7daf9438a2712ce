"""``Idempotency-Key``: a retried request gets the first answer instead of a second report.

Stripe's semantics (targets.md §3.4) and the IETF draft's status codes:

1. A new key is taken, the work done and its answer stored in ONE transaction: either the
   report exists and its answer is stored, or neither. (SQLite has one writer at a time and
   fsyncs every commit, so a second write transaction per request would halve throughput.)
2. A concurrent duplicate while the first is in flight is told 409: on PostgreSQL through a
   transaction-scoped advisory lock on the key, taken without waiting; on SQLite the duplicate
   waits for the single write lock, finds the first answer committed and replays it.
3. A retry with the same fingerprint gets the stored status and bytes; with a different one, 422.
4. A client error (4xx) is stored and replayed like a success; after a server error nothing is
   stored, so that the client may try again. Records committed in flight (written by an
   earlier version, which took the key in a transaction of its own) are still honoured: 409
   while fresh, taken over by a retry after ``IDEMPOTENCY_IN_FLIGHT_SECONDS``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tuntas.core.rows import fetch_one, quoted_columns, quoted_table
from tuntas.core.sealing import seal_text, unseal_text
from tuntas.exchange.models import ApiClient, IdempotencyRecord, IdempotencyState

MAX_KEY_LENGTH = 255


def canonical_json(value: Any) -> bytes:
    """One byte sequence per value: sorted keys, no spaces, ASCII (non-ASCII as \\u escapes,
    so that even a lone surrogate sent by a client can be hashed and echoed)."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")).encode()


def request_fingerprint(*, method: str, path: str, body: Any) -> str:
    digest = hashlib.sha256()
    digest.update(f"{method.upper()}\n{path}\n".encode())
    digest.update(canonical_json(body))
    return digest.hexdigest()


def key_is_valid(key: str) -> bool:
    # Visible ASCII only: the key is echoed in logs and compared byte for byte.
    return 0 < len(key) <= MAX_KEY_LENGTH and all(0x21 <= ord(char) <= 0x7E for char in key)


def _retention() -> datetime.timedelta:
    return datetime.timedelta(hours=int(getattr(settings, "IDEMPOTENCY_KEY_HOURS", 72)))


@functools.cache
def _record_exists_sql(vendor: str) -> str:
    column = quoted_columns(IdempotencyRecord)
    # Identifiers from the model's own metadata, quoted; the values travel as parameters.
    return (
        f"SELECT 1 FROM {quoted_table(IdempotencyRecord)} "  # noqa: S608
        f"WHERE {column['client_id']} = %s AND {column['key']} = %s LIMIT 1"
    )


def _record_exists(*, client: ApiClient, key: str) -> bool:
    """Whether the key was seen: asked before every keyed request, so written as SQL (the
    queryset's ``exists()`` cost eight times the index look-up)."""
    return fetch_one(_record_exists_sql(connection.vendor), [client.pk, key]) is not None


def _takeover_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "IDEMPOTENCY_IN_FLIGHT_SECONDS", 120)))


@dataclass(frozen=True)
class StoredResponse:
    status: int
    content: bytes  # the exact body bytes, so that a replay is byte-identical


class IdempotencyConflict(Exception):
    """The key cannot be used for this request now."""


class IdempotencyKeyInFlight(IdempotencyConflict):
    """A request with this key is still being processed (409)."""


class IdempotencyKeyReused(IdempotencyConflict):
    """The key was used for a different request (422)."""


class _RecordLost(Exception):
    """Another attempt took the key over while this one worked; this one must roll back."""


def idempotency_record_begin(
    *, client: ApiClient, key: str, fingerprint: str
) -> IdempotencyRecord | StoredResponse:
    """Take the key (a committed in-flight record), or return the stored answer to replay."""
    for _attempt in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    client=client,
                    key=key,
                    request_fingerprint=fingerprint,
                    created_at=now,
                    locked_at=now,
                    expires_at=now + _retention(),
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(client=client, key=key).first()
        if existing is None:
            continue  # abandoned or purged meanwhile: take it again
        if existing.expires_at <= now:
            IdempotencyRecord.objects.filter(pk=existing.pk, expires_at__lte=now).delete()
            continue
        if existing.request_fingerprint != fingerprint:
            raise IdempotencyKeyReused(key)
        if existing.state == IdempotencyState.COMPLETED:
            return StoredResponse(
                status=int(existing.response_status or 0),
                content=unseal_text(existing.response_body).encode(),
            )
        if existing.locked_at > now - _takeover_after():
            raise IdempotencyKeyInFlight(key)
        taken = IdempotencyRecord.objects.filter(
            pk=existing.pk, state=IdempotencyState.IN_FLIGHT, locked_at=existing.locked_at
        ).update(locked_at=now)
        if taken:
            existing.locked_at = now
            return existing
    raise IdempotencyKeyInFlight(key)


def idempotency_record_complete(*, record: IdempotencyRecord, response: StoredResponse) -> None:
    """Store the answer, in the caller's transaction when the answer is the work's outcome."""
    stored = IdempotencyRecord.objects.filter(
        pk=record.pk, state=IdempotencyState.IN_FLIGHT, locked_at=record.locked_at
    ).update(
        state=IdempotencyState.COMPLETED,
        response_status=response.status,
        response_body=seal_text(response.content.decode()),
    )
    if not stored:
        raise _RecordLost(record.key)


def idempotency_record_store(
    *, client: ApiClient, key: str, fingerprint: str, response: StoredResponse
) -> IdempotencyRecord:
    """A completed record with its answer, in the caller's transaction (IntegrityError when the
    key is taken)."""
    now = timezone.now()
    return IdempotencyRecord.objects.create(
        client=client,
        key=key,
        request_fingerprint=fingerprint,
        state=IdempotencyState.COMPLETED,
        response_status=response.status,
        response_body=seal_text(response.content.decode()),
        created_at=now,
        locked_at=now,
        expires_at=now + _retention(),
    )


def idempotency_record_abandon(*, record: IdempotencyRecord) -> None:
    """Free the key after a server error, unless another attempt has taken it since."""
    IdempotencyRecord.objects.filter(
        pk=record.pk, state=IdempotencyState.IN_FLIGHT, locked_at=record.locked_at
    ).delete()


def idempotency_records_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete expired records (run hourly by tuntas.exchange.tasks); returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


@dataclass(frozen=True)
class IdempotentOutcome:
    response: StoredResponse
    replayed: bool


class _KeyTaken(Exception):
    """Another request committed a record for this key first."""


# The first half of PostgreSQL's two-int advisory lock key: "idem" in ASCII.
_ADVISORY_NAMESPACE = 0x6964656D


def _advisory_key(client: ApiClient, key: str) -> int:
    digest = hashlib.sha256(f"{client.pk}\n{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _claim_without_waiting(*, client: ApiClient, key: str) -> None:
    """PostgreSQL: 409 at once when another transaction works under this key (else the INSERT
    would wait for it). SQLite needs nothing: its writers take turns."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)",
            [_ADVISORY_NAMESPACE, _advisory_key(client, key)],
        )
        row = cursor.fetchone()
    if not row or not row[0]:
        raise IdempotencyKeyInFlight(key)


def _store_refusal(
    *, client: ApiClient, key: str, fingerprint: str, refusal: StoredResponse
) -> IdempotentOutcome | None:
    """Keep a refusal under a key nobody holds yet; None when another request got there first."""
    try:
        with transaction.atomic():
            _claim_without_waiting(client=client, key=key)
            idempotency_record_store(
                client=client, key=key, fingerprint=fingerprint, response=refusal
            )
    except IntegrityError:
        return None
    return IdempotentOutcome(response=refusal, replayed=False)


def _first_attempt(
    *,
    client: ApiClient,
    key: str,
    fingerprint: str,
    work: Callable[[], StoredResponse],
    client_error: Callable[[Exception], StoredResponse | None],
) -> IdempotentOutcome | None:
    """A key seen for the first time: one transaction. None when another request took it.

    The record is written completed, after the work, in the work's transaction: it is never
    committed in flight, so one INSERT does (no UPDATE). A concurrent request with the key
    meets the advisory lock on PostgreSQL (409) and waits for the write lock on SQLite; one
    that slips in after a commit fails on the unique key and replays the stored answer.
    """
    try:
        with transaction.atomic():
            _claim_without_waiting(client=client, key=key)
            response = work()
            try:
                idempotency_record_store(
                    client=client, key=key, fingerprint=fingerprint, response=response
                )
            except IntegrityError:
                raise _KeyTaken(key) from None  # leaves the transaction, which rolls back
        return IdempotentOutcome(response=response, replayed=False)
    except _KeyTaken:
        return None
    except IdempotencyConflict:
        raise
    except Exception as error:
        refusal = client_error(error)
        if refusal is None or refusal.status >= 500:
            raise
        return _store_refusal(client=client, key=key, fingerprint=fingerprint, refusal=refusal)


def _after_existing_record(
    *,
    client: ApiClient,
    key: str,
    fingerprint: str,
    work: Callable[[], StoredResponse],
    client_error: Callable[[Exception], StoredResponse | None],
) -> IdempotentOutcome:
    """A record exists (or just appeared): replay it, refuse, or take over a stale one."""
    begun = idempotency_record_begin(client=client, key=key, fingerprint=fingerprint)
    if isinstance(begun, StoredResponse):
        return IdempotentOutcome(response=begun, replayed=True)
    record = begun
    try:
        with transaction.atomic():
            response = work()
            idempotency_record_complete(record=record, response=response)
        return IdempotentOutcome(response=response, replayed=False)
    except _RecordLost:
        raise IdempotencyKeyInFlight(key) from None
    except Exception as error:
        refusal = client_error(error)
        if refusal is None or refusal.status >= 500:
            idempotency_record_abandon(record=record)
            raise
        try:
            with transaction.atomic():
                idempotency_record_complete(record=record, response=refusal)
        except _RecordLost:
            raise IdempotencyKeyInFlight(key) from None
        return IdempotentOutcome(response=refusal, replayed=False)


def idempotent_call(
    *,
    client: ApiClient,
    key: str,
    fingerprint: str,
    work: Callable[[], StoredResponse],
    client_error: Callable[[Exception], StoredResponse | None],
    prepare: Callable[[], None] | None = None,
) -> IdempotentOutcome:
    """Run ``work`` at most once per (client, key); ``client_error`` turns a refusal into an
    answer worth storing (4xx) or returns None for a server error, which is re-raised.

    ``prepare`` runs first, outside the write transaction (parsing, validation, reads): what
    it refuses is answered and stored like a refusal of ``work``, and a retry is answered
    from the stored record without running it again.
    """
    prepared = prepare is None
    if not _record_exists(client=client, key=key):
        try:
            if prepare is not None:
                prepare()
                prepared = True
        except Exception as error:
            refusal = client_error(error)
            if refusal is None or refusal.status >= 500:
                raise
            stored = _store_refusal(
                client=client, key=key, fingerprint=fingerprint, refusal=refusal
            )
            if stored is not None:
                return stored
        else:
            outcome = _first_attempt(
                client=client,
                key=key,
                fingerprint=fingerprint,
                work=work,
                client_error=client_error,
            )
            if outcome is not None:
                return outcome

    def prepared_work() -> StoredResponse:
        if prepare is not None:
            prepare()
        return work()

    # A record exists, or another request took the key meanwhile.

    return _after_existing_record(
        client=client,
        key=key,
        fingerprint=fingerprint,
        work=work if prepared else prepared_work,
        client_error=client_error,
    )
