"""Staff pages: refer a report, follow a referral, manage peers; out of scope is a 404."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.complaints.test_report_submit import draft_for
from tests.referrals.conftest import SECRET
from tuntas.complaints.services_intake import report_submit
from tuntas.referrals.models import Peer, PeerMessage, Referral
from tuntas.referrals.services import referral_send
from tuntas.referrals.worker import referral_messages_deliver
from tuntas.webhooks.models import DeliveryStatus


def client_for(user) -> Client:
    client = Client()
    client.cookies["tuntas_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def report(region):
    return report_submit(draft=draft_for(region), channel="web").report


def test_the_institutions_administrator_refers_a_report(region, peers, report):
    page = client_for(region.admin_magelang)
    form = page.get(f"/rujukan/kirim/{report.public_number}/")
    assert form.status_code == 200
    assert peers.ombudsman.name in form.content.decode()
    answer = page.post(
        f"/rujukan/kirim/{report.public_number}/",
        {"peer": peers.ombudsman.pk, "reason": "Di luar kewenangan kami"},
    )
    referral = Referral.objects.get(report=report)
    assert answer.status_code == 302
    assert answer["Location"] == f"/rujukan/{referral.reference}/"
    detail = page.get(answer["Location"]).content.decode()
    assert "Waiting to be sent" in detail
    assert report.public_number in page.get("/rujukan/").content.decode()


def test_a_referral_without_a_reason_keeps_the_form_with_an_error(region, peers, report):
    answer = client_for(region.admin_magelang).post(
        f"/rujukan/kirim/{report.public_number}/", {"peer": peers.ombudsman.pk, "reason": ""}
    )
    assert answer.status_code == 200
    assert "error-summary" in answer.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["petugas_siti", "asisten_diy", "warga_budi"])
def test_people_out_of_scope_get_404(region, peers, report, persona):
    referral = referral_send(case=report, peer=peers.ombudsman, actor=None, reason="Mohon")
    page = client_for(getattr(region, persona))
    assert page.get(f"/rujukan/kirim/{report.public_number}/").status_code == 404
    assert (
        page.post(
            f"/rujukan/kirim/{report.public_number}/", {"peer": peers.ombudsman.pk, "reason": "x"}
        ).status_code
        == 404
    )
    assert page.get(f"/rujukan/{referral.reference}/").status_code == 404
    assert page.get("/rujukan/mitra/").status_code == 404
    assert Referral.objects.count() == 1


def test_a_unit_officer_follows_the_referral_of_their_units_report_but_cannot_refer(
    region, peers, report
):
    referral = referral_send(case=report, peer=peers.ombudsman, actor=None, reason="Mohon")
    page = client_for(region.petugas_dinkes)  # Dinas Kesehatan, over the Puskesmas
    assert page.get(f"/rujukan/{referral.reference}/").status_code == 200
    assert page.get(f"/rujukan/kirim/{report.public_number}/").status_code == 404


def test_only_platform_administrators_manage_peers(region, peers):
    assert client_for(region.admin_magelang).get("/rujukan/mitra/").status_code == 404
    page = client_for(region.admin_rina)
    assert peers.ombudsman.name in page.get("/rujukan/mitra/").content.decode()
    answer = page.post(
        "/rujukan/mitra/",
        {
            "name": "Tuntas Kabupaten Sleman",
            "slug": "kab-sleman",
            "base_url": "https://tuntas.slemankab.contoh.test",
            "our_id": "ombudsman-jateng",
            "secret": SECRET,
            "institution": region.jateng.pk,
        },
    )
    assert answer.status_code == 302
    peer = Peer.objects.get(slug="kab-sleman")
    assert SECRET not in peer.sealed_secret


def test_a_short_secret_is_refused_and_the_form_kept(region, peers):
    answer = client_for(region.admin_rina).post(
        "/rujukan/mitra/",
        {
            "name": "Sleman",
            "slug": "sleman",
            "base_url": "https://x.contoh.test",
            "our_id": "o",
            "secret": "short",
            "institution": region.jateng.pk,
        },
    )
    assert answer.status_code == 200
    assert "error-summary" in answer.content.decode()
    assert not Peer.objects.filter(slug="sleman").exists()


def test_a_dead_letter_is_replayed_from_the_referral_page(region, peers, report, wire):
    referral = referral_send(case=report, peer=peers.ombudsman, actor=None, reason="Mohon")
    wire.down = True
    for _ in range(3):
        referral_messages_deliver()
    message = PeerMessage.objects.get(referral=referral)
    assert message.status == DeliveryStatus.DEAD
    page = client_for(region.admin_magelang)
    assert "Replay" in page.get(f"/rujukan/{referral.reference}/").content.decode()
    assert (
        client_for(region.petugas_siti).post(f"/rujukan/pesan/{message.pk}/ulang/").status_code
        == 404
    )
    answer = page.post(f"/rujukan/pesan/{message.pk}/ulang/")
    assert answer.status_code == 302
    message.refresh_from_db()
    assert message.status == DeliveryStatus.PENDING


def test_a_platform_administrator_deactivates_a_peer_and_its_requests_are_refused(region, peers):
    page = client_for(region.admin_rina)
    answer = page.post(
        f"/rujukan/mitra/{peers.magelang.pk}/aktif/", {"version": peers.magelang.version}
    )
    assert answer.status_code == 302
    peers.magelang.refresh_from_db()
    assert peers.magelang.is_active is False
    assert (
        client_for(region.admin_magelang)
        .post(f"/rujukan/mitra/{peers.magelang.pk}/aktif/", {"version": peers.magelang.version})
        .status_code
        == 404
    )
    stale = page.post(f"/rujukan/mitra/{peers.magelang.pk}/aktif/", {"version": 1})
    assert stale.status_code == 302
    peers.magelang.refresh_from_db()
    assert peers.magelang.is_active is False  # the stale toggle changed nothing
