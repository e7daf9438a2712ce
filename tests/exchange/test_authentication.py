"""Who may call: a valid, unexpired key with the right scope, within its rate."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import override_settings

from tuntas.complaints.models import Report
from tuntas.exchange.models import ApiClient
from tuntas.exchange.services import api_client_create

from .conftest import report_body

EN = {"Accept-Language": "en"}
NOW = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)


def test_a_request_without_a_key_is_401_with_a_challenge(region, post):
    response = post(report_body(region), key=None, **EN)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Send your API key in the Authorization header: Bearer <key>.",
            "field": None,
            "fields": {},
        }
    }


@pytest.mark.parametrize(
    "presented",
    ["nonsense", "abcdefgh.wrong-secret", "", "x" * 5000],
    ids=["no-prefix", "wrong-secret", "empty", "huge"],
)
def test_a_bad_key_is_401(region, channel, post, presented):
    wrong = presented.replace("abcdefgh", channel.client.key_prefix)
    response = post(report_body(region), key=None, Authorization=f"Bearer {wrong}", **EN)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"
    assert not Report.objects.exists()


def test_the_key_may_come_in_x_api_key(region, channel, post):
    response = post(report_body(region), key=None, **{"X-Api-Key": channel.key})
    assert response.status_code == 201


def test_another_authorization_scheme_is_not_a_key(region, channel, post):
    response = post(report_body(region), key=None, Authorization=f"Basic {channel.key}", **EN)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_expired_key_is_refused(region, post):
    with time_machine.travel(NOW, tick=False):
        _client, key = api_client_create(
            actor=None,
            institution=region.magelang,
            name="Pilot",
            scopes=["submit"],
            expires_at=NOW + datetime.timedelta(days=1),
        )
        assert post(report_body(region, external_id="a"), key=key).status_code == 201
    with time_machine.travel(NOW + datetime.timedelta(days=1, seconds=1), tick=False):
        response = post(report_body(region, external_id="b"), key=key, **EN)
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "api_key_expired",
        "message": "This API key has expired.",
        "field": None,
        "fields": {},
    }


def test_a_key_without_the_submit_scope_is_403(region, post):
    _client, key = api_client_create(
        actor=None, institution=region.magelang, name="Dashboard", scopes=["read"]
    )
    response = post(report_body(region), key=key, **EN)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "scope_missing"
    assert "submit" in error["message"]
    assert not Report.objects.exists()


def test_using_a_key_records_when_it_was_last_used(region, channel, post):
    with time_machine.travel(NOW, tick=False):
        post(report_body(region))
    assert ApiClient.objects.get(pk=channel.client.pk).last_used_at == NOW


@override_settings(API_CLIENT_RATE="2/min")
def test_each_client_has_its_own_rate_limit(region, channel, post):
    with time_machine.travel(NOW, tick=False):
        assert post(report_body(region, external_id="1")).status_code == 201
        assert post(report_body(region, external_id="2")).status_code == 201
        refused = post(report_body(region, external_id="3"), **EN)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "throttled"
        assert int(refused["Retry-After"]) > 0
        _other, other_key = api_client_create(
            actor=None, institution=region.magelang, name="Other", scopes=["submit"]
        )
        assert post(report_body(region, external_id="3"), key=other_key).status_code == 201
    with time_machine.travel(NOW + datetime.timedelta(minutes=1, seconds=1), tick=False):
        assert post(report_body(region, external_id="4")).status_code == 201
