"""Reporter identities: sealed as one JSON document, found again through blind indexes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from django.utils.translation import gettext_lazy as _

from tuntas.core.sealing import blind_index, seal_text, unseal_text

# What everyone without the right to see a confidential identity reads instead of it.
CONFIDENTIAL_LABEL = _("Reporter withheld")


@dataclass(frozen=True)
class Identity:
    name: str
    nik: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


def seal(identity: Identity) -> str:
    return seal_text(json.dumps(asdict(identity), ensure_ascii=False))


def unseal(token: str) -> Identity:
    return Identity(**json.loads(unseal_text(token)))


def normalise_phone(raw: str) -> str:
    """Indonesian numbers in international form: 0812… and +62812… become 62812…."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def digests(identity: Identity) -> dict[str, str]:
    return {
        "email_digest": blind_index(identity.email),
        "phone_digest": blind_index(normalise_phone(identity.phone)) if identity.phone else "",
        "nik_digest": blind_index(identity.nik),
    }
