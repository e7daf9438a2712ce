"""Per-client rate limits and expiry: set by the administrator, audited, enforced."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from tuntas.audit.models import AuditEvent
from tuntas.exchange.models import ApiClient
from tuntas.exchange.services import api_client_create, api_client_set_limits


@pytest.fixture
def api_client(region) -> ApiClient:
    client, _key = api_client_create(
        actor=None, institution=region.magelang, name="Portal", scopes=["read"]
    )
    return client


def test_a_rate_limit_must_read_count_per_period(region):
    with pytest.raises(ValidationError) as refused:
        api_client_create(
            actor=None, institution=region.magelang, name="X", scopes=["read"], rate_limit="lots"
        )
    assert "rate_limit" in refused.value.message_dict


def test_changing_limits_is_audited_and_an_expiry_must_lie_ahead(api_client):
    api_client_set_limits(client=api_client, actor=None, rate_limit="600/min")
    event = AuditEvent.objects.get(action="api_client.limits_changed")
    assert event.changes == {"rate_limit": ["", "600/min"]}
    with pytest.raises(ValidationError):
        api_client_set_limits(
            client=api_client, actor=None, expires_at=timezone.now() - datetime.timedelta(days=1)
        )
    api_client.refresh_from_db()
    assert api_client.expires_at is None


def test_the_command_sets_the_rate_and_the_expiry(api_client):
    out = StringIO()
    call_command(
        "apiclient_limits",
        "--prefix",
        api_client.key_prefix,
        "--rate",
        "30/min",
        "--expires-in-days",
        "10",
        stdout=out,
    )
    api_client.refresh_from_db()
    assert api_client.rate_limit == "30/min"
    assert api_client.expires_at > timezone.now() + datetime.timedelta(days=9)
    call_command(
        "apiclient_limits",
        "--prefix",
        api_client.key_prefix,
        "--rate",
        "default",
        "--no-expiry",
        stdout=out,
    )
    api_client.refresh_from_db()
    assert api_client.rate_limit == "" and api_client.expires_at is None
    with pytest.raises(CommandError):
        call_command("apiclient_limits", "--prefix", "nonesuch", "--rate", "1/s")
