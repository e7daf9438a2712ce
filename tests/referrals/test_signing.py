"""The receiving endpoints take only signed, fresh, never-seen requests from known peers."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client, override_settings

from tests.complaints.test_report_submit import draft_for
from tuntas.complaints.models import Report
from tuntas.complaints.services_intake import report_submit
from tuntas.referrals.models import Referral
from tuntas.referrals.payloads import referral_payload
from tuntas.referrals.services import referral_send
from tuntas.referrals.signing import signed_headers


@pytest.fixture
def body(region, peers) -> bytes:
    report = report_submit(draft=draft_for(region, identity_mode="anonim"), channel="web").report
    referral = referral_send(
        case=report, peer=peers.ombudsman, actor=None, reason="Mohon ditangani"
    )
    payload, _shared = referral_payload(referral=referral, peer=peers.ombudsman)
    return json.dumps(payload).encode()


def post(path: str, body: bytes, headers: dict[str, str]):
    client = Client()
    client.cookies["tuntas_language"] = "en"
    return client.generic("POST", path, body, content_type="application/json", headers=headers)


def test_a_signed_referral_is_taken_and_a_retry_gets_the_same_answer(peers, body):
    first = post(
        "/rujukan/masuk",
        body,
        signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/masuk", body=body),
    )
    again = post(
        "/rujukan/masuk",
        body,
        signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/masuk", body=body),
    )
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["report_number"] == first.json()["report_number"]
    assert again.json()["replayed"] is True
    assert Referral.objects.filter(direction="incoming").count() == 1


def test_an_exact_replay_of_a_request_is_refused(peers, body):
    headers = signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/masuk", body=body)
    assert post("/rujukan/masuk", body, headers).status_code == 201
    replay = post("/rujukan/masuk", body, headers)
    assert replay.status_code == 409
    assert replay.json()["error"]["code"] == "replayed"


def test_an_unsigned_request_is_refused(peers, body):
    answer = post("/rujukan/masuk", body, {})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "signature_missing"


def test_a_changed_body_breaks_the_signature(peers, body):
    headers = signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/masuk", body=body)
    answer = post("/rujukan/masuk", body.replace(b"Mohon", b"Tolong"), headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "signature_invalid"
    assert not Report.objects.filter(channel="referral").exists()


def test_a_signature_for_another_path_is_refused(peers, body):
    headers = signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/status", body=body)
    assert post("/rujukan/masuk", body, headers).status_code == 401


def test_a_request_outside_the_time_window_is_refused(peers, body):
    import time_machine

    with time_machine.travel(time.time() - 600, tick=False):
        headers = signed_headers(
            peer=peers.ombudsman, method="POST", path="/rujukan/masuk", body=body
        )
    with override_settings(REFERRAL_SIGNATURE_WINDOW_SECONDS=300):
        answer = post("/rujukan/masuk", body, headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "signature_expired"


def test_an_unknown_or_deactivated_peer_is_refused(region, peers, body):
    from tuntas.referrals.services import peer_update

    peer_update(
        peer=peers.magelang,
        actor=region.admin_rina,
        expected_version=peers.magelang.version,
        is_active=False,
    )
    headers = signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/masuk", body=body)
    assert post("/rujukan/masuk", body, headers).status_code == 401


def test_an_invalid_referral_gets_field_errors_in_json(peers):
    body = json.dumps(
        {
            "reference": "0c5e7d1e-0000-4000-8000-000000000001",
            "report": {"title": "", "description": "pendek"},
        }
    ).encode()
    headers = signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/masuk", body=body)
    answer = post("/rujukan/masuk", body, headers)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert {"title", "description"} <= set(error["fields"])


def test_a_referral_without_a_proper_reference_is_refused(peers):
    body = json.dumps({"reference": "abc", "report": {}}).encode()
    headers = signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/masuk", body=body)
    answer = post("/rujukan/masuk", body, headers)
    assert answer.status_code == 422
    assert "reference" in answer.json()["error"]["fields"]


def test_a_body_that_is_not_json_is_refused_clearly(peers):
    body = b"<xml/>"
    headers = signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/masuk", body=body)
    answer = post("/rujukan/masuk", body, headers)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_json"


def test_a_status_for_an_unknown_referral_is_404(peers):
    body = json.dumps(
        {
            "reference": "0c5e7d1e-0000-4000-8000-000000000000",
            "event": {"id": "x", "type": "case.verify", "occurred_at": "2026-12-01T10:00:00+07:00"},
        }
    ).encode()
    headers = signed_headers(peer=peers.ombudsman, method="POST", path="/rujukan/status", body=body)
    answer = post("/rujukan/status", body, headers)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "unknown_referral"


def test_the_endpoints_take_only_post(peers):
    assert Client().get("/rujukan/masuk").status_code == 405
