"""Nomor Induk Kependudukan: 16 digits = region (6) + birth date (6, +40 on the day for women) + serial (4).

Only the format and plausibility are checked here; whether the NIK is registered at Dukcapil
is checked by the Ombudsman during verifikasi formil.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NIK = re.compile(r"^\d{16}$")
# Kemendagri province codes (two digits) in use, Permendagri 72/2019 and the 2022 Papua split.
PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "51",
        "52",
        "53",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
        "97",
    }
)


def nik_birth_date(nik: str, *, today: datetime.date) -> datetime.date | None:
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    century = 2000 if 2000 + year <= today.year else 1900
    try:
        return datetime.date(century + year, month, day)
    except ValueError:
        return None


def validate_nik(raw: str, *, today: datetime.date) -> str:
    nik = re.sub(r"[\s.-]", "", raw)
    if not _NIK.match(nik):
        raise ValidationError(_("A NIK has exactly 16 digits."), code="nik_format")
    if nik[:2] not in PROVINCE_CODES or nik[2:4] == "00" or nik[4:6] == "00":
        raise ValidationError(
            _("The first six digits of this NIK are not a known region code."), code="nik_region"
        )
    birth = nik_birth_date(nik, today=today)
    if birth is None or birth > today:
        raise ValidationError(
            _("Digits 7 to 12 of this NIK are not a valid birth date."), code="nik_birth_date"
        )
    if nik[12:] == "0000":
        raise ValidationError(_("The last four digits of a NIK cannot be 0000."), code="nik_serial")
    return nik
