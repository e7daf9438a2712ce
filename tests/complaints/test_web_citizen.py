"""The optional citizen account: sign up, report while signed in, see one's reports."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.complaints.web_helpers import (
    ENGLISH,
    isolated_files_and_counters,  # noqa: F401  (autouse fixture)
    send_report,
)
from tests.factories import PASSWORD
from tuntas.accounts.models import User

pytestmark = pytest.mark.django_db


def english_client() -> Client:
    client = Client()
    client.cookies.load(ENGLISH)
    return client


def test_a_citizen_signs_up_and_is_signed_in(region):
    client = english_client()
    assert client.get("/lapor/akun-baru/").status_code == 200
    response = client.post(
        "/lapor/akun-baru/",
        {
            "full_name": "Sri Wahyuni",
            "email": "Sri.Wahyuni@Contoh.test",
            "password": "kopi-tubruk-pagi",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/lapor/saya/"
    user = User.objects.get(email="sri.wahyuni@contoh.test")
    assert user.kind == "citizen" and not user.is_staff
    html = client.get("/lapor/saya/").content.decode()
    assert "Your account is ready." in html
    assert "You have not sent a report while signed in yet." in html


def test_a_short_password_and_a_taken_address_are_explained(region):
    client = english_client()
    short = client.post(
        "/lapor/akun-baru/", {"full_name": "Sri", "email": "sri@contoh.test", "password": "pendek"}
    )
    assert "at least 8 characters" in short.content.decode()
    assert 'value="sri@contoh.test"' in short.content.decode()
    taken = client.post(
        "/lapor/akun-baru/",
        {"full_name": "Budi", "email": "warga.budi@contoh.test", "password": "kopi-tubruk-pagi"},
    )
    assert "cannot be used for a new account" in taken.content.decode()
    assert User.objects.filter(email="sri@contoh.test").count() == 0


def test_a_report_sent_while_signed_in_is_linked_and_listed(region):
    client = english_client()
    client.force_login(region.warga_budi)
    form = client.get("/lapor/").content.decode()
    assert "Budi Santoso" in form  # the name is offered from the account
    sent = send_report(client, region)
    assert sent.report.citizen_account == region.warga_budi
    html = client.get("/lapor/saya/").content.decode()
    assert sent.number in html and "Puskesmas menolak kartu BPJS" in html
    # The owner opens it without the code, in any later session.
    later = english_client()
    later.force_login(region.warga_budi)
    assert "Puskesmas menolak" in later.get(f"/lacak/{sent.number}/").content.decode()


def test_someone_else_sees_neither_the_list_nor_the_report(region):
    owner = english_client()
    owner.force_login(region.warga_budi)
    sent = send_report(owner, region)
    other = english_client()
    other.post(
        "/lapor/akun-baru/",
        {"full_name": "Sri Wahyuni", "email": "sri@contoh.test", "password": "kopi-tubruk-pagi"},
    )
    assert sent.number not in other.get("/lapor/saya/").content.decode()
    assert "Puskesmas menolak" not in other.get(f"/lacak/{sent.number}/").content.decode()


def test_the_list_needs_a_citizen_sign_in(region):
    response = english_client().get("/lapor/saya/")
    assert response.status_code == 302 and "/akun/masuk/?next=/lapor/saya/" in response["Location"]
    staff = english_client()
    staff.force_login(region.petugas_siti)
    assert staff.get("/lapor/saya/").status_code == 404


def test_citizens_can_always_report_without_an_account(region):
    sent = send_report(english_client(), region)
    assert sent.report.citizen_account is None


def test_a_citizen_signs_in_with_the_shared_form_and_lands_on_the_list(region):
    client = english_client()
    response = client.post(
        "/akun/masuk/?next=/lapor/saya/",
        {"username": "warga.budi@contoh.test", "password": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/lapor/saya/"
    assert client.get("/lapor/saya/").status_code == 200
