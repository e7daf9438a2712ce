from __future__ import annotations

import pytest

from tests.complaints.test_report_submit import CANARY_NAME, CANARY_NIK, draft_for
from tests.factories import staff_member
from tuntas.complaints.identity import Identity
from tuntas.complaints.services_intake import report_submit

OPEN_NAME = "Kanari Terbuka Wibisono"
OPEN_NIK = "3371014501900003"


@pytest.fixture(autouse=True)
def transfer_files(settings, tmp_path):
    settings.TRANSFER_DIR = tmp_path / "transfer"
    return settings.TRANSFER_DIR


@pytest.fixture
def three_reports(region):
    """An open, a confidential and an anonymous report at a Magelang puskesmas."""
    open_report = report_submit(
        draft=draft_for(
            region,
            identity_mode="terbuka",
            title="Antrean loket terlalu lama",
            identity=Identity(name=OPEN_NAME, nik=OPEN_NIK, email="terbuka@contoh.test"),
        ),
        channel="web",
    ).report
    confidential = report_submit(draft=draft_for(region), channel="web").report
    anonymous = report_submit(
        draft=draft_for(region, identity_mode="anonim", identity=None, consent=False),
        channel="web",
    ).report
    return open_report, confidential, anonymous


@pytest.fixture
def privacy_officer(region):
    return staff_member(
        role="petugas_privasi",
        institution=region.magelang,
        email="privasi.magelang@contoh.test",
        full_name="Petugas Privasi",
    )


__all__ = ["CANARY_NAME", "CANARY_NIK", "OPEN_NAME", "OPEN_NIK"]
