"""Demo Ombudsman cases at Ombudsman RI Perwakilan Jawa Tengah, one at each telling stage.

All made through the real services, as the demo users would, so every step is in the audit log
and the reporter's timeline. The reporter is the demo citizen (warga.budi@contoh.demo), who
follows them signed in. Running it again changes nothing (the cases are found by their title).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from tuntas.accounts.models import User
from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Category
from tuntas.complaints.services_intake import ReportDraft
from tuntas.institutions.models import Institution, Unit
from tuntas.ombudsman import services_examination as exam
from tuntas.ombudsman import services_outcome as outcome
from tuntas.ombudsman import services_room as room
from tuntas.ombudsman import services_verification as verification
from tuntas.ombudsman.models import MaladministrationType, OmbudsmanCase, SubstanceCategory
from tuntas.ombudsman.services import ombudsman_case_assign, ombudsman_report_submit

ASSISTANT = "asisten.andi@ombudsman.demo"
HEAD = "kepala.perwakilan@ombudsman.demo"
LIAISON = "admin.organisasi@magelangkota.demo"
REPORTER = "warga.budi@contoh.demo"

VERIFICATION = "Akta kelahiran anak tidak kunjung terbit setelah tiga bulan"
EXAMINATION = "Perbaikan Jalan Pahlawan terbengkalai setelah dilaporkan"
MONITORING = "Pungutan biaya pendaftaran ulang di SD Negeri Magelang 1"
RCO = "Pasien gawat darurat diminta uang muka sebelum ditangani"


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _submit(
    *,
    institution: Institution,
    unit: Unit,
    category: str,
    title: str,
    description: str,
    **case: Any,
) -> OmbudsmanCase:
    reporter = _user(REPORTER)
    draft = ReportDraft(
        institution=institution,
        unit=unit,
        category=Category.objects.get(slug=category),
        title=title,
        description=description,
        identity_mode="rahasia",
        identity=Identity(name=reporter.full_name, email=reporter.email, phone="0812-0000-0001"),
        consent=True,
        complained_before=True,
        occurred_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    submitted = ombudsman_report_submit(draft=draft, channel="web", actor=reporter, **case)
    opened = OmbudsmanCase.objects.get(report=submitted.report)
    ombudsman_case_assign(
        case=opened, actor=_user(HEAD), expected_version=opened.version, assistant=_user(ASSISTANT)
    )
    return opened


def _verify_formally(case: OmbudsmanCase, assistant: User) -> None:
    verification.ombudsman_formal_check_record(
        case=case,
        actor=assistant,
        identity_confirmed=True,
        chronology_clear=True,
        prior_complaint=True,
        within_two_years=True,
        note="Identitas dan kronologi lengkap; pelapor sudah mengadu ke dinas.",
    )
    verification.ombudsman_formal_verify(case=case, actor=assistant, expected_version=case.version)


def _to_examination(case: OmbudsmanCase, assistant: User, head: User) -> None:
    _verify_formally(case, assistant)
    verification.ombudsman_material_check_record(
        case=case,
        actor=assistant,
        within_authority=True,
        not_before_court=True,
        not_already_reported=True,
        not_resolved=True,
        agency_time_passed=True,
    )
    verification.ombudsman_material_verify(
        case=case, actor=assistant, expected_version=case.version
    )
    verification.ombudsman_plenary_decide(
        case=case,
        actor=head,
        expected_version=case.version,
        outcome="examine",
        held_on=timezone.localdate(),
        minutes="Rapat perwakilan memutuskan laporan diperiksa oleh Keasistenan Pemeriksaan Laporan.",
        attendees="Kepala Perwakilan, Kepala Keasistenan Pemeriksaan, Asisten Andi Prasetyo",
    )


def _in_verification(magelang: Institution) -> OmbudsmanCase:
    assistant = _user(ASSISTANT)
    case = _submit(
        institution=magelang,
        unit=Unit.objects.get(institution=magelang, name="Dinas Kependudukan dan Pencatatan Sipil"),
        category="administrasi-kependudukan",
        title=VERIFICATION,
        description=(
            "Saya mengajukan akta kelahiran anak saya di loket Disdukcapil pada awal bulan. "
            "Sampai sekarang belum terbit, dan petugas hanya meminta saya kembali minggu depan."
        ),
    )
    _verify_formally(case, assistant)
    return case


def _in_examination(magelang: Institution) -> OmbudsmanCase:
    assistant, head = _user(ASSISTANT), _user(HEAD)
    case = _submit(
        institution=magelang,
        unit=Unit.objects.get(institution=magelang, name="Dinas Pekerjaan Umum dan Penataan Ruang"),
        category="infrastruktur",
        title=EXAMINATION,
        description=(
            "Jalan Pahlawan di depan pasar berlubang besar sejak Januari. Saya sudah melapor ke Dinas PUPR "
            "dua kali, tetapi perbaikan yang dijanjikan tidak pernah dikerjakan."
        ),
    )
    _to_examination(case, assistant, head)
    exam.ombudsman_clarification_request(
        case=case,
        actor=assistant,
        expected_version=case.version,
        kind="written",
        questions=(
            "1. Kapan laporan warga tentang Jalan Pahlawan diterima Dinas PUPR?\n"
            "2. Mengapa perbaikan yang dijanjikan belum dilaksanakan?\n"
            "3. Kapan perbaikan akan dikerjakan, dan dengan anggaran apa?"
        ),
    )
    liaison = _user(LIAISON)
    room.room_message_post(
        case=case,
        actor=liaison,
        body="Bagian Organisasi sudah meneruskan permintaan klarifikasi ke Kepala Dinas PUPR.",
    )
    room.agreed_action_add(
        case=case,
        actor=assistant,
        description="Dinas PUPR mengirim jadwal perbaikan Jalan Pahlawan",
        owner=magelang,
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    return case


def _with_issued_lahp(magelang: Institution) -> OmbudsmanCase:
    assistant, head = _user(ASSISTANT), _user(HEAD)
    case = _submit(
        institution=magelang,
        unit=Unit.objects.get(institution=magelang, name="SD Negeri Magelang 1"),
        category="pendidikan",
        title=MONITORING,
        description=(
            "Sekolah meminta Rp350.000 untuk daftar ulang kelas 4 tanpa dasar aturan, dan rapor ditahan "
            "bagi yang belum membayar."
        ),
    )
    _to_examination(case, assistant, head)
    outcome.ombudsman_lahp_draft(
        case=case,
        actor=assistant,
        expected_version=case.version,
        conclusion="found",
        summary="Pelapor dimintai biaya daftar ulang dan rapor anaknya ditahan.",
        findings="Pungutan tidak memiliki dasar hukum; sekolah negeri dilarang memungut biaya daftar ulang.",
        opinion="Terjadi maladministrasi berupa permintaan imbalan dan penyimpangan prosedur.",
        substance=SubstanceCategory.objects.get(code="pendidikan"),
        maladministration_types=MaladministrationType.objects.filter(
            code__in=["permintaan-imbalan", "penyimpangan-prosedur"]
        ),
        corrective_actions=[
            outcome.CorrectiveItem(
                description="Mengembalikan pungutan daftar ulang kepada orang tua siswa",
                owner=magelang,
                owner_detail="Kepala SD Negeri Magelang 1",
            ),
            outcome.CorrectiveItem(
                description="Menerbitkan surat edaran larangan pungutan daftar ulang",
                owner=magelang,
                owner_detail="Kepala Dinas Pendidikan dan Kebudayaan",
            ),
        ],
    )
    outcome.ombudsman_lahp_respond(
        case=case, response="Saya setuju dengan rancangan LAHP.", actor=_user(REPORTER)
    )
    outcome.ombudsman_lahp_issue(case=case, actor=head, expected_version=case.version)
    return case


def _fast_track(magelang: Institution) -> OmbudsmanCase:
    assistant = _user(ASSISTANT)
    case = _submit(
        institution=magelang,
        unit=Unit.objects.get(institution=magelang, name="RSUD Tidar Kota Magelang"),
        category="kesehatan",
        title=RCO,
        description=(
            "Ayah saya dibawa ke IGD dengan sesak napas berat. Petugas meminta uang muka Rp2.000.000 "
            "sebelum ia ditangani, padahal ia peserta BPJS Kesehatan."
        ),
        track="rco",
        rco_criterion="keselamatan_jiwa",
    )
    verification.ombudsman_rco_accept(
        case=case,
        actor=assistant,
        expected_version=case.version,
        note="Keselamatan jiwa pasien; koordinasi langsung dengan direktur RSUD.",
    )
    room.room_message_post(
        case=case,
        actor=assistant,
        body="Mohon Bagian Organisasi menghubungi Direktur RSUD Tidar hari ini.",
    )
    return case


STAGES: tuple[tuple[str, Callable[[Institution], OmbudsmanCase]], ...] = (
    (VERIFICATION, _in_verification),
    (EXAMINATION, _in_examination),
    (MONITORING, _with_issued_lahp),
    (RCO, _fast_track),
)


def demo_ombudsman_cases_load(result: Any) -> None:
    """Create the demo Ombudsman cases that are not there yet; ``result.count`` each one."""
    magelang = Institution.objects.get(slug="kota-magelang")
    for title, make in STAGES:
        if OmbudsmanCase.objects.filter(report__title=title, report__institution=magelang).exists():
            continue
        make(magelang)
        result.count("Ombudsman cases")
