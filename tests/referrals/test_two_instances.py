"""Two Tuntas instances on 127.0.0.1, each with its own database, SECRET_KEY and sealing keys.

Instance 1 is Kota Magelang's; instance 2 the Ombudsman's office for Central Java. Magelang
refers a confidential report; its worker delivers it; instance 2 opens a linked report on the
Ombudsman track (with the reporter's identity, stored as rahasia under its own keys); an
assistant there makes progress; instance 2's worker sends the public events back; instance 1
records them on its case. Both audit chains verify. SQLite or PostgreSQL, as the suite runs.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.webhooks.instance import instance

SECRET = "kunci-bersama-magelang-ombudsman-0123456789abcdef"
CANARY_NAME = "Kanari Wibisono Sastrowardoyo"
CANARY_NIK = "3371015708850003"

SETUP_1 = """
from tuntas.institutions.services import institution_create
from tuntas.complaints.models import Category
from tuntas.complaints.identity import Identity
from tuntas.complaints.services_intake import ReportDraft, report_submit
import io
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
picture = io.BytesIO()
Image.new("RGB", (24, 24), "green").save(picture, "PNG")
upload = SimpleUploadedFile("foto-loket.png", picture.getvalue(), content_type="image/png")
magelang = institution_create(actor=None, name="Pemerintah Kota Magelang", kind="pemerintah_kota", region_code="33.71")
report = report_submit(draft=ReportDraft(institution=magelang, category=Category.objects.get(slug="kesehatan"),
    title="Puskesmas menolak pasien BPJS",
    description="Ibu saya ditolak di loket pendaftaran karena kartu BPJS dianggap tidak aktif.",
    identity_mode="rahasia", identity=Identity(name="%(name)s", nik="%(nik)s"), consent=True,
    uploads=[upload]), channel="web").report
print("REPORT", report.public_number)
"""
SETUP_2 = """
from tuntas.institutions.services import institution_create
pusat = institution_create(actor=None, name="Ombudsman Republik Indonesia", kind="ombudsman_pusat", region_code="")
jateng = institution_create(actor=None, name="Ombudsman RI Perwakilan Jawa Tengah",
    kind="ombudsman_perwakilan", parent=pusat, region_code="33")
institution_create(actor=None, name="Pemerintah Kota Magelang", kind="pemerintah_kota",
    region_code="33.71", supervising_office=jateng)
print("OFFICE", jateng.slug)
"""
REFER = """
from tuntas.complaints.models import Report
from tuntas.referrals.models import Peer
from tuntas.referrals.services import referral_send
report = Report.objects.get(public_number="%(number)s")
referral = referral_send(case=report.agency_case, peer=Peer.objects.get(slug="ombudsman-jateng"),
    actor=None, reason="Pelapor meminta Ombudsman menangani")
print("REFERENCE", referral.reference)
"""
LINKED = """
import json
from tuntas.complaints.identity import unseal
from tuntas.referrals.models import Referral
referral = Referral.objects.get(direction="incoming", reference="%(reference)s")
report = referral.report
case = report.ombudsman_case
print("LINKED", json.dumps({"number": report.public_number, "channel": report.channel,
    "mode": report.identity_mode, "name": unseal(report.identity.sealed).name,
    "reported": report.institution.slug, "office": case.office.slug, "source": case.source,
    "origin_number": referral.remote_report_number,
    "files": [[a.original_name, a.content_type] for a in report.attachments.all()]}))
"""
PROGRESS = """
from tuntas.referrals.models import Referral
from tuntas.ombudsman.services_verification import ombudsman_formal_check_record, ombudsman_formal_verify
case = Referral.objects.get(direction="incoming", reference="%(reference)s").report.ombudsman_case
ombudsman_formal_check_record(case=case, actor=None, identity_confirmed=True, chronology_clear=True,
    prior_complaint=True, within_two_years=True)
case.refresh_from_db()
ombudsman_formal_verify(case=case, actor=None, expected_version=case.version)
case.refresh_from_db()
print("STATE", case.state)
"""
ORIGIN = """
import json
from tuntas.audit.models import AuditEvent
from tuntas.referrals.models import Referral
referral = Referral.objects.get(direction="outgoing", reference="%(reference)s")
print("ORIGIN", json.dumps({"state": referral.state, "remote": referral.remote_report_number,
    "identity_shared": referral.identity_shared,
    "updates": [[u.event_type, u.case_state] for u in referral.updates.all()],
    "audited": AuditEvent.objects.filter(action="referral.status_received",
        object_id=str(referral.report_id)).count()}))
"""


def _line(output: str, tag: str) -> str:
    for line in output.splitlines():
        if line.startswith(tag + " "):
            return line[len(tag) + 1 :]
    raise AssertionError(f"no {tag} in {output!r}")


def test_a_case_referred_to_the_ombudsmans_instance_comes_back_with_its_progress(tmp_path: Path):
    retries = {"WEBHOOK_RETRY_BASE_SECONDS": "0", "WEBHOOK_TIMEOUT_SECONDS": "5"}
    with (
        instance(tmp_path / "one", "referral_one", **retries) as one,
        instance(tmp_path / "two", "referral_two", **retries) as two,
    ):
        assert one.environment["SECRET_KEY"] != two.environment["SECRET_KEY"]
        number = _line(one.shell(SETUP_1 % {"name": CANARY_NAME, "nik": CANARY_NIK}), "REPORT")
        office = _line(two.shell(SETUP_2), "OFFICE")
        one.serve()
        two.serve()
        one.run(
            "referrals",
            "peer-add",
            "--name",
            "Tuntas Ombudsman Jawa Tengah",
            "--slug",
            "ombudsman-jateng",
            "--base-url",
            two.url,
            "--our-id",
            "kota-magelang",
            "--institution",
            "pemerintah-kota-magelang",
            "--secret",
            SECRET,
            "--ombudsman",
        )
        two.run(
            "referrals",
            "peer-add",
            "--name",
            "Tuntas Kota Magelang",
            "--slug",
            "kota-magelang",
            "--base-url",
            one.url,
            "--our-id",
            "ombudsman-jateng",
            "--institution",
            office,
            "--secret",
            SECRET,
        )

        reference = _line(one.shell(REFER % {"number": number}), "REFERENCE")
        assert "delivered 1" in one.run("referrals", "deliver").stdout

        linked = json.loads(_line(two.shell(LINKED % {"reference": reference}), "LINKED"))
        assert linked["channel"] == "referral"
        assert linked["mode"] == "rahasia"  # marked confidential in transit, stored so
        assert linked["name"] == CANARY_NAME
        assert linked["reported"] == "pemerintah-kota-magelang"
        assert linked["office"] == office and linked["source"] == "referral"
        assert linked["origin_number"] == number
        assert linked["files"] == [["foto-loket.png", "image/png"]]  # fetched from instance 1

        state = _line(two.shell(PROGRESS % {"reference": reference}), "STATE")
        delivered = two.run("referrals", "deliver").stdout
        assert "delivered" in delivered and "delivered 0" not in delivered

        origin = json.loads(_line(one.shell(ORIGIN % {"reference": reference}), "ORIGIN"))
        assert origin["state"] == "accepted"
        assert origin["remote"] == linked["number"]
        assert origin["identity_shared"] is True
        types = [event_type for event_type, _state in origin["updates"]]
        assert types[0] == "report.submitted"
        assert "ombudsman.opened" in types and "referral.received" in types
        assert origin["updates"][-1] == ["ombudsman.formal_verify", state]
        assert origin["audited"] == len(origin["updates"])

        # Nothing is sent twice: a further run of each worker delivers nothing new.
        assert "delivered 0" in one.run("referrals", "deliver").stdout
        assert "delivered 0" in two.run("referrals", "deliver").stdout
        one.run("audit", "verify")
        two.run("audit", "verify")
