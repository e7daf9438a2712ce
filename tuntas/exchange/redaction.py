"""Redaction of free text before it leaves for anyone who may not see the reporter.

Public and exchanged text loses what identifies a person: NIKs (16 digits, with or without
separators), Indonesian phone numbers, e-mail addresses, and the reporter's own name, NIK,
phone and e-mail as the sealed identity records them (the reporter may have typed them into
the description too). What is removed becomes ``[…]``, so a reader sees that something was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tuntas.complaints.identity import Identity, normalise_phone, unseal

MASK = "[…]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 16 digits, optionally grouped by spaces, dots or dashes (3308 0101 0101 0001).
_NIK = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")
# +62 / 62 / 0 followed by 8–13 digits in groups: 0812-3456-7890, +62 812 3456 7890, (0293) 36…
_PHONE = re.compile(r"(?<![\w+])(?:\+?62[ .-]?|\(?0)\d{1,4}\)?(?:[ .-]?\d{2,5}){2,4}(?!\d)")
# Any run of 10+ digits left over is a number we should not publish either.
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ .-]?\d){9,}(?!\d)")
_NAME_PART_MIN = 3
# A name introduced the way people introduce themselves in a complaint ("saya Budi Santoso",
# "nama saya …", "atas nama …", "a.n. …"), for reporters whose identity we do not hold
# (anonymous ones, who sometimes sign their text anyway): up to four capitalised words.
_INTRODUCED_NAME = re.compile(
    r"(?P<lead>\b(?i:hormat\s+saya,?|salam,|ttd\.?|nama\s+saya|saya\s+bernama|bernama|atas\s+nama|a\.\s?n\.|saya|"
    r"my\s+name\s+is|i\s+am)\s+)"
    r"(?P<name>(?:(?:Bapak|Ibu|Pak|Bu|Sdr\.?|Sdri\.?)\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3})"
)


# The three number rules in one scan, tried in this order at each position.
_NUMBERS = re.compile(
    rf"(?P<nik>{_NIK.pattern})|(?P<phone>{_PHONE.pattern})|(?P<long>{_LONG_NUMBER.pattern})"
)
_DIGIT_RUN = re.compile(r"\d[\d .()-]{7,}\d")


def _mask_number(match: re.Match[str]) -> str:
    if match.lastgroup == "phone":
        return _mask_phone(match)
    return MASK


def _name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    patterns = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        parts = [part for part in re.split(r"\s+", name) if len(part) >= _NAME_PART_MIN]
        for part in sorted({name, *parts}, key=len, reverse=True):
            patterns.append(re.compile(rf"(?<!\w){re.escape(part)}(?!\w)", re.IGNORECASE))
    return patterns


def _mask_phone(match: re.Match[str]) -> str:
    # Indonesian numbers have 9 to 13 digits after the prefix; shorter runs are dates or sums.
    digits = sum(ch.isdigit() for ch in match.group(0))
    return MASK if digits >= 9 else match.group(0)


def _mask_introduced_name(match: re.Match[str]) -> str:
    return match.group("lead") + MASK


def redact_text(text: str, *, identity: Identity | None = None) -> str:
    """``text`` without NIKs, phone numbers, e-mail addresses and the reporter's details."""
    if not text:
        return text
    redacted = text
    if identity is not None:
        literals = [identity.email, identity.nik, identity.phone]
        for literal in sorted((value for value in literals if value), key=len, reverse=True):
            redacted = re.sub(re.escape(literal), MASK, redacted, flags=re.IGNORECASE)
        if identity.phone:
            digits = normalise_phone(identity.phone)
            local = "0" + digits[2:] if digits.startswith("62") else digits
            for form in {digits, local}:
                if len(form) >= 8:
                    redacted = redacted.replace(form, MASK)
        for pattern in _name_patterns([identity.name]):
            redacted = pattern.sub(MASK, redacted)
    redacted = _INTRODUCED_NAME.sub(_mask_introduced_name, redacted)
    if "@" in redacted:
        redacted = _EMAIL.sub(MASK, redacted)
    # Every number rule needs nine digits or more: texts without such a run skip the scan.
    if _DIGIT_RUN.search(redacted):
        redacted = _NUMBERS.sub(_mask_number, redacted)
    return redacted


def identity_of_sealed(sealed: str | None) -> Identity | None:
    """The identity behind a sealed token, for redaction only; None when there is none."""
    return unseal(sealed) if sealed else None
