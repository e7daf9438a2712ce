"""The id of the request being served, for audit events and log lines.

Only the request id travels this way; the acting user is always passed explicitly.
"""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(value: str | None = None) -> contextvars.Token[str | None]:
    return _request_id.set(value or uuid.uuid4().hex)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    _request_id.reset(token)
