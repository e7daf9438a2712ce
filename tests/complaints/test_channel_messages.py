"""SMS and WhatsApp: a signed gateway webhook turns messages into reports and threaded replies."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tuntas.audit.models import AuditEvent
from tuntas.complaints import codes
from tuntas.complaints.channels_messaging import signature_for
from tuntas.complaints.identity import unseal
from tuntas.complaints.models import InboundMessage, Report
from tuntas.core.sealing import unseal_text
from tuntas.notifications.models import Notification
from tuntas.notifications.services import notification_text

SECRET = "gateway-shared-secret-for-tests"
PHONE = "+6281234567890"
OTHER_PHONE = "+6289876543210"
COMPLAINT = "Jalan Pahlawan berlubang besar di depan SD Negeri 3, sudah dua bulan tidak diperbaiki."
URL = "/kanal/pesan/"
ACCESS_CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


@pytest.fixture(autouse=True)
def channel_settings(settings, tmp_path):
    settings.MESSAGE_WEBHOOK_SECRET = SECRET
    settings.MESSAGE_INTAKE_INSTITUTION = "pemerintah-kota-magelang"
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.MESSAGE_GATEWAY = "tuntas.notifications.gateways.FileGateway"
    return settings


def post(client: Client, payload: dict | bytes, *, secret: str | None = SECRET, header=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {}
    if header is not None:
        headers["HTTP_X_TUNTAS_SIGNATURE"] = header
    elif secret is not None:
        headers["HTTP_X_TUNTAS_SIGNATURE"] = signature_for(body, secret)
    return client.post(URL, data=body, content_type="application/json", **headers)


def message(**overrides) -> dict:
    payload = {
        "channel": "sms",
        "from": PHONE,
        "message_id": "gw-0001",
        "text": COMPLAINT,
        "received_at": "2026-12-01T08:00:00+07:00",
    }
    payload.update(overrides)
    return payload


def outbox(tmp_path) -> list[dict]:
    path = tmp_path / "outbox-messages.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Signature ----------------------------------------------------------------------------


def test_an_unsigned_request_is_refused_with_401_and_creates_nothing(region, client):
    response = post(client, message(), secret=None)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signature_missing"
    assert not Report.objects.exists() and not InboundMessage.objects.exists()


def test_a_request_signed_with_another_secret_is_refused(region, client):
    response = post(client, message(), secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signature_invalid"
    assert not Report.objects.exists()


def test_a_body_changed_after_signing_is_refused(region, client):
    signed = json.dumps(message()).encode()
    tampered = signed.replace(b"Pahlawan", b"Pahlawin")
    response = post(client, tampered, header=signature_for(signed, SECRET))
    assert response.status_code == 401
    assert not Report.objects.exists()


def test_without_a_configured_secret_the_webhook_answers_503(region, client, settings):
    settings.MESSAGE_WEBHOOK_SECRET = ""
    response = post(client, message(), header="sha256=" + "0" * 64)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "not_configured"


def test_invalid_json_and_missing_fields_get_a_json_error_naming_the_field(region, client):
    response = post(client, b"{not json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    response = post(client, message(text=""))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "text"
    response = post(client, message(channel="telegram"))
    assert response.json()["error"]["field"] == "channel"
    response = post(client, message(received_at="yesterday"))
    assert response.json()["error"]["field"] == "received_at"
    assert not Report.objects.exists()


def test_only_post_is_accepted(region, client):
    response = client.get(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


# --- New reports --------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_a_message_becomes_a_report_the_receiving_institution_sees_and_others_do_not(
    region, client, channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, message(channel=channel))
    assert response.status_code == 201
    report = Report.objects.get()
    assert response.json() == {"status": "created", "report": report.public_number}
    assert report.channel == channel
    assert report.channel_reference == "gw-0001"
    assert report.institution == region.magelang
    assert report.category.slug == "lainnya"
    assert report.identity_mode == "terbuka"
    assert report.consent_version  # consent under the channel's published terms is recorded
    assert report.description == COMPLAINT
    assert report.title.startswith("Jalan Pahlawan berlubang")
    identity = unseal(report.identity.sealed)
    assert identity.name == PHONE and identity.phone == PHONE

    page = staff_client(region.pimpinan_magelang).get("/staf/laporan/")
    assert report.public_number in page.content.decode()
    detail = staff_client(region.pimpinan_magelang).get(f"/staf/laporan/{report.public_number}/")
    assert detail.status_code == 200
    assert PHONE in detail.content.decode()

    other = staff_client(region.petugas_purworejo)
    assert report.public_number not in other.get("/staf/laporan/").content.decode()
    assert other.get(f"/staf/laporan/{report.public_number}/").status_code == 404


def test_the_receipt_with_number_and_access_code_goes_back_by_the_same_channel(
    region, client, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, message(channel="whatsapp"))
    report = Report.objects.get()
    notification = Notification.objects.get(report_id=report.pk)
    assert notification.channel == "whatsapp"
    assert unseal_text(notification.sealed_recipient) == PHONE
    assert notification.status == "sent"
    number = codes.format_public_number(report.public_number)
    assert number in notification_text(notification)
    sent = outbox(tmp_path)
    assert len(sent) == 1
    assert sent[0]["channel"] == "whatsapp" and sent[0]["to"] == PHONE
    assert number in sent[0]["body"]
    # The access code in the message is the one that opens the report.
    access_code = ACCESS_CODE.search(sent[0]["body"]).group(0)
    assert codes.access_code_matches(access_code, report.access_code_hash)


def test_a_leading_hashtag_addresses_the_report_to_that_institution(region, client):
    response = post(client, message(text="#pemerintah-kabupaten-purworejo " + COMPLAINT))
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.institution == region.purworejo
    assert not report.description.startswith("#")


def test_an_unknown_hashtag_falls_back_to_the_configured_intake_institution(region, client):
    post(client, message(text="#tidak-ada " + COMPLAINT))
    assert Report.objects.get().institution == region.magelang


def test_without_a_configured_institution_the_first_ombudsman_office_takes_the_report(
    region, client, settings
):
    settings.MESSAGE_INTAKE_INSTITUTION = ""
    post(client, message())
    assert Report.objects.get().institution.kind == "ombudsman_perwakilan"


def test_the_same_message_id_twice_creates_one_report(region, client):
    first = post(client, message())
    second = post(client, message())
    assert first.status_code == 201
    assert second.status_code == 200 and second.json() == {"status": "duplicate"}
    assert Report.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def test_the_same_message_id_on_the_other_channel_is_another_message(region, client):
    post(client, message(channel="sms"))
    post(client, message(channel="whatsapp"))
    assert Report.objects.count() == 2


def test_a_too_short_message_creates_nothing_and_the_sender_is_told_why(
    region, client, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, message(text="jalan rusak"))
    assert response.status_code == 200
    assert response.json()["status"] == "refused"
    assert not Report.objects.exists()
    assert InboundMessage.objects.get().outcome == "refused"
    assert AuditEvent.objects.filter(action="inbound_message.refused").count() == 1
    assert [m["to"] for m in outbox(tmp_path)] == [PHONE]
    # The same message again is not answered twice.
    post(client, message(text="jalan rusak"))
    assert len(outbox(tmp_path)) == 1


def test_no_intake_institution_at_all_answers_503_and_stores_nothing(region, client, settings):
    from tuntas.institutions.models import Institution

    settings.MESSAGE_INTAKE_INSTITUTION = ""
    Institution.objects.filter(kind__startswith="ombudsman").update(is_active=False)
    response = post(client, message())
    assert response.status_code == 503
    assert not InboundMessage.objects.exists()


# --- Threading ----------------------------------------------------------------------------


def _file_first_report(client) -> Report:
    post(client, message())
    return Report.objects.get()


def test_a_later_message_quoting_the_number_from_the_same_phone_threads_into_the_report(
    region, client, tmp_path, django_capture_on_commit_callbacks
):
    report = _file_first_report(client)
    number = codes.format_public_number(report.public_number).lower()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            message(
                message_id="gw-0002",
                text=f"{number} lubangnya sekarang makin lebar",
                **{"from": "0812-3456-7890"},  # the same number, written locally
            ),
        )
    assert response.json() == {"status": "threaded", "report": report.public_number}
    assert Report.objects.count() == 1
    event = AuditEvent.objects.get(action="report.information_added")
    assert event.data["channel"] == "sms"
    assert "makin lebar" in event.data["text"]
    assert InboundMessage.objects.get(message_id="gw-0002").report == report
    acknowledgement = outbox(tmp_path)[-1]
    assert acknowledgement["to"] == "0812-3456-7890"
    assert codes.format_public_number(report.public_number) in acknowledgement["body"]
    detail = staff_client(region.pimpinan_magelang).get(f"/staf/laporan/{report.public_number}/")
    assert "makin lebar" in detail.content.decode()


def test_a_number_quoted_from_another_phone_is_not_threaded_and_reveals_nothing(
    region, client, tmp_path, django_capture_on_commit_callbacks
):
    report = _file_first_report(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            message(
                message_id="gw-0003",
                text=f"{report.public_number} saya juga melihat lubang itu kemarin sore",
                **{"from": OTHER_PHONE},
            ),
        )
    assert response.json()["status"] == "unmatched"
    assert "report" not in response.json()
    assert not AuditEvent.objects.filter(action="report.information_added").exists()
    assert Report.objects.count() == 1
    inbound = InboundMessage.objects.get(message_id="gw-0003")
    assert inbound.outcome == "unmatched" and inbound.report is None
    reply = outbox(tmp_path)[-1]
    assert reply["to"] == OTHER_PHONE
    assert report.title not in reply["body"]


def test_a_number_that_does_not_exist_gets_the_same_answer_as_someone_elses(region, client):
    _file_first_report(client)
    response = post(
        client,
        message(message_id="gw-0004", text="LM-26ZZZZ-ZZZZ tolong dicek ya pak", **{"from": PHONE}),
    )
    assert response.json()["status"] == "unmatched"


def test_a_threaded_reply_sent_twice_is_added_once(region, client):
    report = _file_first_report(client)
    reply = message(message_id="gw-0005", text=f"{report.public_number} ada foto menyusul")
    post(client, reply)
    post(client, reply)
    assert AuditEvent.objects.filter(action="report.information_added").count() == 1
