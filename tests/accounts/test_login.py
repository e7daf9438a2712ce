"""Staff sign-in: clear errors in the user's language, lockout, demo accounts, session expiry."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings

from tests.factories import PASSWORD, UserFactory, staff_member
from tuntas.audit.models import AuditEvent

LOGIN = "/akun/masuk/"


@pytest.fixture
def officer(region):
    return region.petugas_siti


def test_a_correct_login_lands_on_the_workspace_and_is_audited(officer):
    client = Client()
    response = client.post(LOGIN, {"username": "PETUGAS.SITI@contoh.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/staf/"
    assert AuditEvent.objects.filter(action="auth.logged_in", actor=officer).exists()
    landing = client.get("/staf/")
    assert "Siti Rahmawati" in landing.content.decode()


def test_a_wrong_password_gives_a_clear_indonesian_message_and_keeps_the_email(officer):
    response = Client().post(
        LOGIN, {"username": "petugas.siti@contoh.test", "password": "salah-sekali-123"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Alamat email atau kata sandi salah" in page
    assert 'value="petugas.siti@contoh.test"' in page
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_the_same_error_is_in_english_when_english_is_chosen(officer):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        LOGIN, {"username": "petugas.siti@contoh.test", "password": "wrong-password-1"}
    )
    assert "The e-mail address or password is not correct" in response.content.decode()


def test_an_unknown_account_gets_the_same_message_as_a_wrong_password(officer):
    unknown = Client().post(
        LOGIN, {"username": "tidak.ada@contoh.test", "password": "salah-sekali-123"}
    )
    wrong = Client().post(
        LOGIN, {"username": "petugas.siti@contoh.test", "password": "salah-sekali-123"}
    )
    assert "Alamat email atau kata sandi salah" in unknown.content.decode()
    assert "Alamat email atau kata sandi salah" in wrong.content.decode()


def test_an_invalid_email_is_refused_with_a_field_message(officer):
    response = Client().post(LOGIN, {"username": "bukan-email", "password": "x"})
    assert response.status_code == 200
    assert "masukkan alamat email" in response.content.decode().lower()


def test_repeated_failures_lock_the_account_with_a_clear_message(officer):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post(
                LOGIN, {"username": "petugas.siti@contoh.test", "password": "salah"}
            ).status_code
            == 200
        )
    locked = client.post(LOGIN, {"username": "petugas.siti@contoh.test", "password": "salah"})
    assert locked.status_code == 429
    assert "terlalu banyak" in locked.content.decode().lower()
    # Even the right password is refused while locked.
    again = client.post(LOGIN, {"username": "petugas.siti@contoh.test", "password": PASSWORD})
    assert again.status_code == 429
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


@override_settings(TUNTAS_ALLOW_DEMO_LOGIN=False)
def test_demo_accounts_are_refused_where_demo_logins_are_off(db):
    UserFactory(email="demo@contoh.test", is_demo=True)
    response = Client().post(LOGIN, {"username": "demo@contoh.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "Akun demo tidak dapat masuk" in response.content.decode()
    assert "_auth_user_id" not in Client().session


def test_production_settings_turn_demo_logins_off():
    import importlib

    production = importlib.import_module("tuntas.settings.production")
    assert production.TUNTAS_ALLOW_DEMO_LOGIN is False
    assert production.DEBUG is False


def test_a_deactivated_account_cannot_sign_in(officer, region):
    from tuntas.accounts.services import user_deactivate

    user_deactivate(user=officer, actor=region.admin_rina, reason="pensiun")
    response = Client().post(LOGIN, {"username": "petugas.siti@contoh.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_sign_out_requires_post_and_ends_the_session(officer):
    client = Client()
    client.force_login(officer)
    assert client.get("/akun/keluar/").status_code == 405
    assert client.post("/akun/keluar/").status_code == 302
    assert client.get("/staf/").status_code == 302


def test_login_form_requires_a_csrf_token(officer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "petugas.siti@contoh.test", "password": PASSWORD})
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in response.content.decode()


def test_a_next_url_on_another_host_is_ignored(officer):
    response = Client().post(
        f"{LOGIN}?next=https://jahat.example/",
        {"username": "petugas.siti@contoh.test", "password": PASSWORD},
    )
    assert response["Location"] == "/staf/"


def test_staff_session_ends_after_the_idle_timeout(officer):
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +07:00", tick=False) as traveller:
        client.force_login(officer)
        assert client.get("/staf/").status_code == 200
        traveller.shift(settings.STAFF_SESSION_IDLE_TIMEOUT + 60)
        response = client.get("/staf/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_staff_session_ends_after_its_maximum_age_even_when_active(officer):
    client = Client()
    with time_machine.travel("2026-03-02 08:00 +07:00", tick=False) as traveller:
        client.force_login(officer)
        elapsed = 0
        while elapsed <= settings.STAFF_SESSION_MAX_AGE:
            assert client.get("/staf/").status_code == 200
            traveller.shift(settings.STAFF_SESSION_IDLE_TIMEOUT - 60)
            elapsed += settings.STAFF_SESSION_IDLE_TIMEOUT - 60
        assert client.get("/staf/").status_code == 302


def test_citizen_accounts_do_not_reach_the_staff_workspace(region):
    client = Client()
    client.force_login(region.warga_budi)
    assert client.get("/staf/").status_code == 302
    assert client.get(f"/staf/instansi/{region.magelang.slug}/").status_code == 404


def test_staff_home_names_each_role(region):
    client = Client()
    client.force_login(region.asisten_andi)
    page = client.get("/staf/").content.decode()
    assert "Asisten Ombudsman" in page
    assert "Pemerintah Kota Magelang" in page
    assert "Pemerintah Kabupaten Sleman" not in page


def test_staff_passwords_need_twelve_characters_and_citizens_eight(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="12"):
        UserFactory(email="pendek@contoh.test", password="Kopi-Tubruk")
    staff = UserFactory(email="panjang@contoh.test", password="Kopi-Tubruk-12")
    citizen = UserFactory(email="warga@contoh.test", password="Getuk-Lindri", kind="citizen")
    assert staff.check_password("Kopi-Tubruk-12")
    assert citizen.check_password("Getuk-Lindri")


def test_passwords_are_hashed_with_argon2_in_base_settings():
    import importlib

    base = importlib.import_module("tuntas.settings.base")
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_only_staff_accounts_can_hold_roles(region):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        staff_member(
            role="petugas",
            institution=region.magelang,
            unit=region.magelang_pupr,
            email="warga2@contoh.test",
            kind="citizen",
        )
