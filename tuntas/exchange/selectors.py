"""Reads for the API: which key is presented, and where its client may send reports."""

from __future__ import annotations

import hashlib
import hmac

from django.db.models import QuerySet

from tuntas.exchange.models import ApiClient
from tuntas.institutions.models import Institution

KEY_PREFIX_LENGTH = 8
# Compared when the prefix is unknown, so that an unknown and a wrong key cost the same time.
_DUMMY_HASH = hashlib.sha256(b"tuntas-no-such-api-key").hexdigest()


def hash_api_key(key: str) -> str:
    # The key carries 256 random bits: a salted slow hash would add nothing but latency.
    return hashlib.sha256(key.encode()).hexdigest()


def api_client_for_key(key: str) -> ApiClient | None:
    """The client whose key this is, whatever its state (the caller judges expiry); else None."""
    prefix, dot, _secret = key.partition(".")
    client = None
    if dot and len(prefix) == KEY_PREFIX_LENGTH:
        client = ApiClient.objects.select_related("institution").filter(key_prefix=prefix).first()
    stored = client.key_hash if client is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_api_key(key), stored)
    return client if client is not None and matches else None


def institutions_open_to(client: ApiClient) -> QuerySet[Institution]:
    """A client sends reports to its own institution; an Ombudsman office's client to any."""
    if client.institution.is_ombudsman:
        return Institution.objects.all()
    return Institution.objects.filter(pk=client.institution_id)
