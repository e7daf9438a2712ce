from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tuntas.complaints import codes
from tuntas.complaints.nik import nik_birth_date, validate_nik

TODAY = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("nik", "birth"),
    [
        ("3371014507900001", datetime.date(1990, 7, 5)),  # a woman: day + 40
        ("3306010101000002", datetime.date(2000, 1, 1)),
        ("3374121212121234", datetime.date(2012, 12, 12)),
    ],
)
def test_a_plausible_nik_is_accepted_and_its_birth_date_read(nik, birth):
    assert validate_nik(nik, today=TODAY) == nik
    assert nik_birth_date(nik, today=TODAY) == birth


def test_spaces_dots_and_dashes_are_forgiven():
    assert validate_nik("3371 0145 0790 0001", today=TODAY) == "3371014507900001"


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("337101450790001", "nik_format"),
        ("33710145079000012", "nik_format"),
        ("33710A4507900001", "nik_format"),
        ("9971014507900001", "nik_region"),
        ("3300014507900001", "nik_region"),
        ("3371013207900001", "nik_birth_date"),
        ("3371011513900001", "nik_birth_date"),
        ("3371014507900000", "nik_serial"),
    ],
)
def test_an_implausible_nik_is_refused_with_the_reason(nik, code):
    with pytest.raises(ValidationError) as error:
        validate_nik(nik, today=TODAY)
    assert error.value.code == code


@given(st.integers(min_value=0, max_value=50))
def test_access_codes_survive_any_formatting_the_reporter_types(seed):
    code = codes.new_access_code()
    typed = codes.format_access_code(code).lower().replace("-", " " if seed % 2 else "-")
    assert codes.access_code_matches(typed, codes.hash_access_code(code))


def test_confusable_characters_are_read_as_their_digits():
    assert codes.normalise_access_code("oIlU-0000") == codes.normalise_access_code("011V0000")


def test_report_numbers_never_contain_ambiguous_letters():
    for _ in range(200):
        number = codes.new_public_number()
        assert codes.PUBLIC_NUMBER_PATTERN.match(number)
        assert not set(number[5:]) & set("ILOU")
