"""Abuse resistance of the public pages: per-client counters and a proof-of-work challenge.

Counters live in Django's cache (shared by every worker: the file cache on one machine, Redis
in production) and are keyed on REMOTE_ADDR, which the reverse proxy must set to the client's
address. A window opens with the first hit and closes ``window`` seconds later.

The challenge is altcha's (v2, SHA-256, deterministic counter): the server signs a challenge
whose answer is a random counter; tuntas/core/static/tuntas/js/pow.js finds it by brute force
(on average ``max_number / 2`` SHA-256 hashes) and the server checks it with
``altcha.verify_solution``. Nothing is fetched from or sent to a third party.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

import altcha
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

CHALLENGE_LIFETIME_SECONDS = 20 * 60


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window: int  # seconds

    @property
    def minutes(self) -> int:
        return max(1, self.window // 60)


def tracking_failure_limit() -> Limit:
    return Limit(
        "tracking-failures",
        int(getattr(settings, "TRACKING_FAILURES_PER_WINDOW", 10)),
        int(getattr(settings, "TRACKING_FAILURE_WINDOW_SECONDS", 600)),
    )


def submission_limit() -> Limit:
    """Reports sent from one client before each further one needs the proof-of-work."""
    return Limit(
        "report-submissions",
        int(getattr(settings, "REPORT_SUBMISSIONS_PER_WINDOW", 5)),
        int(getattr(settings, "REPORT_SUBMISSION_WINDOW_SECONDS", 600)),
    )


def staging_limit() -> Limit:
    """Files one client may stage: the disk must not fill up with abandoned forms."""
    return Limit(
        "staged-files",
        int(getattr(settings, "REPORT_STAGED_FILES_PER_WINDOW", 40)),
        int(getattr(settings, "REPORT_STAGED_FILES_WINDOW_SECONDS", 3600)),
    )


def webhook_failure_limit() -> Limit:
    """Badly signed or malformed webhook calls from one address before it is refused (429)."""
    return Limit(
        "webhook-failures",
        int(getattr(settings, "MESSAGE_WEBHOOK_FAILURES_PER_WINDOW", 20)),
        int(getattr(settings, "MESSAGE_WEBHOOK_FAILURE_WINDOW_SECONDS", 600)),
    )


def message_sender_limit() -> Limit:
    """Messages one telephone number may send (new reports and replies) per window; beyond it
    the gateway is told 429 with Retry-After and delivers the message again later."""
    return Limit(
        "message-sender",
        int(getattr(settings, "MESSAGES_PER_SENDER_PER_WINDOW", 30)),
        int(getattr(settings, "MESSAGES_PER_SENDER_WINDOW_SECONDS", 3600)),
    )


def signup_limit() -> Limit:
    return Limit(
        "citizen-signups",
        int(getattr(settings, "CITIZEN_SIGNUPS_PER_WINDOW", 5)),
        int(getattr(settings, "CITIZEN_SIGNUP_WINDOW_SECONDS", 3600)),
    )


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(limit: Limit, client: str) -> str:
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]  # no raw addresses in the cache
    return f"tuntas:limit:{limit.name}:{digest}"


def limit_count(limit: Limit, client: str) -> int:
    return int(cache.get(_key(limit, client), 0))


def limit_reached(limit: Limit, client: str) -> bool:
    return limit_count(limit, client) >= limit.count


def limit_hit(limit: Limit, client: str, amount: int = 1) -> int:
    key = _key(limit, client)
    cache.add(key, 0, timeout=limit.window)
    try:
        return int(cache.incr(key, amount))
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=limit.window)
        return amount


# --- Proof of work -------------------------------------------------------------------------


def _hmac_secret() -> str:
    # A key of its own, derived from SECRET_KEY, so that a leaked challenge signs nothing else.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"tuntas.complaints.altcha", hashlib.sha256
    ).hexdigest()


def challenge_max_number() -> int:
    return int(getattr(settings, "REPORT_CHALLENGE_MAX_NUMBER", 100_000))


def challenge_create() -> str:
    """A signed challenge as JSON, for the page's ``data-challenge`` attribute."""
    challenge = altcha.create_challenge(
        "SHA-256",
        1,
        counter=secrets.randbelow(challenge_max_number() + 1),
        expires_at=int(time.time()) + CHALLENGE_LIFETIME_SECONDS,
        hmac_secret=_hmac_secret(),
    )
    return json.dumps(
        {**challenge.to_dict(), "maxNumber": challenge_max_number()}, separators=(",", ":")
    )


def challenge_verify(payload: str) -> bool:
    """True once per solved challenge: a solution cannot be replayed for a second report."""
    if not payload or len(payload) > 4000:
        return False
    result = altcha.verify_solution(payload, _hmac_secret())
    if not result.verified:
        return False
    # The signature names the challenge; the rest of the payload could be re-encoded at will.
    signature = str(altcha.Payload.from_base64(payload).challenge.signature)
    used = "tuntas:altcha-used:" + hashlib.sha256(signature.encode()).hexdigest()
    return bool(cache.add(used, 1, timeout=CHALLENGE_LIFETIME_SECONDS + 60))
