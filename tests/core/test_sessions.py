"""The session store: a new session is one INSERT, and a key already taken is drawn again."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

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
