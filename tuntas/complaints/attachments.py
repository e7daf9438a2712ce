"""Attachments made safe: type by content, allow-list, caps, clean copies, scanner hook.

The original bytes are kept (for the record and for evidence) under a random name outside the
web root; staff only ever receive the safe copy: images re-encoded without EXIF/GPS, PDFs
rewritten without author metadata.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import magic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "text/plain": "txt",
}
ALLOWED_TYPES = {**IMAGE_TYPES, **DOCUMENT_TYPES}


class AttachmentRefused(ValueError):
    """A file that breaks a rule; the message names the file and the rule."""

    def __init__(self, name: str, rule: str) -> None:
        super().__init__(f"{name}: {rule}")
        self.name = name
        self.rule = rule


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str


def _limits() -> tuple[int, int]:
    return int(settings.ATTACHMENT_MAX_BYTES), int(settings.ATTACHMENT_MAX_COUNT)


def sniff(content: bytes) -> str:
    return str(magic.from_buffer(content[:8192], mime=True))


def attachments_check(
    uploads: list[UploadedFile], *, already_attached: int = 0
) -> list[CheckedFile]:
    """Read and judge every upload before anything is written; refuse the first bad one."""
    max_bytes, max_count = _limits()
    if already_attached + len(uploads) > max_count:
        raise AttachmentRefused(
            uploads[-1].name or "?",
            _("at most %(count)d files can be attached to one report.") % {"count": max_count},
        )
    checked = []
    for upload in uploads:
        name = Path(upload.name or "lampiran").name[:200]
        if upload.size is not None and upload.size > max_bytes:
            raise AttachmentRefused(
                name, _("the file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20}
            )
        content = upload.read(max_bytes + 1)
        if len(content) > max_bytes:
            raise AttachmentRefused(
                name, _("the file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20}
            )
        if not content:
            raise AttachmentRefused(name, _("the file is empty."))
        content_type = sniff(content)
        if content_type not in ALLOWED_TYPES:
            raise AttachmentRefused(
                name,
                _(
                    "this kind of file (%(type)s) is not accepted; send a photo, a PDF or an office document."
                )
                % {"type": content_type},
            )
        verdict = scanner().scan(content)
        if verdict is not None:
            raise AttachmentRefused(
                name, _("the virus scanner refused the file (%(reason)s).") % {"reason": verdict}
            )
        checked.append(
            CheckedFile(name, content, content_type, hashlib.sha256(content).hexdigest())
        )
    return checked


def safe_copy(checked: CheckedFile) -> bytes:
    """What staff may open: images re-encoded (no EXIF/GPS), PDFs without document metadata."""
    if checked.content_type in IMAGE_TYPES:
        from PIL import Image, ImageOps

        with Image.open(io.BytesIO(checked.content)) as opened:
            image = ImageOps.exif_transpose(opened)  # keep the orientation, then drop every tag
            if image.mode not in ("RGB", "RGBA", "L"):
                image = image.convert(
                    "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
                )
            save_format = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[
                checked.content_type
            ]
            if save_format == "JPEG" and image.mode == "RGBA":
                image = image.convert("RGB")
            # A fresh image from raw pixels carries no EXIF, XMP, GPS, ICC or text chunks.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            output = io.BytesIO()
            clean.save(output, format=save_format)
            return output.getvalue()
    if checked.content_type == "application/pdf":
        from pypdf import PdfReader, PdfWriter

        reader = PdfReader(io.BytesIO(checked.content))
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.add_metadata({"/Producer": "Tuntas"})
        output = io.BytesIO()
        writer.write(output)
        return output.getvalue()
    return checked.content


def storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_file(content: bytes, extension: str) -> str:
    """Write under a random name and fsync, so that an acknowledged report's files survive a crash."""
    name = f"{secrets.token_hex(16)}.{extension}"
    path = storage_dir() / name
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return name


class NoScanner:
    def scan(self, content: bytes) -> str | None:
        return None

    configured = False


def scanner() -> NoScanner:
    return NoScanner()
