"""The privacy notice at /privasi/ and its link from the report form."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.complaints.web_helpers import ENGLISH

pytestmark = pytest.mark.django_db


def test_the_privacy_page_says_what_why_who_how_long_and_which_rights(settings):
    settings.IDENTITY_RETENTION_YEARS = 7
    client = Client()
    client.cookies.load(ENGLISH)
    response = client.get("/privasi/")
    html = response.content.decode()
    assert response.status_code == 200
    for heading in (
        "What we collect",
        "Why, and on what legal basis",
        "Who sees your identity",
        "How long we keep it",
        "Your rights",
        "How to exercise them",
    ):
        assert heading in html, heading
    assert "Pasal 20(2)" in html and "huruf e" in html
    assert "7 years after the report is closed" in html
    assert "Pasal 5 to 13" in html
    assert "Confidential (rahasia)" in html and "Anonymous (anonim)" in html


def test_the_privacy_page_opens_in_indonesian_by_default():
    response = Client().get("/privasi/")
    assert response.status_code == 200
    assert '<html lang="id">' in response.content.decode()
