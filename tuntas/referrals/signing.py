"""Signed requests between instances: HMAC-SHA256 over method, path, timestamp, nonce and body.

    X-Tuntas-Peer: <the sender's id at the receiver>
    X-Tuntas-Timestamp: <unix seconds>
    X-Tuntas-Nonce: <random, once per request>
    X-Tuntas-Signature: sha256=<hex HMAC-SHA256(secret, METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nBODY)>

The receiver refuses a timestamp outside REFERRAL_SIGNATURE_WINDOW_SECONDS and a nonce it has
already seen from that peer (an exact replay). A retry is a new request (new timestamp and
nonce); what makes it harmless is the idempotency by referral reference and event id.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tuntas.core.sealing import unseal_text
from tuntas.referrals.models import Peer, PeerNonce
from tuntas.webhooks.engine import hmac_hex


class SignatureRefused(Exception):
    def __init__(self, code: str, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _message(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"{method.upper()}\n{path}\n{timestamp}\n{nonce}\n".encode() + body


def signed_headers(*, peer: Peer, method: str, path: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    signature = hmac_hex(
        unseal_text(peer.sealed_secret), _message(method, path, timestamp, nonce, body)
    )
    return {
        "X-Tuntas-Peer": peer.our_id,
        "X-Tuntas-Timestamp": timestamp,
        "X-Tuntas-Nonce": nonce,
        "X-Tuntas-Signature": f"sha256={signature}",
    }


def verify(*, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Peer:
    """The calling peer, or SignatureRefused. ``headers`` is a request's case-insensitive map."""
    get = headers.get
    peer_id = (get("X-Tuntas-Peer") or "").strip()
    timestamp = (get("X-Tuntas-Timestamp") or "").strip()
    nonce = (get("X-Tuntas-Nonce") or "").strip()
    presented = (get("X-Tuntas-Signature") or "").strip()
    if not (peer_id and timestamp and nonce and presented.startswith("sha256=")):
        raise SignatureRefused("signature_missing", _("The request is not signed."))
    peer = Peer.objects.filter(slug=peer_id, is_active=True).first()
    if peer is None or not timestamp.isdigit() or len(nonce) > 64:
        raise SignatureRefused("signature_invalid", _("The signature is not valid."))
    window = int(getattr(settings, "REFERRAL_SIGNATURE_WINDOW_SECONDS", 300))
    if abs(time.time() - int(timestamp)) > window:
        raise SignatureRefused(
            "signature_expired", _("The request's timestamp is outside the accepted window.")
        )
    expected = hmac_hex(
        unseal_text(peer.sealed_secret), _message(method, path, timestamp, nonce, body)
    )
    if not hmac.compare_digest(expected, presented.removeprefix("sha256=")):
        raise SignatureRefused("signature_invalid", _("The signature is not valid."))
    try:
        with transaction.atomic():
            PeerNonce.objects.create(peer=peer, nonce=nonce)
    except IntegrityError:
        raise SignatureRefused(
            "replayed", _("This exact request was already received."), status=409
        ) from None
    return peer
