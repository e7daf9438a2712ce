"""Report numbers and access codes.

The public number is what a reporter quotes on the phone: short, unambiguous (Crockford
base32: no I, L, O, U) and random, so that numbers cannot be enumerated. The access code is
the secret that opens the status page: 80 random bits, shown once, stored only as a hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ACCESS_CODE_CHARS = 16  # 16 × 5 bits = 80 bits of entropy (targets.md #24 asks ≥ 64)
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
PUBLIC_NUMBER_PATTERN = re.compile(r"^LM-\d{2}[0-9A-HJKMNP-TV-Z]{8}$")


def _random_chars(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def new_public_number() -> str:
    """``LM-26`` + 8 random characters, e.g. ``LM-26K4QJ-7XTM`` without the dash."""
    return f"LM-{timezone.now():%y}{_random_chars(8)}"


def format_public_number(number: str) -> str:
    return f"{number[:9]}-{number[9:]}" if len(number) == 13 else number


def normalise_public_number(raw: str) -> str:
    cleaned = re.sub(r"[\s-]", "", raw.upper())
    if not cleaned.startswith("LM"):
        return cleaned
    return "LM-" + cleaned[2:].translate(_CONFUSABLE)


def new_access_code() -> str:
    return _random_chars(ACCESS_CODE_CHARS)


def format_access_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_access_code(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw.upper()).translate(_CONFUSABLE)


def hash_access_code(code: str) -> str:
    # 80 random bits need no salt or slow hash: there is nothing to guess offline.
    return hashlib.sha256(normalise_access_code(code).encode()).hexdigest()


def access_code_matches(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_access_code(code), stored_hash)
