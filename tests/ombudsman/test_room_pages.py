"""The joint case room and the liaison's coordination board: shared, audited, 404 for others."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from tests.factories import staff_member
from tests.ombudsman.helpers import at, ombudsman_case
from tuntas.audit.models import AuditEvent
from tuntas.notifications.models import Notification
from tuntas.ombudsman.models import AgreedAction, UnitPush
from tuntas.ombudsman.services_room import partner_unit_push
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    holidays_import(year=2026)


def signed_in(client, user):
    client.cookies["tuntas_language"] = "en"
    client.force_login(user)
    return client


def unit_case(region, **draft):
    return ombudsman_case(region, draft={"unit": region.magelang_pupr, **draft})


def png() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(image, format="PNG")
    return image.getvalue()


def actions_of(case, action):
    return AuditEvent.objects.filter(
        object_id=str(case.report_id), action=f"ombudsman.{action}"
    ).count()


def test_the_liaison_and_the_assistant_share_one_room_and_everyone_else_gets_404(client, region):
    case = unit_case(region)
    url = f"/staf/ombudsman/ruang/{case.report.public_number}/"
    signed_in(client, region.admin_magelang)
    posted = client.post(url + "pesan/", {"body": "Bagian Organisasi sudah menghubungi dinas."})
    assert posted.status_code == 302 and posted["Location"].endswith("#messages")
    client.logout()
    page = signed_in(client, region.asisten_andi).get(url)
    assert page.status_code == 200
    assert "Bagian Organisasi sudah menghubungi dinas." in page.content.decode()
    assert actions_of(case, "room_message") == 1
    for outsider in (region.asisten_diy, region.petugas_siti, region.pimpinan_magelang):
        client.logout()
        signed_in(client, outsider)
        assert client.get(url).status_code == 404
        assert client.post(url + "pesan/", {"body": "x"}).status_code == 404
    other_admin = staff_member(role="admin_instansi", institution=region.purworejo)
    client.logout()
    signed_in(client, other_admin)
    assert client.get(url).status_code == 404


def test_an_empty_message_is_refused_and_a_bad_action_keeps_what_was_typed(client, region):
    case = unit_case(region)
    url = f"/staf/ombudsman/ruang/{case.report.public_number}/"
    signed_in(client, region.asisten_andi)
    empty = client.post(url + "pesan/", {"body": "   "})
    assert empty.status_code == 400 and "Write the message." in empty.content.decode()
    with at(11):
        bad = client.post(
            url + "tindakan/",
            {
                "description": "Dinas PUPR menambal jalan",
                "owner": region.magelang.pk,
                "due_on": "2026-03-01",
            },
        )
    body = bad.content.decode()
    assert bad.status_code == 400
    assert "The deadline cannot be in the past." in body and "Dinas PUPR menambal jalan" in body
    with at(11):
        outsider = client.post(
            url + "tindakan/",
            {"description": "x", "owner": region.sleman.pk, "due_on": "2026-12-01"},
        )
    assert outsider.status_code == 400 and not AgreedAction.objects.exists()


def test_an_agreed_action_is_marked_done_only_with_evidence_and_both_sides_see_it(client, region):
    case = unit_case(region)
    url = f"/staf/ombudsman/ruang/{case.report.public_number}/"
    with at(11):
        signed_in(client, region.kepala_jateng)
        added = client.post(
            url + "tindakan/",
            {
                "description": "Dinas PUPR menambal Jalan Pemuda",
                "owner": region.magelang.pk,
                "due_on": "2026-03-31",
            },
        )
        assert added.status_code == 302
        action = AgreedAction.objects.get()
        client.logout()
        signed_in(client, region.admin_magelang)
        missing = client.post(
            url + f"tindakan/{action.pk}/selesai/", {f"done-{action.pk}-evidence": ""}
        )
        assert missing.status_code == 400
        assert "Describe the evidence" in missing.content.decode()
        done = client.post(
            url + f"tindakan/{action.pk}/selesai/",
            {f"done-{action.pk}-evidence": "Foto hasil penambalan, 11 Maret"},
        )
        assert done.status_code == 302
    action.refresh_from_db()
    assert action.done_on == datetime.date(2026, 3, 11)
    assert action.evidence == "Foto hasil penambalan, 11 Maret"
    assert action.done_by == region.admin_magelang
    assert (
        actions_of(case, "agreed_action_added") == 1 and actions_of(case, "agreed_action_done") == 1
    )
    client.logout()
    page = signed_in(client, region.asisten_andi).get(url).content.decode()
    assert "Foto hasil penambalan, 11 Maret" in page


def test_a_shared_document_is_downloaded_as_its_safe_copy_by_room_members_only(client, region):
    case = unit_case(region)
    url = f"/staf/ombudsman/ruang/{case.report.public_number}/"
    signed_in(client, region.admin_magelang)
    refused = client.post(url + "dokumen/", {"upload": SimpleUploadedFile("x.exe", b"MZ\x90\x00")})
    assert refused.status_code == 400 and "was not shared" in refused.content.decode()
    shared = client.post(url + "dokumen/", {"upload": SimpleUploadedFile("foto.png", png())})
    assert shared.status_code == 302
    document = case.room_documents.get()
    download = client.get(url + f"dokumen/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert download["X-Content-Type-Options"] == "nosniff"
    client.logout()
    signed_in(client, region.asisten_diy)
    assert client.get(url + f"dokumen/{document.pk}/").status_code == 404
    assert actions_of(case, "room_document") == 1


def test_the_board_lists_the_partners_open_cases_with_counts_and_sorts_them(client, region):
    with at(10):
        old = unit_case(region, title="Jalan Pemuda berlubang")
    newer = ombudsman_case(
        region, draft={"unit": region.magelang_dinkes, "title": "Antrean puskesmas"}
    )
    newer.opened_at = newer.opened_at + datetime.timedelta(days=3)
    newer.save(update_fields=["opened_at"])
    purworejo = ombudsman_case(
        region, draft={"institution": region.purworejo, "unit": region.purworejo_dinkes}
    )
    signed_in(client, region.admin_magelang)
    with at(20):
        page = client.get("/staf/ombudsman/koordinasi/")
        newest_first = client.get("/staf/ombudsman/koordinasi/?sort=-age").content.decode()
        junk = client.get("/staf/ombudsman/koordinasi/?sort=drop+table")
    body = page.content.decode()
    assert page.status_code == 200
    assert old.report.public_number in body and newer.report.public_number in body
    assert purworejo.report.public_number not in body
    assert '<dd id="board-total">2</dd>' in body
    assert body.index(old.report.public_number) < body.index(newer.report.public_number)
    assert newest_first.index(newer.report.public_number) < newest_first.index(
        old.report.public_number
    )
    assert junk.status_code == 200
    client.logout()
    for outsider in (region.asisten_andi, region.petugas_siti):
        signed_in(client, outsider)
        assert client.get("/staf/ombudsman/koordinasi/").status_code == 404
        client.logout()


def test_the_liaison_pushes_the_unit_once_a_day_and_its_officers_are_notified(
    client, region, django_capture_on_commit_callbacks
):
    case = unit_case(region)
    staff_member(role="petugas", institution=region.magelang, unit=region.magelang_pupr)
    signed_in(client, region.admin_magelang)
    url = f"/staf/ombudsman/koordinasi/{case.report.public_number}/dorong/"
    with at(11), django_capture_on_commit_callbacks(execute=False) as callbacks:
        pushed = client.post(url, {f"push-{case.pk}-note": "Mohon segera ditindaklanjuti"})
        assert pushed.status_code == 302
        again = client.post(url, {f"push-{case.pk}-note": "Sekali lagi"})
    assert again.status_code == 400
    body = again.content.decode()
    assert "already pushed on this case today" in body
    push = UnitPush.objects.get()
    assert push.recipients == 2 and push.pushed_by == region.admin_magelang
    notes = Notification.objects.filter(report_id=case.report_id, subject__contains="Please act")
    assert notes.count() == 2
    assert len(callbacks) == 2  # they leave after commit
    assert actions_of(case, "unit_pushed") == 1
    with at(12):
        client.logout()  # the session of 11 March has expired
        signed_in(client, region.admin_magelang)
        second = client.post(url, {})
        assert second.status_code == 302, second["Location"]
        assert second["Location"] == "/staf/ombudsman/koordinasi/", second["Location"]
    assert UnitPush.objects.count() == 2


def test_a_push_on_a_case_without_unit_or_officers_or_by_an_outsider_is_refused(region):
    translation.activate("en")
    no_unit = ombudsman_case(region, draft={"unit": None})
    with pytest.raises(ValidationError, match="names no unit"):
        partner_unit_push(case=no_unit, actor=region.admin_magelang)
    no_officers = ombudsman_case(region, draft={"unit": region.magelang_puskesmas})
    with pytest.raises(ValidationError, match="no active officers"):
        partner_unit_push(case=no_officers, actor=region.admin_magelang)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        partner_unit_push(case=unit_case(region), actor=region.petugas_purworejo)
    assert not UnitPush.objects.exists()


def test_the_case_page_links_the_room_for_the_office(client, region):
    case = unit_case(region)
    page = signed_in(client, region.asisten_andi).get(
        f"/staf/ombudsman/kasus/{case.report.public_number}/"
    )
    assert f"/staf/ombudsman/ruang/{case.report.public_number}/" in page.content.decode()
    client.logout()
    liaison_view = signed_in(client, region.admin_magelang).get(
        f"/staf/ombudsman/kasus/{case.report.public_number}/"
    )
    assert liaison_view.status_code == 404  # the liaison has the room, not the Ombudsman's file


def test_the_database_itself_allows_one_push_per_case_per_day(region):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    case = unit_case(region)
    day = datetime.date(2026, 3, 11)
    UnitPush.objects.create(case=case, pushed_on=day, created_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitPush.objects.create(case=case, pushed_on=day, created_at=timezone.now())
    UnitPush.objects.create(
        case=case, pushed_on=day + datetime.timedelta(days=1), created_at=timezone.now()
    )
    assert UnitPush.objects.filter(case=case).count() == 2


def test_a_closed_case_cannot_be_pushed_and_leaves_the_board(client, region):
    from tuntas.ombudsman.services import ombudsman_case_withdraw

    case = unit_case(region)
    ombudsman_case_withdraw(case=case, reason="Selesai")
    translation.activate("en")
    with pytest.raises(ValidationError, match="closed"):
        partner_unit_push(case=case, actor=region.admin_magelang)
    page = signed_in(client, region.admin_magelang).get("/staf/ombudsman/koordinasi/")
    assert case.report.public_number not in page.content.decode()
