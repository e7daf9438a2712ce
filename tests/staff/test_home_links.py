"""The workspace home points each role to the work it can do, and to nothing it cannot open."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


def _home_links(user) -> set[str]:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("staff:home"))
    assert response.status_code == 200
    return {
        path
        for path in (
            reverse("ombudsman:list"),
            reverse("ombudsman:board"),
            reverse("transfer:index"),
            reverse("referrals:list"),
            reverse("webhooks:list"),
        )
        if f'href="{path}"' in response.content.decode()
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("petugas_siti", {"transfer:index", "referrals:list"}),
        (
            "admin_magelang",
            {"ombudsman:board", "transfer:index", "referrals:list", "webhooks:list"},
        ),
        ("asisten_andi", {"ombudsman:list", "transfer:index", "referrals:list"}),
    ],
)
def test_each_role_sees_links_to_the_pages_it_may_open(region, persona, expected):
    user = getattr(region, persona)
    shown = _home_links(user)
    assert shown == {reverse(name) for name in expected}
    client = Client()
    client.force_login(user)
    for path in shown:
        assert client.get(path).status_code == 200, path
