"""E-mail intake: messages from a Maildir or an IMAP mailbox become reports or threaded replies.

Both sources yield the raw bytes of each unread message with a callback that marks it done
(Maildir: moved to ``cur/`` with the ``S`` flag; IMAP: flagged ``\\Seen``). A message is marked
only after ``email_message_ingest`` has committed what it made of it, so a crash reads it
again, and the Message-ID makes that second reading create nothing twice.
"""

from __future__ import annotations

import contextlib
import datetime
import email
import hashlib
import html
import imaplib
import logging
import mailbox
import re
import ssl
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.html import strip_tags

from tuntas.complaints.models import Channel
from tuntas.complaints.services_threading import (
    ChannelMessage,
    ChannelNotConfigured,
    ChannelOutcome,
    channel_message_ingest,
    report_number_in,
)

logger = logging.getLogger(__name__)

MarkDone = Callable[[], None]
REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|balas|tr)\s*:\s*)+", re.IGNORECASE)
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply)@", re.IGNORECASE)
ATTRIBUTION = re.compile(r"^(on\s.+wrote:|pada\s.+menulis:)\s*$", re.IGNORECASE)


class EmailSourceError(RuntimeError):
    """The mailbox cannot be read (wrong path, unreachable server, refused login)."""


# --- Reading one message ------------------------------------------------------------------


def _as_email_message(message: Message) -> EmailMessage:
    if isinstance(message, EmailMessage) and message.policy is not policy.compat32:
        return message
    # policy.default always builds EmailMessage objects.
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", errors="replace")


def html_to_text(markup: str) -> str:
    """Readable text of an HTML body: no scripts or styles, line breaks kept, entities decoded."""
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6])\s*>", "\n", markup)
    text = html.unescape(strip_tags(markup))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _body_part(message: EmailMessage) -> Message | None:
    return message.get_body(preferencelist=("plain", "html"))


def email_body_text(message: EmailMessage) -> str:
    part = _body_part(message)
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_type() == "text/html":
        return html_to_text(text)
    return text.replace("\r\n", "\n").strip()


def without_quoted_reply(text: str) -> str:
    """A reply's own words: the quoted earlier message (``> ...``) and its attribution go."""
    kept = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    while kept and (not kept[-1].strip() or ATTRIBUTION.match(kept[-1].strip())):
        kept.pop()
    return "\n".join(kept).strip()


def email_files(message: EmailMessage) -> list[tuple[str, bytes]]:
    """Every attached file (name, bytes); alternative renderings of the body are not files."""
    body = _body_part(message)
    files: list[tuple[str, bytes]] = []
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        name = part.get_filename()
        if name is None and part.get_content_disposition() != "attachment":
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else part.as_bytes()
        files.append((Path(name or f"lampiran-{len(files) + 1}").name or "lampiran", content))
    return files


def _sender(message: EmailMessage) -> tuple[str, str]:
    header = message.get("From")
    addresses = getattr(header, "addresses", None)
    if addresses:
        return addresses[0].display_name.strip(), addresses[0].addr_spec.strip().lower()
    name, address = parseaddr(str(header or ""))
    return name.strip(), address.strip().lower()


def _ignore_reason(message: EmailMessage, address: str) -> str:
    """Why a message must not be answered (loops, bounces), or "" when it may."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "automatic"
    if str(message.get("Precedence", "")).strip().lower() in AUTOMATIC_PRECEDENCE:
        return "automatic"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "automatic"
    if str(message.get("Return-Path", "")).strip() == "<>":
        return "bounce"
    if not address or AUTOMATIC_SENDERS.match(address):
        return "no_sender" if not address else "automatic"
    try:
        validate_email(address)
    except ValidationError:
        return "no_sender"
    own = parseaddr(str(getattr(settings, "DEFAULT_FROM_EMAIL", "")))[1].lower()
    if own and address == own:
        return "own_address"
    return ""


def _message_id(message: EmailMessage, raw: bytes | None) -> str:
    message_id = str(message.get("Message-ID", "")).strip().strip("<>").strip()
    if message_id and len(message_id) <= 200:
        return message_id
    # No usable Message-ID: the content itself identifies the message for de-duplication.
    content = raw if raw is not None else message.as_bytes()
    return "sha256:" + hashlib.sha256(content).hexdigest()


def _received_at(message: EmailMessage) -> datetime.datetime | None:
    try:
        sent = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return None
    if sent is None:
        return None
    return timezone.make_aware(sent) if timezone.is_naive(sent) else sent


def email_message_ingest(message: Message, *, raw: bytes | None = None) -> ChannelOutcome:
    """One e-mail: a new report (subject → title, body → description, files judged one by
    one), a reply threaded into the sender's report (number in the subject), or an answered
    refusal; the same Message-ID twice creates nothing twice."""
    parsed = _as_email_message(message)
    name, address = _sender(parsed)
    subject = re.sub(r"\s+", " ", str(parsed.get("Subject", ""))).strip()
    body = email_body_text(parsed)
    is_reply = report_number_in(subject) is not None
    return channel_message_ingest(
        message=ChannelMessage(
            channel=Channel.EMAIL,
            message_id=_message_id(parsed, raw),
            sender=address,
            sender_name=name,
            title=REPLY_PREFIX.sub("", subject)[:200],
            text=without_quoted_reply(body) if is_reply else body,
            number_source=subject,
            files=email_files(parsed),
            received_at=_received_at(parsed),
            ignore_reason=_ignore_reason(parsed, address),
        )
    )


def email_bytes_ingest(raw: bytes) -> ChannelOutcome:
    message = email.message_from_bytes(raw, policy=policy.default)
    return email_message_ingest(message, raw=raw)


# --- Sources ------------------------------------------------------------------------------


def maildir_source(path: str | Path) -> Iterator[tuple[bytes, MarkDone]]:
    """Unseen messages of a Maildir (``new/``, and ``cur/`` without the S flag)."""
    root = Path(path)
    if not all((root / sub).is_dir() for sub in ("new", "cur", "tmp")):
        raise EmailSourceError(f"{root} is not a Maildir (it needs new/, cur/ and tmp/)")
    box = mailbox.Maildir(str(root), factory=None, create=False)
    for key in sorted(box.keys()):
        try:
            flags = box.get_message(key).get_flags()
        except KeyError:  # taken away by another reader meanwhile
            continue
        if "S" in flags:
            continue

        def mark_done(key: str = key) -> None:
            seen = box.get_message(key)
            seen.set_subdir("cur")
            seen.add_flag("S")
            box[key] = seen

        yield box.get_bytes(key), mark_done


def _imap_ok(result: tuple[str, Any], what: str) -> list[Any]:
    status, data = result
    if status != "OK":
        raise EmailSourceError(f"IMAP {what} failed: {data!r}"[:300])
    return data


def imap_source(
    *,
    host: str,
    user: str,
    password: str,
    folder: str = "INBOX",
    port: int = 993,
    cafile: str = "",
) -> Iterator[tuple[bytes, MarkDone]]:
    """Unseen messages of an IMAP folder over TLS; each is flagged \\Seen once done."""
    context = ssl.create_default_context(cafile=cafile or None)
    try:
        client = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=60)
    except (OSError, imaplib.IMAP4.error) as error:
        raise EmailSourceError(
            f"cannot connect to the IMAP server {host}:{port} over TLS: {error}"
        ) from None
    try:
        try:
            _imap_ok(client.login(user, password), "login")
            _imap_ok(client.select(folder), f"select {folder}")
            found = _imap_ok(client.uid("SEARCH", "UNSEEN"), "search")
        except imaplib.IMAP4.error as error:
            raise EmailSourceError(f"IMAP: {error}") from None
        uids = found[0].split() if found and isinstance(found[0], bytes) else []
        for uid in uids:
            fetched = _imap_ok(client.uid("FETCH", uid.decode(), "(BODY.PEEK[])"), "fetch")
            raw = next(
                (item[1] for item in fetched if isinstance(item, tuple) and len(item) > 1), None
            )
            if not isinstance(raw, bytes):
                continue

            def mark_done(uid: str = uid.decode()) -> None:
                _imap_ok(client.uid("STORE", uid, "+FLAGS", "(\\Seen)"), "store")

            yield raw, mark_done
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def imap_source_from_settings() -> Iterator[tuple[bytes, MarkDone]]:
    host = str(getattr(settings, "IMAP_HOST", "") or "")
    if not host:
        raise EmailSourceError("IMAP_HOST is not set")
    return imap_source(
        host=host,
        port=int(getattr(settings, "IMAP_PORT", 993) or 993),
        user=str(getattr(settings, "IMAP_USER", "") or ""),
        password=str(getattr(settings, "IMAP_PASSWORD", "") or ""),
        folder=str(getattr(settings, "IMAP_FOLDER", "") or "INBOX"),
        cafile=str(getattr(settings, "IMAP_CAFILE", "") or ""),
    )


# --- Running a source ---------------------------------------------------------------------


@dataclass
class IntakeSummary:
    outcomes: Counter[str] = field(default_factory=Counter)
    failed: int = 0

    @property
    def read(self) -> int:
        return sum(self.outcomes.values()) + self.failed


def email_intake_run(source: Iterable[tuple[bytes, MarkDone]]) -> IntakeSummary:
    """Ingest every message of ``source``; one broken message does not stop the others."""
    summary = IntakeSummary()
    for raw, mark_done in source:
        try:
            outcome = email_bytes_ingest(raw)
        except ChannelNotConfigured:
            raise  # nothing can be taken; the messages stay unread for the next run
        # Left unread, retried next run, logged for operators: one message must not stop all.
        except Exception:
            logger.exception("e-mail intake: a message could not be processed")
            summary.failed += 1
            continue
        mark_done()
        summary.outcomes[outcome.outcome] += 1
    return summary
