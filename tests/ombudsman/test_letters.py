"""Official letters: every template renders, numbers run per office and year, no rahasia identity."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from tests.complaints.test_report_submit import CANARY_NAME, CANARY_NIK
from tests.ombudsman.helpers import at, ombudsman_case
from tests.ombudsman.test_track import draft, to_examination
from tuntas.complaints.identity import Identity
from tuntas.ombudsman import services_examination as exam
from tuntas.ombudsman import services_outcome as outcome
from tuntas.ombudsman import services_verification as verification
from tuntas.ombudsman.letters import check_template_body
from tuntas.ombudsman.models import Letter, LetterTemplate, MaladministrationType
from tuntas.ombudsman.models_letters import LetterKind
from tuntas.ombudsman.services_letters import letter_generate, letter_read
from tuntas.sla.services import holidays_import

CANARY_PHONE = "0812-3456-7890"
CANARY_EMAIL = "kanari@contoh.test"


@pytest.fixture(autouse=True)
def holidays(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    holidays_import(year=2026)


def pdf_text(letter: Letter) -> str:
    reader = PdfReader(io.BytesIO(letter_read(letter)))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def squeezed(text: str) -> str:
    return "".join(text.split()).lower()


def a_case_with_every_letter(region, **draft_overrides):
    """A confidential reporter who also names themselves in the description, walked far enough for every letter."""
    case = ombudsman_case(
        region,
        draft={
            "description": (
                f"Saya {CANARY_NAME} (NIK {CANARY_NIK}, HP {CANARY_PHONE}, {CANARY_EMAIL}) "
                "ditolak di loket."
            ),
            **draft_overrides,
        },
    )
    letters = [letter_generate(case=case, kind="tanda_terima", actor=region.asisten_andi)]
    with at(11):
        request = verification.ombudsman_request_completeness(
            case=case,
            actor=region.asisten_andi,
            expected_version=case.version,
            missing_items=f"Salinan KTP atas nama {CANARY_NAME}",
        )
        letters.append(
            letter_generate(
                case=case, kind="kelengkapan", actor=region.asisten_andi, subject=request
            )
        )
        verification.ombudsman_completeness_received(case=case, answer="KTP")
        to_examination(case, region.asisten_andi)
        exam.ombudsman_clarification_request(
            case=case,
            actor=region.asisten_andi,
            expected_version=case.version,
            kind="written",
            questions=f"Mengapa {CANARY_NAME} ditolak?",
        )
        letters.append(letter_generate(case=case, kind="klarifikasi", actor=region.asisten_andi))
        case.refresh_from_db()
        exam.ombudsman_summons_record(
            case=case,
            actor=region.asisten_andi,
            expected_version=case.version,
            person="dr. Ani, Kepala Puskesmas",
            scheduled_at=datetime.datetime(2026, 3, 16, 9, tzinfo=datetime.UTC),
            place="Kantor Ombudsman Jawa Tengah",
        )
        letters.append(letter_generate(case=case, kind="undangan", actor=region.asisten_andi))
        case.refresh_from_db()
        draft(
            case,
            region.asisten_andi,
            "found",
            region,
            maladministration_types=[MaladministrationType.objects.get(code="tidak-patut")],
            corrective_actions=[
                outcome.CorrectiveItem(
                    description=f"Meminta maaf kepada {CANARY_NAME}.", owner=region.magelang
                )
            ],
        )
        letters.append(letter_generate(case=case, kind="lahp", actor=region.asisten_andi))
    with at(26):
        outcome.ombudsman_lahp_issue(
            case=case, actor=region.kepala_jateng, expected_version=case.version
        )
    with at(5, month=5):
        outcome.ombudsman_recommendation_issue(
            case=case,
            actor=region.kepala_jateng,
            expected_version=case.version,
            addressee="Wali Kota Magelang",
            content=f"Memulihkan hak pelayanan {CANARY_NAME}.",
        )
        letters.append(letter_generate(case=case, kind="rekomendasi", actor=region.kepala_jateng))
        outcome.ombudsman_recommendation_close(
            case=case,
            actor=region.kepala_jateng,
            expected_version=case.version,
            outcome="partial",
            follow_up=f"Permintaan maaf kepada {CANARY_NAME} belum disampaikan.",
        )
        letters.append(letter_generate(case=case, kind="penutupan", actor=region.kepala_jateng))
    return case, letters


def test_every_letter_renders_and_no_confidential_identity_appears_in_any_pdf(region):
    case, letters = a_case_with_every_letter(region)
    assert {letter.kind for letter in letters} == set(LetterKind.values)
    canaries = [CANARY_NAME, CANARY_NIK, CANARY_EMAIL, "81234567890"]
    for letter in letters:
        text = squeezed(pdf_text(letter))
        assert case.report.public_number.lower()[:5] in text or "lm-" in text
        for canary in canaries:
            assert squeezed(canary) not in text, (letter.kind, canary)
        assert "dirahasiakan" in text


def test_an_open_reporter_is_named_but_never_with_nik_phone_or_email(region):
    case = ombudsman_case(
        region,
        draft={
            "identity_mode": "terbuka",
            "identity": Identity(
                name="Budi Terbuka", nik=CANARY_NIK, phone=CANARY_PHONE, email=CANARY_EMAIL
            ),
        },
    )
    text = squeezed(pdf_text(letter_generate(case=case, kind="tanda_terima", actor=None)))
    assert "buditerbuka" in text
    assert squeezed(CANARY_NIK) not in text and squeezed(CANARY_EMAIL) not in text


def test_letters_are_numbered_per_office_per_year(region):
    jateng_case = ombudsman_case(region)
    diy_case = ombudsman_case(region, draft={"institution": region.sleman, "unit": None})
    with at(11):
        first = letter_generate(case=jateng_case, kind="tanda_terima", actor=None)
        second = letter_generate(case=jateng_case, kind="tanda_terima", actor=None)
        other = letter_generate(case=diy_case, kind="tanda_terima", actor=None)
    with at(datetime.date(2027, 1, 4)):
        next_year = letter_generate(case=jateng_case, kind="tanda_terima", actor=None)
    assert (first.sequence, second.sequence, other.sequence, next_year.sequence) == (1, 2, 1, 1)
    assert first.number == "0001/PVL.01/PW.33/III/2026"
    assert other.number == "0001/PVL.01/PW.34/III/2026"
    assert next_year.number == "0001/PVL.01/PW.33/I/2027"


def test_a_letter_about_a_missing_record_is_refused(region):
    case = ombudsman_case(region)
    with pytest.raises(ValidationError):
        letter_generate(case=case, kind="rekomendasi", actor=None)
    with pytest.raises(ValidationError):
        letter_generate(case=case, kind="penutupan", actor=None)
    assert not Letter.objects.exists()


def test_a_template_cannot_reach_outside_its_context_and_escapes_everything(region):
    for body in ("{% load static %}", "{% include 'base.html' %}", "{% debug %}", "{% if %}"):
        with pytest.raises(ValidationError):
            check_template_body(body)
    template = LetterTemplate.objects.get(kind="tanda_terima")
    template.body = "<p>{{ report_title }}</p>"
    template.save()
    case = ombudsman_case(region, draft={"title": "<b>Judul</b> & sebagainya"})
    text = pdf_text(letter_generate(case=case, kind="tanda_terima", actor=None))
    assert "<b>Judul</b> & sebagainya" in text
