"""Idempotency-Key: a retry gets the first answer and never makes a second report."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tuntas.audit.models import AuditEvent
from tuntas.complaints.models import Report
from tuntas.exchange import idempotency
from tuntas.exchange.idempotency import (
    IdempotencyKeyInFlight,
    StoredResponse,
    idempotency_records_purge,
    idempotent_call,
    request_fingerprint,
)
from tuntas.exchange.models import ApiClient, IdempotencyRecord, IdempotencyState
from tuntas.exchange.services import api_client_create

from .conftest import REPORTS_URL, report_body

NOW = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)
KEY = "5f0c6f5e-3b7a-4f5e-9a43-2f1d7c1b9e10"
EN = {"Accept-Language": "en"}


def with_key(key: str = KEY, **headers: str) -> dict[str, str]:
    return {"Idempotency-Key": key, **headers}


def test_a_retry_with_the_same_key_returns_the_original_response_and_creates_nothing(
    region, channel, post
):
    first = post(report_body(region), **with_key())
    events = AuditEvent.objects.count()
    retry = post(report_body(region), **with_key())
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content  # byte for byte, access code included
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Report.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_the_stored_answer_does_not_keep_the_access_code_in_the_clear(region, channel, post):
    access_code = post(report_body(region), **with_key()).json()["access_code"]
    record = IdempotencyRecord.objects.get()
    assert record.state == IdempotencyState.COMPLETED and record.response_status == 201
    assert access_code not in record.response_body
    assert access_code.replace("-", "") not in record.response_body


def test_key_order_and_spacing_of_the_body_do_not_matter(region, channel, post, client):
    body = report_body(region)
    first = post(body, **with_key())
    reordered = dict(reversed(list(body.items())))
    retry = client.post(
        REPORTS_URL,
        data=json.dumps(reordered, indent=2),
        content_type="application/json",
        headers={"Authorization": f"Bearer {channel.key}", "Idempotency-Key": KEY},
    )
    assert retry.content == first.content and retry["Idempotent-Replayed"] == "true"


def test_the_same_key_with_a_different_payload_is_422(region, channel, post):
    post(report_body(region), **with_key())
    response = post(report_body(region, title="Judul lain"), **with_key(**EN))
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "idempotency_key_reused",
        "message": "This Idempotency-Key was already used for a different request.",
        "field": None,
        "fields": {},
    }
    assert Report.objects.count() == 1


def test_a_duplicate_while_the_first_is_in_flight_is_409(region, channel, post):
    body = report_body(region)
    with time_machine.travel(NOW, tick=False):
        IdempotencyRecord.objects.create(
            client=channel.client,
            key=KEY,
            request_fingerprint=request_fingerprint(method="POST", path=REPORTS_URL, body=body),
            expires_at=NOW + datetime.timedelta(hours=72),
        )
    with time_machine.travel(NOW + datetime.timedelta(seconds=5), tick=False):
        response = post(body, **with_key(**EN))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_flight"
    assert not Report.objects.exists()
    assert IdempotencyRecord.objects.get().state == IdempotencyState.IN_FLIGHT


def test_a_request_left_in_flight_by_a_crashed_worker_is_taken_over_later(region, channel, post):
    body = report_body(region)
    with time_machine.travel(NOW, tick=False):
        IdempotencyRecord.objects.create(
            client=channel.client,
            key=KEY,
            request_fingerprint=request_fingerprint(method="POST", path=REPORTS_URL, body=body),
            expires_at=NOW + datetime.timedelta(hours=72),
        )
    with time_machine.travel(NOW + datetime.timedelta(minutes=3), tick=False):
        response = post(body, **with_key())
    assert response.status_code == 201
    assert Report.objects.count() == 1
    assert IdempotencyRecord.objects.get().state == IdempotencyState.COMPLETED


def test_a_refusal_is_stored_and_replayed_too(region, channel, post):
    first = post(report_body(region, title=""), **with_key(**EN))
    retry = post(report_body(region, title=""), **with_key(**EN))
    assert first.status_code == retry.status_code == 422
    assert retry.content == first.content and retry["Idempotent-Replayed"] == "true"


def test_a_body_with_a_lone_surrogate_is_refused_and_replayed_not_crashed(region, channel, post):
    raw = json.dumps(report_body(region, title="\ud800")).encode()
    first = post(None, raw=raw, **with_key(**EN))
    retry = post(None, raw=raw, **with_key(**EN))
    assert first.status_code == 422 and first.json()["error"]["field"] == "title"
    assert retry.content == first.content and retry["Idempotent-Replayed"] == "true"


def test_after_a_server_error_the_key_is_free_for_a_retry(region, channel, post, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tuntas.exchange.api.api_report_submit_prepared", broken)
    failed = post(report_body(region), **with_key(**EN))
    assert failed.status_code == 500
    assert failed.json()["error"]["code"] == "server_error"
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.undo()
    retry = post(report_body(region), **with_key())
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Report.objects.count() == 1


def test_the_report_and_its_stored_answer_commit_together(region, channel, post, monkeypatch):
    def lost(**kwargs):
        raise RuntimeError("connection dropped while storing the answer")

    monkeypatch.setattr(idempotency, "idempotency_record_store", lost)
    assert post(report_body(region), **with_key()).status_code == 500
    assert not Report.objects.exists()
    assert not AuditEvent.objects.filter(action="report.submitted").exists()
    assert not IdempotencyRecord.objects.exists()


def test_without_the_header_the_request_simply_runs(region, channel, post):
    assert post(report_body(region, external_id=...)).status_code == 201
    assert post(report_body(region, external_id=...)).status_code == 201
    assert Report.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "kunci dengan spasi", "kunci\u00e9"])
def test_a_malformed_key_is_400(region, channel, post, key):
    response = post(report_body(region), **with_key(key, **EN))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert not Report.objects.exists()


def test_a_key_of_255_characters_is_accepted(region, channel, post):
    assert post(report_body(region), **with_key("k" * 255)).status_code == 201


def test_keys_belong_to_one_client_and_never_reveal_another_clients_answer(region, channel, post):
    first = post(report_body(region), **with_key())
    _other, other_key = api_client_create(
        actor=None, institution=region.magelang, name="Other", scopes=["submit"]
    )
    theirs = post(report_body(region), key=other_key, **with_key())
    assert theirs.status_code == 201 and theirs.content != first.content
    assert "Idempotent-Replayed" not in theirs
    assert Report.objects.count() == 2


def test_keys_are_kept_72_hours_then_purged(region, channel, post):
    body = report_body(region, external_id=...)
    with time_machine.travel(NOW, tick=False):
        first = post(body, **with_key())
    with time_machine.travel(NOW + datetime.timedelta(hours=71, minutes=59), tick=False):
        assert idempotency_records_purge() == 0
        assert post(body, **with_key()).content == first.content
    with time_machine.travel(NOW + datetime.timedelta(hours=72), tick=False):
        assert idempotency_records_purge() == 1
        assert not IdempotencyRecord.objects.exists()
        again = post(report_body(region, external_id=..., title="Laporan baru"), **with_key())
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Report.objects.count() == 2


def test_an_expired_key_that_was_not_purged_yet_is_forgotten_too(region, channel, post):
    with time_machine.travel(NOW, tick=False):
        post(report_body(region, external_id=...), **with_key())
    with time_machine.travel(NOW + datetime.timedelta(hours=73), tick=False):
        again = post(report_body(region, external_id=..., title="Laporan baru"), **with_key())
    assert again.status_code == 201
    assert Report.objects.count() == 2 and IdempotencyRecord.objects.count() == 1


@override_settings(IDEMPOTENCY_KEY_HOURS=24)
def test_the_retention_is_a_setting(region, channel, post):
    with time_machine.travel(NOW, tick=False):
        post(report_body(region), **with_key())
    assert IdempotencyRecord.objects.get().expires_at == NOW + datetime.timedelta(hours=24)


def test_the_purge_runs_as_a_periodic_task(region, channel, post):
    from tuntas.exchange.tasks import idempotency_records_purge_task

    with time_machine.travel(NOW, tick=False):
        post(report_body(region), **with_key())
    with time_machine.travel(NOW + datetime.timedelta(hours=80), tick=False):
        idempotency_records_purge_task.call_local()
    assert not IdempotencyRecord.objects.exists()


def test_a_slow_worker_whose_key_was_taken_over_rolls_its_work_back(region, channel):
    """The crashed-worker takeover must not let a worker that was merely slow commit too.

    Only a record committed in flight can be taken over (one left by the earlier two-step
    version): this attempt takes over such a stale record, and while it works a retry takes
    the key over again.
    """
    stale = NOW - datetime.timedelta(minutes=10)
    IdempotencyRecord.objects.create(
        client=channel.client,
        key=KEY,
        request_fingerprint="f" * 64,
        created_at=stale,
        locked_at=stale,
        expires_at=NOW + datetime.timedelta(hours=72),
    )

    def slow_work() -> StoredResponse:
        api_client_create(
            actor=None, institution=region.magelang, name="Made by work", scopes=["read"]
        )
        # Meanwhile a retry decided this attempt had crashed and took the key.
        IdempotencyRecord.objects.update(locked_at=NOW + datetime.timedelta(minutes=1))
        return StoredResponse(status=201, content=b"{}")

    with time_machine.travel(NOW, tick=False), pytest.raises(IdempotencyKeyInFlight):
        idempotent_call(
            client=channel.client,
            key=KEY,
            fingerprint="f" * 64,
            work=slow_work,
            client_error=lambda error: None,
        )
    assert not ApiClient.objects.filter(name="Made by work").exists()
    assert IdempotencyRecord.objects.get().state == IdempotencyState.IN_FLIGHT  # the retry's


def test_a_new_key_its_report_and_its_answer_are_written_in_one_transaction(
    region, channel, monkeypatch
):
    """No record of a new key is committed on its own before the work (one write per request):
    the completed record is written after the work, in the work's still open transaction."""
    seen: list[bool] = []

    def work() -> StoredResponse:
        seen.append(transaction.get_connection().in_atomic_block)
        seen.append(IdempotencyRecord.objects.filter(key=KEY).exists())
        return StoredResponse(status=201, content=b"{}")

    begun: list[str] = []
    monkeypatch.setattr(
        idempotency,
        "idempotency_record_begin",
        lambda **kwargs: begun.append("separate transaction") or None,
    )
    outcome = idempotent_call(
        client=channel.client,
        key=KEY,
        fingerprint="f" * 64,
        work=work,
        client_error=lambda error: None,
    )
    assert outcome.replayed is False and seen == [True, False]
    assert begun == []  # the two-step path was not taken
    assert IdempotencyRecord.objects.get().state == IdempotencyState.COMPLETED


def test_a_refusal_found_before_the_work_is_stored_and_the_work_never_runs(region, channel):
    ran: list[str] = []

    def prepare() -> None:
        raise ValueError("bad field")

    def refusal(error: Exception) -> StoredResponse | None:
        return StoredResponse(status=422, content=b'{"error":1}')

    for _attempt in range(2):
        outcome = idempotent_call(
            client=channel.client,
            key=KEY,
            fingerprint="f" * 64,
            work=lambda: ran.append("work") or StoredResponse(status=201, content=b"{}"),
            client_error=refusal,
            prepare=prepare,
        )
        assert outcome.response.status == 422
    assert outcome.replayed is True and ran == []
    assert IdempotencyRecord.objects.get().response_status == 422


def test_an_api_submission_stays_within_its_query_budget(region, channel, post):
    post(report_body(region, external_id="warm-up"), **with_key("warm-up"))
    with CaptureQueriesContext(connection) as queries:
        response = post(report_body(region), **with_key())
    assert response.status_code == 201
    # Authentication, validation reads, the report, identity, case, three audit events
    # (each reads and moves the chain head), the receipt, the idempotency record, and the
    # SAVEPOINT/RELEASE pairs of the nested services (PostgreSQL adds the advisory lock);
    # 34 on SQLite before one transaction per request.
    budget = 34 if connection.vendor == "postgresql" else 33
    assert len(queries) <= budget, [query["sql"][:80] for query in queries]


def test_on_postgresql_a_duplicate_in_flight_is_told_409_without_waiting(region, channel, post):
    """Another transaction working under the key holds its advisory lock: answer 409 at once."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's writers take turns: a duplicate waits and then replays")
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )
    try:
        namespace = idempotency._ADVISORY_NAMESPACE
        key = idempotency._advisory_key(channel.client, KEY)
        other.execute("SELECT pg_advisory_lock(%s, %s)", [namespace, key])
        response = post(report_body(region), **with_key(**EN))
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_in_flight"
        assert not Report.objects.exists() and not IdempotencyRecord.objects.exists()
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])
        assert post(report_body(region), **with_key()).status_code == 201
    finally:
        other.close()
