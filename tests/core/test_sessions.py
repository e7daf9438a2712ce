"""The session store: a new session is one INSERT, and a key already taken is drawn again."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.utils import timezone

from tuntas.core import sessions
from tuntas.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_project_uses_this_store():
    assert settings.SESSION_ENGINE == "tuntas.core.sessions"


def test_a_new_session_is_written_without_asking_whether_its_key_is_taken(
    django_assert_num_queries,
):
    store = SessionStore()
    store["draft"] = "isi formulir"
    with django_assert_num_queries(3) as queries:  # savepoint, INSERT, release
        store.save()
    statements = [query["sql"] for query in queries.captured_queries]
    assert not any(sql.startswith("SELECT") for sql in statements), statements
    assert SessionStore(store.session_key)["draft"] == "isi formulir"


def test_a_key_that_is_already_taken_is_drawn_again_and_nothing_is_overwritten():
    first = SessionStore()
    first["draft"] = "laporan pertama"
    first.save()
    taken = first.session_key
    fresh = "k" * 32
    second = SessionStore()
    second["draft"] = "laporan kedua"
    with mock.patch.object(sessions, "get_random_string", side_effect=[taken, fresh]):
        second.save()
    assert second.session_key == fresh
    assert SessionStore(taken)["draft"] == "laporan pertama"
    assert SessionStore(fresh)["draft"] == "laporan kedua"
    assert Session.objects.count() == 2


def test_a_saved_session_is_read_back_with_one_select_and_changed_with_one_update(
    django_assert_num_queries,
):
    store = SessionStore()
    store["draft"] = {"title": "Jalan rusak", "langkah": 1}
    store.save()
    key = store.session_key

    again = SessionStore(key)
    with django_assert_num_queries(1):
        assert again["draft"] == {"title": "Jalan rusak", "langkah": 1}
    again["draft"] = {"title": "Jalan rusak", "langkah": 2}
    with django_assert_num_queries(1) as queries:
        again.save()
    assert queries.captured_queries[0]["sql"].startswith("UPDATE")
    assert SessionStore(key)["draft"]["langkah"] == 2
    stored = Session.objects.get(session_key=key).expire_date
    assert abs(stored - again.get_expiry_date()) < datetime.timedelta(seconds=5)


def test_an_expired_session_reads_as_empty_and_is_saved_under_a_new_key():
    store = SessionStore()
    store["draft"] = "lama"
    store.save()
    old_key = store.session_key
    Session.objects.filter(session_key=old_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    expired = SessionStore(old_key)
    assert expired.get("draft") is None
    expired["draft"] = "baru"
    expired.save()

    assert expired.session_key != old_key
    assert SessionStore(expired.session_key)["draft"] == "baru"
    assert Session.objects.get(session_key=old_key).get_decoded() == {"draft": "lama"}


def test_saving_a_session_whose_row_was_deleted_meanwhile_is_an_update_error():
    store = SessionStore()
    store["draft"] = "isi"
    store.save()
    opened = SessionStore(store.session_key)
    assert opened["draft"] == "isi"
    Session.objects.filter(session_key=store.session_key).delete()  # signed out elsewhere

    opened["draft"] = "lagi"
    with pytest.raises(UpdateError):
        opened.save()
    assert not Session.objects.exists()
