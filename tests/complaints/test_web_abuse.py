"""Abuse resistance of /lapor/: a proof-of-work after five reports from one client in ten minutes."""

from __future__ import annotations

import html as html_lib
import json
import re

import altcha
import pytest
import time_machine
from django.test import Client

from tests.complaints.web_helpers import (
    ENGLISH,
    NOW,
    form_data,
    isolated_files_and_counters,  # noqa: F401  (autouse fixture)
    send_report,
)
from tuntas.complaints import abuse
from tuntas.complaints.models import Report

pytestmark = pytest.mark.django_db

CHALLENGE = re.compile(r'data-pow-challenge="([^"]+)"')


def english_client(address: str = "203.0.113.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies.load(ENGLISH)
    return client


def solve(page: str) -> str:
    """What pow.js does in the browser: find the counter, answer with the payload."""
    data = json.loads(html_lib.unescape(CHALLENGE.search(page).group(1)))
    assert data["maxNumber"] == abuse.challenge_max_number()
    challenge = altcha.Challenge.from_dict(data)
    solution = altcha.solve_challenge(challenge)
    return altcha.Payload(challenge, solution).to_base64()


def fill_in(client: Client, region) -> str:
    assert client.post("/lapor/", form_data(region)).status_code == 302
    return client.get("/lapor/periksa/").content.decode()


def test_five_reports_go_through_without_a_challenge_and_the_sixth_needs_one(region):
    client = english_client()
    for _ in range(5):
        assert "data-pow-challenge" not in fill_in(client, region)
        client.post("/lapor/periksa/", {"action": "send"})
    assert Report.objects.count() == 5

    page = fill_in(client, region)
    assert "data-pow-challenge" in page
    assert "/static/tuntas/js/pow.js" in page
    assert "needs JavaScript" in page and "Wait 10 minutes" in page and "137" in page

    refused = client.post("/lapor/periksa/", {"action": "send"})
    assert refused.status_code == 429
    assert "The report has not been sent yet" in refused.content.decode()
    assert Report.objects.count() == 5
    assert client.get("/lapor/periksa/").status_code == 200  # the report is kept

    solved = client.post("/lapor/periksa/", {"action": "send", "altcha": solve(page)})
    assert solved.status_code == 302 and solved["Location"] == "/lapor/terima-kasih/"
    assert Report.objects.count() == 6


def test_a_solution_cannot_be_used_twice(region):
    client = english_client()
    for _ in range(5):
        send_report(client, region)
    page = fill_in(client, region)
    payload = solve(page)
    assert client.post("/lapor/periksa/", {"altcha": payload}).status_code == 302
    fill_in(client, region)
    assert client.post("/lapor/periksa/", {"altcha": payload}).status_code == 429
    assert Report.objects.count() == 6


def test_a_wrong_or_forged_answer_is_refused(region):
    client = english_client()
    for _ in range(5):
        send_report(client, region)
    page = fill_in(client, region)
    data = json.loads(html_lib.unescape(CHALLENGE.search(page).group(1)))
    wrong = altcha.Payload(
        altcha.Challenge.from_dict(data), altcha.Solution(counter=1, derived_key="00" * 32)
    ).to_base64()
    assert client.post("/lapor/periksa/", {"altcha": wrong}).status_code == 429
    assert client.post("/lapor/periksa/", {"altcha": "bm9uc2Vuc2U="}).status_code == 429
    own = altcha.create_challenge("SHA-256", 1, counter=3, hmac_secret="not-our-secret")
    forged = altcha.Payload(own, altcha.solve_challenge(own)).to_base64()
    assert client.post("/lapor/periksa/", {"altcha": forged}).status_code == 429
    assert Report.objects.count() == 5


def test_an_expired_challenge_is_refused(region):
    client = english_client()
    for _ in range(5):
        send_report(client, region)
    payload = solve(fill_in(client, region))
    with time_machine.travel(NOW.timestamp() + abuse.CHALLENGE_LIFETIME_SECONDS + 60):
        assert abuse.challenge_verify(payload) is False
    assert client.post("/lapor/periksa/", {"altcha": payload}).status_code == 302


def test_the_limit_is_per_client_and_the_window_closes_after_ten_minutes(region):
    first = english_client("203.0.113.7")
    for _ in range(5):
        send_report(first, region)
    assert "data-pow-challenge" in fill_in(first, region)
    assert "data-pow-challenge" not in fill_in(english_client("198.51.100.20"), region)
    with time_machine.travel(NOW.timestamp() + 11 * 60):
        assert "data-pow-challenge" not in first.get("/lapor/periksa/").content.decode()


def test_too_many_staged_files_from_one_client_are_refused_by_name(region, settings):
    settings.REPORT_STAGED_FILES_PER_WINDOW = 1
    from tests.complaints.web_helpers import tiny_png

    client = english_client()
    html = client.post(
        "/lapor/", form_data(region, attachments=[tiny_png("satu.png"), tiny_png("dua.png")])
    ).content.decode()
    assert "dua.png: too many files were uploaded from your connection" in html
    assert "satu.png" in html
