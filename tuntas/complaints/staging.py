"""Files held between the report form and the "Send" button.

A reporter on a slow connection uploads each file once: it is judged by ``attachments_check``
at upload time and its checked bytes wait under ``var/staging/<token>/`` until the report is
sent (then the directory is deleted) or abandoned (then ``staging_sweep`` deletes it after
24 hours). The token lives in the reporter's session; the directory holds the files and a
small manifest with their original names.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tuntas.complaints.attachments import CheckedFile

STAGING_MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class StagedFile:
    id: str
    name: str
    content_type: str
    size: int
    sha256: str


def staging_root() -> Path:
    return Path(getattr(settings, "STAGING_DIR", Path(settings.VAR_DIR) / "staging"))


def staging_new_token() -> str:
    return secrets.token_hex(16)


def _directory(token: str) -> Path:
    # The token comes from the session; never let it name anything outside the staging root.
    if not _TOKEN.match(token):
        raise ValueError("malformed staging token")
    return staging_root() / token


def staged_list(token: str) -> list[StagedFile]:
    try:
        manifest = (_directory(token) / _MANIFEST).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return []
    return [StagedFile(**entry) for entry in json.loads(manifest)]


def _write_manifest(directory: Path, files: list[StagedFile]) -> None:
    temporary = directory / f"{_MANIFEST}.tmp"
    temporary.write_text(json.dumps([asdict(f) for f in files]), encoding="utf-8")
    os.replace(temporary, directory / _MANIFEST)


def staged_add(*, token: str, checked: CheckedFile) -> StagedFile:
    directory = _directory(token)
    directory.mkdir(parents=True, exist_ok=True)
    file_id = secrets.token_hex(8)
    with open(directory / file_id, "wb") as handle:
        handle.write(checked.content)
    staged = StagedFile(
        id=file_id,
        name=checked.name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
    )
    _write_manifest(directory, [*staged_list(token), staged])
    return staged


def staged_remove(*, token: str, file_id: str) -> None:
    files = staged_list(token)
    remaining = [f for f in files if f.id != file_id]
    if len(remaining) == len(files):
        return
    directory = _directory(token)
    (directory / file_id).unlink(missing_ok=True)
    _write_manifest(directory, remaining)


def staged_uploads(token: str) -> list[SimpleUploadedFile]:
    """The staged files as uploads, for ``report_submit`` to judge and store once more."""
    directory = _directory(token)
    uploads = []
    for staged in staged_list(token):
        try:
            content = (directory / staged.id).read_bytes()
        except OSError:
            continue  # swept meanwhile; the review page listed what is still there
        uploads.append(SimpleUploadedFile(staged.name, content, content_type=staged.content_type))
    return uploads


def staging_discard(token: str) -> None:
    try:
        shutil.rmtree(_directory(token), ignore_errors=True)
    except ValueError:
        return


def staging_sweep(*, now: float | None = None) -> int:
    """Delete staging directories untouched for 24 hours; returns how many were removed."""
    root = staging_root()
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - STAGING_MAX_AGE_SECONDS
    removed = 0
    for entry in root.iterdir():
        try:
            if entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
