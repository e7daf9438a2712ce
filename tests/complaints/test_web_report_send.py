"""The send step of the web form: the report and the receipt's state commit together."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.complaints.web_helpers import (
    ENGLISH,
    form_data,
    isolated_files_and_counters,  # noqa: F401  (autouse fixture)
)
from tuntas.complaints.models import Report
from tuntas.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def reviewed_client(region) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.30")
    client.cookies.load(ENGLISH)
    assert client.post("/lapor/", form_data(region)).status_code == 302
    return client


def test_sending_writes_the_session_once_inside_the_reports_transaction(region):
    client = reviewed_client(region)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/lapor/periksa/", {"action": "send"})
    assert response.status_code == 302 and response["Location"] == "/lapor/terima-kasih/"
    session_writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    session_writes = [sql for sql in session_writes if "django_session" in sql]
    assert len(session_writes) == 1
    assert Report.objects.count() == 1
    assert "LM-" in client.get("/lapor/terima-kasih/").content.decode()


def test_when_the_receipt_cannot_be_saved_no_report_is_made_and_the_draft_waits(
    region, monkeypatch
):
    client = reviewed_client(region)

    def broken(self, must_create=False):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SessionStore, "save", broken)
    with pytest.raises(RuntimeError):
        client.post("/lapor/periksa/", {"action": "send"})
    assert not Report.objects.exists()
    monkeypatch.undo()
    # Nothing was lost: the draft is still there and sending again makes the one report.
    assert client.get("/lapor/periksa/").status_code == 200
    again = client.post("/lapor/periksa/", {"action": "send"})
    assert again.status_code == 302 and again["Location"] == "/lapor/terima-kasih/"
    assert Report.objects.count() == 1
