"""Attachments made safe: type by content, allow-list, caps, clean copies, virus scan.

The original bytes are kept (for the record and for evidence) under a random name outside the
web root (MEDIA_ROOT, which no URL serves); staff only ever receive the safe copy: images
re-encoded from their pixels (no EXIF, GPS, XMP, ICC or text chunks), PDFs rebuilt from their
pages without document metadata, office documents without their author properties.

The content decides the type, never the name: a "foto.jpg" that is a PDF is accepted as a PDF
and its copies get the ``.pdf`` extension; an executable called "foto.jpg" is refused.
Everything is judged (and the safe copy made) before anything is written, so that a refused
or damaged file stops the submission before the database is touched.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import magic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tuntas.complaints.scanning import NoScanner as NoScanner  # re-exported
from tuntas.complaints.scanning import Scanner, ScannerUnavailable, configured_scanner
from tuntas.core.faults import fault_point

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    DOCX: "docx",
    XLSX: "xlsx",
    ODT: "odt",
    ODS: "ods",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "text/plain": "txt",
}
ALLOWED_TYPES = {**IMAGE_TYPES, **DOCUMENT_TYPES}
# Above this a photo is a decompression bomb, not evidence (a 50 MP camera is already rare).
DEFAULT_MAX_PIXELS = 50_000_000
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


class AttachmentRefused(ValueError):
    """A file that breaks a rule; the message names the file and the rule."""

    retryable = False

    def __init__(self, name: str, rule: str) -> None:
        super().__init__(f"{name}: {rule}")
        self.name = name
        self.rule = rule


class AttachmentCheckUnavailable(AttachmentRefused):
    """The virus scanner is configured but gave no verdict: refuse now, the reporter may retry."""

    retryable = True


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str
    # The copy staff may open, made while checking so that a damaged file is refused early.
    safe_content: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def extension(self) -> str:
        return ALLOWED_TYPES[self.content_type]


def _limits() -> tuple[int, int]:
    return int(settings.ATTACHMENT_MAX_BYTES), int(settings.ATTACHMENT_MAX_COUNT)


def clean_name(raw: str | None) -> str:
    """The file name as shown to people: no directories, control characters or leading dots."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = unicodedata.normalize("NFC", _UNSAFE_NAME_CHARS.sub("", name)).strip().lstrip(".")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        keep = f"{dot}{extension}" if dot and len(extension) <= 10 else ""
        name = (stem if keep else name)[: 200 - len(keep)] + keep
    return name or "lampiran"


def safe_download_name(original_name: str, content_type: str) -> str:
    """The name to offer a safe copy under: the original stem with the sniffed type's extension."""
    stem = Path(clean_name(original_name)).stem or "lampiran"
    return f"{stem}.{ALLOWED_TYPES.get(content_type, 'bin')}"


def sniff(content: bytes) -> str:
    """The type the bytes say they are; zip-based office documents are looked inside."""
    content_type = str(magic.from_buffer(content[:8192], mime=True))
    if content_type in _ZIP_TYPES or content_type in _ZIP_DOCUMENTS:
        return _sniff_zip(content) or content_type
    return content_type


def scanner() -> Scanner:
    """The configured virus scanner (settings.CLAMAV_URL), or one that accepts everything."""
    return configured_scanner()


def _too_large(name: str, max_bytes: int) -> AttachmentRefused:
    return AttachmentRefused(
        name, _("the file is larger than %(mb)d MB.") % {"mb": max(1, max_bytes // 2**20)}
    )


def _judge(name: str, content: bytes, active_scanner: Scanner) -> CheckedFile:
    if not content:
        raise AttachmentRefused(name, _("the file is empty."))
    content_type = sniff(content)
    if content_type not in ALLOWED_TYPES:
        raise AttachmentRefused(
            name,
            _(
                "this kind of file (%(type)s) is not accepted; send a photo (JPEG, PNG, WebP), "
                "a PDF, an office document or a text file."
            )
            % {"type": content_type},
        )
    try:
        verdict = active_scanner.scan(content)
    except ScannerUnavailable:
        raise AttachmentCheckUnavailable(
            name,
            _(
                "the file cannot be checked for viruses right now; nothing was saved, "
                "please try again later."
            ),
        ) from None
    if verdict is not None:
        raise AttachmentRefused(
            name,
            _("the virus scanner found %(signature)s in the file; it was not accepted.")
            % {"signature": verdict},
        )
    checked = CheckedFile(name, content, content_type, hashlib.sha256(content).hexdigest())
    return replace(checked, safe_content=_make_safe_copy(checked))


def attachments_check(
    uploads: list[UploadedFile], *, already_attached: int = 0
) -> list[CheckedFile]:
    """Read and judge every upload before anything is written; refuse the first bad one."""
    max_bytes, max_count = _limits()
    if already_attached + len(uploads) > max_count:
        raise AttachmentRefused(
            clean_name(uploads[-1].name),
            _("at most %(count)d files can be attached to one report.") % {"count": max_count},
        )
    active_scanner: Scanner | None = None  # made on first use: no files, no scanner needed
    checked = []
    for upload in uploads:
        name = clean_name(upload.name)
        if upload.size is not None and upload.size > max_bytes:
            raise _too_large(name, max_bytes)
        upload.seek(0)
        content = upload.read(max_bytes + 1)
        if len(content) > max_bytes:
            raise _too_large(name, max_bytes)
        active_scanner = active_scanner or scanner()
        checked.append(_judge(name, content, active_scanner))
    return checked


# --- Safe copies ---------------------------------------------------------------------------


def _damaged(name: str) -> AttachmentRefused:
    return AttachmentRefused(
        name, _("the file is damaged or cannot be read; save it again and send the new copy.")
    )


def _image_copy(checked: CheckedFile) -> bytes:
    from PIL import Image, ImageOps

    max_pixels = int(getattr(settings, "ATTACHMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    try:
        with Image.open(io.BytesIO(checked.content)) as opened:
            width, height = opened.size
            if width * height > max_pixels:
                raise AttachmentRefused(
                    checked.name,
                    _("the picture is too large (%(mp)d megapixels at most).")
                    % {"mp": max_pixels // 1_000_000},
                )
            image = ImageOps.exif_transpose(opened)  # keep the orientation, then drop every tag
            save_format = _PIL_FORMATS[checked.content_type]
            has_alpha = "A" in image.getbands() or "transparency" in image.info
            keep = {"JPEG": ("RGB", "L", "CMYK"), "PNG": ("RGB", "RGBA", "L", "LA")}.get(
                save_format, ("RGB", "RGBA")
            )
            if image.mode not in keep:
                image = image.convert("RGBA" if has_alpha and save_format != "JPEG" else "RGB")
            # A fresh image from raw pixels carries no EXIF, XMP, GPS, ICC or text chunks.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            output = io.BytesIO()
            options = {"quality": 90} if save_format in ("JPEG", "WEBP") else {}
            clean.save(output, format=save_format, **options)
            return output.getvalue()
    except AttachmentRefused:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _damaged(checked.name) from None


# Page entries that carry metadata or run something when the page is opened.
_PDF_PAGE_KEYS = ("/Metadata", "/PieceInfo", "/AA")


def _pdf_copy(checked: CheckedFile) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(io.BytesIO(checked.content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise AttachmentRefused(
                checked.name,
                _("the PDF is protected by a password; remove the password and send it again."),
            )
        # Pages only: the document catalogue (XMP /Metadata, /OpenAction, scripts) stays behind.
        writer = PdfWriter()
        for page in reader.pages:
            for key in _PDF_PAGE_KEYS:  # before copying: add_page copies what they point to
                if key in page:
                    del page[NameObject(key)]
            writer.add_page(page)
        writer.add_metadata({"/Producer": "Tuntas"})
        output = io.BytesIO()
        writer.write(output)
        return output.getvalue()
    except AttachmentRefused:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError):
        raise _damaged(checked.name) from None


# Zip-based office documents (OOXML, ODF). Their property parts name the author and the
# organisation; they are replaced by empty ones (the parts stay, so that the package's content
# types and relationships still point at something). Names inside tracked changes and comments
# (word/*.xml) are not touched.
_ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
_ZIP_DOCUMENTS = {DOCX, XLSX, ODT, ODS}
_OOXML_MAIN = {
    b"wordprocessingml.document.main+xml": DOCX,
    b"spreadsheetml.sheet.main+xml": XLSX,
    b"ms-word.document.macroEnabled.main+xml": "application/vnd.ms-word.document.macroEnabled.12",
    b"ms-excel.sheet.macroEnabled.main+xml": "application/vnd.ms-excel.sheet.macroEnabled.12",
}
_EMPTY_PARTS = {
    "docProps/core.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/"/>',
    "docProps/app.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>',
    "docProps/custom.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'custom-properties"/>',
    "meta.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>',
}
_MAX_ZIP_ENTRIES = 5000


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as entry:
        data = entry.read(limit + 1)
    if len(data) > limit:
        raise _ZipTooLarge
    return data


class _ZipTooLarge(Exception):
    pass


def _sniff_zip(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = _read_entry(archive, archive.getinfo("mimetype"), 200).strip()
                return {ODT.encode(): ODT, ODS.encode(): ODS}.get(declared)
            if "[Content_Types].xml" in names:
                types = _read_entry(archive, archive.getinfo("[Content_Types].xml"), 2**20)
                for marker, content_type in _OOXML_MAIN.items():
                    if marker in types:
                        return content_type
    except (zipfile.BadZipFile, _ZipTooLarge, OSError, RuntimeError, ValueError):
        return None
    return None


def _document_copy(checked: CheckedFile) -> bytes:
    max_unpacked = int(getattr(settings, "ATTACHMENT_MAX_UNPACKED_BYTES", 200 * 2**20))
    too_large = AttachmentRefused(
        checked.name, _("the document unpacks to too much data to be opened safely.")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(checked.content)) as archive:
            entries = archive.infolist()
            if len(entries) > _MAX_ZIP_ENTRIES:
                raise too_large
            if any(entry.filename.lower().endswith("vbaproject.bin") for entry in entries):
                raise AttachmentRefused(
                    checked.name, _("documents with macros are not accepted; save it without them.")
                )
            output = io.BytesIO()
            budget = max_unpacked
            with zipfile.ZipFile(output, "w") as clean:
                for entry in entries:  # in order: ODF needs "mimetype" first and stored
                    data = _read_entry(archive, entry, budget)
                    budget -= len(data)
                    clean.writestr(entry, _EMPTY_PARTS.get(entry.filename, data))
            return output.getvalue()
    except AttachmentRefused:
        raise
    except _ZipTooLarge:
        raise too_large from None
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        raise _damaged(checked.name) from None


def _make_safe_copy(checked: CheckedFile) -> bytes:
    if checked.content_type in IMAGE_TYPES:
        return _image_copy(checked)
    if checked.content_type == "application/pdf":
        return _pdf_copy(checked)
    if checked.content_type in _ZIP_DOCUMENTS:
        return _document_copy(checked)
    # Legacy .doc/.xls (OLE) and text are kept as they are.
    return checked.content


def safe_copy(checked: CheckedFile) -> bytes:
    """What staff may open: images re-encoded (no EXIF/GPS), PDFs and documents without authors."""
    if checked.safe_content is not None:
        return checked.safe_content
    return _make_safe_copy(checked)


# --- Storage -------------------------------------------------------------------------------


def storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_file(content: bytes, extension: str) -> str:
    """Write under a random name and fsync, so that an acknowledged report's files survive a crash.

    The file and its directory entry are on disk before the caller commits the row that names
    it; a crash before that commit leaves at most an unreferenced file, never a row without one.
    """
    name = f"{secrets.token_hex(16)}.{extension}"
    directory = storage_dir()
    with open(directory / name, "xb") as handle:
        middle = len(content) // 2
        handle.write(content[:middle])
        handle.flush()
        fault_point("attachment.mid_write")
        handle.write(content[middle:])
        handle.flush()
        os.fsync(handle.fileno())
    _fsync_directory(directory)
    return name
