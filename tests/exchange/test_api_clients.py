"""API clients: a key shown once, stored as a hash, rotated and revoked with an audit trail."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from tuntas.audit.models import AuditEvent
from tuntas.exchange.models import ApiClient
from tuntas.exchange.selectors import api_client_for_key
from tuntas.exchange.services import api_client_create, api_client_revoke, api_client_rotate

from .conftest import report_body


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the refusal messages in English (the msgids)."""
    with translation.override("en"):
        yield


NOW = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)


def test_creating_a_client_returns_the_key_once_and_stores_only_its_hash(region):
    client, key = api_client_create(
        actor=region.admin_magelang,
        institution=region.magelang,
        name="Call centre",
        scopes=["submit"],
    )
    prefix, dot, secret = key.partition(".")
    assert dot == "." and prefix == client.key_prefix and len(prefix) == 8
    assert len(secret) >= 43  # 32 random bytes, url-safe base64
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM exchange_apiclient")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert secret not in stored
    assert api_client_for_key(key) == client


def test_creating_a_client_is_audited_without_the_key(region):
    client, key = api_client_create(
        actor=region.admin_magelang,
        institution=region.magelang,
        name="Call centre",
        scopes=["submit", "read"],
    )
    event = AuditEvent.objects.get(action="api_client.created")
    assert event.actor_id == region.admin_magelang.pk
    assert event.institution_id == region.magelang.pk
    assert event.changes["key_prefix"] == [None, client.key_prefix]
    assert event.changes["scopes"] == [None, ["read", "submit"]]
    assert key.split(".")[1] not in str(event.changes) + str(event.data)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "", "scopes": ["submit"]}, "name"),
        ({"name": "X", "scopes": []}, "scopes"),
        ({"name": "X", "scopes": ["submit", "superuser"]}, "scopes"),
    ],
)
def test_a_client_needs_a_name_and_known_scopes(region, values, field):
    with pytest.raises(ValidationError) as refused:
        api_client_create(actor=None, institution=region.magelang, **values)
    assert field in refused.value.message_dict
    assert not ApiClient.objects.exists()


def test_an_expiry_in_the_past_is_refused(region):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as refused:
        api_client_create(
            actor=None,
            institution=region.magelang,
            name="X",
            scopes=["submit"],
            expires_at=NOW - datetime.timedelta(minutes=1),
        )
    assert "expires_at" in refused.value.message_dict


def test_two_clients_of_one_institution_need_different_names(region):
    api_client_create(
        actor=None, institution=region.magelang, name="Call centre", scopes=["submit"]
    )
    with pytest.raises(ValidationError):
        api_client_create(
            actor=None, institution=region.magelang, name="Call centre", scopes=["read"]
        )
    api_client_create(actor=None, institution=region.purworejo, name="Call centre", scopes=["read"])


def test_rotating_replaces_the_key_at_once(region, channel, post):
    old_key = channel.key
    client, new_key = api_client_rotate(client=channel.client, actor=region.admin_magelang)
    assert new_key != old_key
    assert post(report_body(region), key=old_key).status_code == 401
    assert post(report_body(region), key=new_key).status_code == 201
    event = AuditEvent.objects.get(action="api_client.rotated")
    assert event.changes["key_prefix"] == [old_key.split(".")[0], client.key_prefix]


def test_revoking_stops_the_key_and_is_audited_once(region, channel, post):
    api_client_revoke(client=channel.client, actor=region.admin_magelang, reason="Contract ended")
    api_client_revoke(client=channel.client, actor=region.admin_magelang, reason="Twice")
    response = post(report_body(region), **{"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "api_key_revoked"
    assert AuditEvent.objects.filter(action="api_client.revoked").count() == 1
    with pytest.raises(ValidationError):
        api_client_rotate(client=channel.client, actor=region.admin_magelang)


def test_the_command_prints_the_key_once(region):
    out = io.StringIO()
    call_command(
        "apiclient_create",
        "--institution",
        region.magelang.slug,
        "--name",
        "SMS gateway",
        "--scopes",
        "submit,read",
        stdout=out,
    )
    key = out.getvalue().strip().splitlines()[-1]
    client = api_client_for_key(key)
    assert client is not None and client.name == "SMS gateway"
    assert client.scopes == ["read", "submit"] and client.institution == region.magelang


def test_the_command_explains_what_is_wrong(region):
    with pytest.raises(CommandError, match="No institution"):
        call_command(
            "apiclient_create", "--institution", "nope", "--name", "X", "--scopes", "submit"
        )
    with pytest.raises(CommandError, match="scopes"):
        call_command(
            "apiclient_create",
            "--institution",
            region.magelang.slug,
            "--name",
            "X",
            "--scopes",
            "all",
        )
    assert not ApiClient.objects.exists()


def test_a_key_is_found_with_its_institution_in_one_query(region, django_assert_num_queries):
    client, key = api_client_create(
        actor=None, institution=region.magelang, name="Gateway", scopes=["submit"]
    )

    with django_assert_num_queries(1):
        found = api_client_for_key(key)
        assert found is not None
        assert found.institution == region.magelang
        assert found.institution.is_ombudsman is False

    stored = ApiClient.objects.select_related("institution").get(pk=client.pk)
    fields = [field.attname for field in ApiClient._meta.concrete_fields]
    assert [getattr(found, name) for name in fields] == [getattr(stored, name) for name in fields]


def test_an_unknown_prefix_and_a_wrong_secret_both_find_nothing(region):
    _client, key = api_client_create(
        actor=None, institution=region.magelang, name="Gateway", scopes=["submit"]
    )
    prefix, _dot, secret = key.partition(".")
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")

    assert api_client_for_key(f"{prefix}.{wrong}") is None
    assert api_client_for_key(f"zzzzzzzz.{secret}") is None
    assert api_client_for_key(prefix) is None
