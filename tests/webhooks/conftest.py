from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import override_settings

from tests.complaints.test_report_submit import draft_for
from tests.webhooks.receiver import Receiver, serve
from tuntas.complaints.services_intake import report_submit
from tuntas.exchange.models import ApiClient
from tuntas.exchange.services import api_client_create
from tuntas.webhooks.models import Subscription
from tuntas.webhooks.services import webhook_subscription_create


@dataclass
class Hook:
    client: ApiClient
    subscription: Subscription
    secret: str
    receiver: Receiver
    url: str


@pytest.fixture(autouse=True)
def fast_retries() -> Iterator[None]:
    with override_settings(
        WEBHOOK_RETRY_BASE_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_TIMEOUT_SECONDS=2
    ):
        yield


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    box = Receiver()
    server = serve(box)
    try:
        yield box, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def subscribe(region, receiver, *, institution=None, event_types=(), name="Portal") -> Hook:
    box, url = receiver
    client, _key = api_client_create(
        actor=region.admin_magelang,
        institution=institution or region.magelang,
        name=name,
        scopes=["read"],
    )
    created = webhook_subscription_create(
        client=client, target_url=url, event_types=event_types, actor=region.admin_magelang
    )
    box.secret = created.secret
    return Hook(client, created.subscription, created.secret, box, url)


@pytest.fixture
def hook(region, receiver) -> Hook:
    return subscribe(region, receiver)


def submit(region, **overrides):
    return report_submit(draft=draft_for(region, **overrides), channel="web").report
