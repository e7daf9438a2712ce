"""Canaries: a reporter's name, NIK, phone and e-mail never leave through Open311."""

from __future__ import annotations

import pytest

from tests.open311.conftest import CANARIES, CANARY_NAME, make_report, parse
from tuntas.exchange.redaction import MASK, redact_text


def _everything(get, region, numbers):
    """Every Open311 answer that could carry a report, in both formats."""
    answers = []
    for fmt in ("xml", "json"):
        answers.append(get(f"requests.{fmt}"))
        answers.append(get(f"requests.{fmt}", extensions="true"))
        answers.append(get(f"requests.{fmt}", jurisdiction_id=region.magelang.slug, status="open"))
        answers.append(get(f"requests.{fmt}", service_request_id=",".join(numbers)))
        for number in numbers:
            answers.append(get(f"requests/{number}.{fmt}", extensions="true"))
    return answers


def _assert_no_canary(answers):
    for answer in answers:
        body = answer.content.decode("utf-8")
        for canary in CANARIES:
            assert canary.lower() not in body.lower(), (canary, answer.request["PATH_INFO"])


@pytest.mark.parametrize("mode", ["rahasia", "anonim", "terbuka"])
def test_a_public_reports_text_is_published_without_the_reporters_details(get, region, mode):
    report = make_report(region, identity_mode=mode)
    answers = _everything(get, region, [report.public_number])
    (request,) = parse(get(f"requests/{report.public_number}.json"))
    assert MASK in request["description"]
    assert "ditolak di loket pendaftaran" in request["description"]
    _assert_no_canary(answers)


@pytest.mark.parametrize("mode", ["rahasia", "anonim", "terbuka"])
def test_a_private_report_never_appears_at_all(get, region, mode):
    report = make_report(region, visibility="private", identity_mode=mode)
    for answer in _everything(get, region, [report.public_number]):
        body = answer.content.decode()
        assert "ditolak di loket" not in body
        if answer.status_code == 200:
            assert report.public_number not in body
        else:  # the 404 names only what the client asked for
            assert answer.status_code == 404
    assert get(f"requests/{report.public_number}.json").status_code == 404
    assert parse(get("requests.json", service_request_id=report.public_number)) == []


def test_a_private_report_stays_hidden_among_public_ones(get, region):
    hidden = make_report(region, visibility="private")
    shown = make_report(region, visibility="public")
    numbers = [r["service_request_id"] for r in parse(get("requests.json"))]
    assert numbers == [shown.public_number]
    assert hidden.public_number not in numbers


def test_a_public_report_posted_over_open311_is_redacted_too(post, get, region):
    answer = post(
        description=f"Saya {CANARY_NAME}, HP 0812-9876-5432, NIK 3308011508850007: antre 3 jam.",
        first_name="Canaryname",
        last_name="Zzyzx",
        email="canaryname.zzyzx@contoh.test",
        **{"attribute[consent]": "yes", "attribute[visibility]": "public"},
    )
    assert answer.status_code == 201, answer.content
    (item,) = parse(answer)
    _assert_no_canary(_everything(get, region, [item["service_request_id"]]))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("NIK saya 3308 0115 0885 0007.", "NIK saya"),
        ("Hubungi +62 812-9876-5432 atau (0293) 362-1234.", "Hubungi"),
        ("Surel: warga.baik@contoh.co.id", "Surel:"),
        ("Tanggal 05 12 2026, biaya Rp 150.000.", "Tanggal 05 12 2026, biaya Rp 150.000."),
    ],
)
def test_redaction_strips_niks_phones_and_emails_and_keeps_the_rest(text, kept):
    redacted = redact_text(text)
    assert kept in redacted
    for digits in ("3308", "9876", "362-1234", "warga.baik"):
        if digits in text and digits not in kept:
            assert digits not in redacted
