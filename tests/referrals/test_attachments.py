"""Files go with a referral: the peer fetches their safe copies with signed requests."""

from __future__ import annotations

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from tests.complaints.test_report_submit import draft_for
from tuntas.complaints.services_intake import report_submit
from tuntas.referrals.models import Referral
from tuntas.referrals.services import referral_send
from tuntas.referrals.signing import signed_headers
from tuntas.referrals.worker import referral_messages_deliver
from tuntas.webhooks.models import DeliveryStatus


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (24, 24), "green").save(output, "PNG")
    return output.getvalue()


def report_with_file(region, **overrides):
    upload = SimpleUploadedFile("foto-loket.png", png(), content_type="image/png")
    return report_submit(
        draft=draft_for(region, uploads=[upload], **overrides), channel="web"
    ).report


def test_the_files_arrive_on_the_linked_report(region, peers, wire):
    report = report_with_file(region)
    referral = referral_send(case=report, peer=peers.ombudsman, actor=None, reason="Mohon")
    referral_messages_deliver()

    incoming = Referral.objects.get(direction="incoming", reference=referral.reference)
    files = list(incoming.report.attachments.all())
    assert [(f.original_name, f.content_type) for f in files] == [("foto-loket.png", "image/png")]
    assert incoming.attachments[0]["refused"] == ""
    assert f"/rujukan/lampiran/{referral.reference}/0" in [path for path, _b, _s in wire.calls]


def test_a_file_the_receiving_side_refuses_is_left_out_and_listed(region, peers, wire):
    report = report_with_file(region)
    referral = referral_send(case=report, peer=peers.ombudsman, actor=None, reason="Mohon")
    with override_settings(ATTACHMENT_MAX_BYTES=10):
        referral_messages_deliver()
    incoming = Referral.objects.get(direction="incoming", reference=referral.reference)
    assert incoming.report.attachments.count() == 0
    assert incoming.attachments[0]["refused"]


def test_no_file_goes_where_a_confidential_identity_may_not(region, peers, wire):
    report = report_with_file(region, institution=region.jateng, unit=None, identity_mode="rahasia")
    referral = referral_send(case=report, peer=peers.magelang, actor=None, reason="Mohon")
    referral_messages_deliver()
    sent = next(body for path, body, _status in wire.calls if path == "/rujukan/masuk")
    assert json.loads(sent)["attachments"] == []
    incoming = Referral.objects.get(direction="incoming", reference=referral.reference)
    assert incoming.report.attachments.count() == 0
    # and asking for it anyway finds nothing
    path = f"/rujukan/lampiran/{referral.reference}/0"
    headers = signed_headers(peer=peers.ombudsman, method="GET", path=path, body=b"")
    assert Client().get(path, headers=headers).status_code == 404


def test_a_file_is_served_only_on_a_signed_request(region, peers):
    report = report_with_file(region)
    referral = referral_send(case=report, peer=peers.ombudsman, actor=None, reason="Mohon")
    path = f"/rujukan/lampiran/{referral.reference}/0"
    assert Client().get(path).status_code == 401
    headers = signed_headers(peer=peers.magelang, method="GET", path=path, body=b"")
    answer = Client().get(path, headers=headers)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/png"
    assert Client().get(path, headers=headers).status_code == 409  # the exact request again
    other = f"/rujukan/lampiran/{referral.reference}/1"
    headers = signed_headers(peer=peers.magelang, method="GET", path=other, body=b"")
    assert Client().get(other, headers=headers).status_code == 404


def test_a_file_the_origin_cannot_serve_makes_the_referral_wait(region, peers, wire):
    report = report_with_file(region)
    referral = referral_send(case=report, peer=peers.ombudsman, actor=None, reason="Mohon")
    report.attachments.update(safe_name="missing.png")  # the origin lost its copy in between
    referral_messages_deliver(limit=1)
    referral.refresh_from_db()
    message = referral.messages.get()
    assert not Referral.objects.filter(direction="incoming").exists()
    assert message.status == DeliveryStatus.PENDING and message.last_status_code == 503
