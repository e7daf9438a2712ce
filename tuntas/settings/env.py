"""Strict readers for environment settings.

django-environ parses URLs (databases, e-mail, caches); these wrappers add what it does not do:
a value that cannot be understood stops start-up with a message naming the variable, instead of
silently falling back (environ reads DEBUG=maybe as False).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bad(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"Setting {name}={value!r} is not valid: expected {expected}. "
        f"Fix {name} in the environment or in .env (see .env.example)."
    )


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _bad(name, raw, "true or false")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name, raw, "a whole number") from None
    if value < minimum:
        raise _bad(name, raw, f"a whole number of at least {minimum}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise _bad(name, raw, "one of " + ", ".join(choices))
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise _bad(name, raw, "a comma-separated list with at least one item")
    return items


def env_database(name: str, default: str) -> dict[str, Any]:
    raw = os.environ.get(name, default)
    try:
        config: dict[str, Any] = environ.Env.db_url_config(raw)
    except Exception:  # noqa: BLE001 - environ raises several unrelated types for bad URLs
        raise _bad(
            name,
            raw,
            "a database URL such as sqlite:///var/tuntas.sqlite3 "
            "or postgres://user@127.0.0.1:5432/tuntas",
        ) from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise _bad(name, raw, "an sqlite:// or postgres:// URL")
    if engine == "django.db.backends.sqlite3" and not config.get("NAME"):
        raise _bad(name, raw, "an SQLite URL with a file path")
    return config


def env_email(name: str, default: str) -> dict[str, Any]:
    raw = os.environ.get(name, default)
    try:
        config: dict[str, Any] = environ.Env.email_url_config(raw)
    except Exception:  # noqa: BLE001
        raise _bad(
            name, raw, "an e-mail URL such as consolemail:// or smtp+tls://user:pass@host:587"
        ) from None
    if not config.get("EMAIL_BACKEND"):
        raise _bad(name, raw, "an e-mail URL with a known scheme")
    return config


def env_redis_url(name: str) -> str | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise _bad(name, raw, "a redis://, rediss:// or unix:// URL")
    return raw


def secret_key(var_dir: Path) -> str:
    """SECRET_KEY from the environment, else from var/secret_key, generated on first run."""
    raw = os.environ.get("SECRET_KEY")
    if raw is not None:
        if len(raw) < 32:
            raise _bad("SECRET_KEY", "…", "at least 32 characters")
        return raw
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _key_file(var_dir: Path, name: str, make: object) -> str:
    path = var_dir / name
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    value = make()  # type: ignore[operator]
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return str(value)


def identity_keys(var_dir: Path) -> list[str]:
    """Fernet keys for reporter identities, newest first (rotation: prepend a new key).

    From IDENTITY_ENCRYPTION_KEYS, else var/identity_key, generated on first run. The key
    never lives in the database, so a stolen database dump does not reveal identities.
    """
    from cryptography.fernet import Fernet

    raw = os.environ.get("IDENTITY_ENCRYPTION_KEYS")
    if raw is not None:
        keys = [key.strip() for key in raw.split(",") if key.strip()]
        try:
            for key in keys:
                Fernet(key)
        except ValueError:
            raise _bad(
                "IDENTITY_ENCRYPTION_KEYS",
                "…",
                "comma-separated Fernet keys (32 url-safe base64 bytes)",
            ) from None
        if not keys:
            raise _bad("IDENTITY_ENCRYPTION_KEYS", raw, "at least one Fernet key")
        return keys
    return [_key_file(var_dir, "identity_key", lambda: Fernet.generate_key().decode())]


def identity_digest_key(var_dir: Path) -> str:
    """Key for the blind indexes (e-mail, phone, NIK digests); stable across key rotation."""
    raw = os.environ.get("IDENTITY_DIGEST_KEY")
    if raw is not None:
        if len(raw) < 32:
            raise _bad("IDENTITY_DIGEST_KEY", "…", "at least 32 characters")
        return raw
    return _key_file(var_dir, "identity_digest_key", lambda: secrets.token_urlsafe(48))
