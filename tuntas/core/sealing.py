"""Encryption at rest for personal data (reporter identities, message recipients).

Fernet (AES-128-CBC with HMAC-SHA256) through MultiFernet, so that keys can be rotated by
prepending a new one. The keys come from the environment or var/, never from the database.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.IDENTITY_ENCRYPTION_KEYS])


def seal_text(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal_text(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    """A keyed hash of a normalised value, to find rows without decrypting them."""
    normalised = value.strip().lower()
    if not normalised:
        return ""
    return hmac.new(
        settings.IDENTITY_DIGEST_KEY.encode(), normalised.encode(), hashlib.sha256
    ).hexdigest()
