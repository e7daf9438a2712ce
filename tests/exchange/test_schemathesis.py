"""Schemathesis against the API in process (WSGI): no server error, nothing off the schema.

Every operation of /api/schema/ gets generated requests — valid ones and broken ones — with
a key that holds every scope. Each answer must be no 5xx, a documented status code with a
documented content type, and a body and headers that match the schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.open311.conftest import make_report
from tuntas.exchange.services import api_client_create
from tuntas.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_process_connections():
    """The WSGI app runs inside the test's transaction: it must not close the connection after
    each request, as it would in production (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(region, in_process_connections) -> str:
    cache.clear()
    make_report(region, identity_mode="terbuka")
    make_report(region, identity_mode="anonim", visibility="private")
    _client, key = api_client_create(
        actor=None,
        institution=region.magelang,
        name="Schemathesis",
        scopes=["read", "submit", "exchange", "admin"],
        rate_limit="1000000/min",
    )
    return key


def _document() -> dict:
    """The same document /api/schema/ serves (a test below checks that they agree)."""
    from drf_spectacular.generators import SchemaGenerator

    from tuntas.exchange.api import SchemaApi
    from tuntas.exchange.urls_docs import _PATTERNS

    generator = SchemaGenerator(
        patterns=_PATTERNS,
        title=SchemaApi.custom_settings["TITLE"],
        version=SchemaApi.custom_settings["VERSION"],
    )
    return generator.get_schema(request=None, public=True)


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = application


def test_the_tested_document_is_the_one_served(client, db):
    served = client.get("/api/schema/", {"format": "json"}).json()
    assert sorted(served["paths"]) == sorted(DOCUMENT["paths"])
    assert served["components"]["schemas"].keys() == DOCUMENT["components"]["schemas"].keys()


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_every_generated_request_within_its_schema(case, api_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"}, checks=CHECKS)
