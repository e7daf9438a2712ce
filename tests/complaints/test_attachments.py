"""Attachments: the content decides the type, the caps hold, and staff copies carry no metadata."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from tuntas.complaints.attachments import (
    ALLOWED_TYPES,
    AttachmentRefused,
    attachments_check,
    clean_name,
    safe_copy,
    safe_download_name,
    write_file,
)


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the refusal messages in English (the msgids)."""
    with translation.override("en"):
        yield


CANARY = "Canary Name"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT_TYPE = "application/vnd.oasis.opendocument.text"


@pytest.fixture(autouse=True)
def in_english():
    """Refusals are asserted on their English msgids."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def check_one(name: str, content: bytes):
    (checked,) = attachments_check([upload(name, content)])
    return checked


# --- Files made for the tests ----------------------------------------------------------------


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = CANARY  # Artist
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x8825] = {1: "S", 2: (7.0, 28.0, 30.0), 3: "E", 4: (110.0, 13.0, 5.0)}  # GPS IFD
    return exif


def jpeg_with_gps() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(
        output, "JPEG", exif=gps_exif(), xmp=f"<x:xmpmeta>{CANARY}</x:xmpmeta>".encode()
    )
    return output.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", CANARY)
    info.add_text("Comment", CANARY, zip=True)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{CANARY}</x:xmpmeta>")
    output = io.BytesIO()
    Image.new("RGBA", (32, 32), (0, 128, 0, 200)).save(output, "PNG", pnginfo=info, exif=gps_exif())
    return output.getvalue()


def webp_with_exif() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (32, 32), "blue").save(
        output, "WEBP", exif=gps_exif(), xmp=f"<x:xmpmeta>{CANARY}</x:xmpmeta>".encode()
    )
    return output.getvalue()


def pdf_with_author() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": CANARY, "/Creator": CANARY, "/Title": f"Laporan {CANARY}"})
    xmp = StreamObject()
    xmp.set_data(f"<x:xmpmeta><dc:creator>{CANARY}</dc:creator></x:xmpmeta>".encode())
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    reference = writer._add_object(xmp)
    writer._root_object[NameObject("/Metadata")] = reference
    writer.pages[0][NameObject("/Metadata")] = reference
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def office_zip(kind: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    core = (
        '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator>{CANARY}</dc:creator><cp:lastModifiedBy>{CANARY}</cp:lastModifiedBy>"
        "</cp:coreProperties>"
    )
    app = (
        '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/extended-properties"><Company>{CANARY} Corp</Company>'
        f"<Manager>{CANARY}</Manager></Properties>"
    )
    main, part = {
        "docx": ("wordprocessingml.document.main+xml", "word/document.xml"),
        "xlsx": ("spreadsheetml.sheet.main+xml", "xl/workbook.xml"),
        "docm": ("ms-word.document.macroEnabled.main+xml", "word/document.xml"),
    }[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/content-types"><Override PartName="/{part}" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{main}"/></Types>'
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<document>Jalan rusak di depan balai desa</document>")
        archive.writestr("docProps/core.xml", core)
        archive.writestr("docProps/app.xml", app)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return output.getvalue()


def odt_with_author() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODT_TYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml", "<office:document-content>Isi laporan</office:document-content>"
        )
        archive.writestr(
            "meta.xml",
            f"<office:document-meta><office:meta><meta:initial-creator>{CANARY}"
            "</meta:initial-creator></office:meta></office:document-meta>",
        )
    return output.getvalue()


def unpacked(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


# --- Images ----------------------------------------------------------------------------------


def test_a_photo_with_gps_is_kept_as_sent_but_its_safe_copy_has_no_exif_gps_or_xmp():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the canary is there

    checked = check_one("foto.jpg", original)
    assert checked.content == original
    assert checked.sha256 == hashlib.sha256(original).hexdigest()
    copy = safe_copy(checked)
    with Image.open(io.BytesIO(copy)) as image:
        assert image.format == "JPEG"
        assert image.size == (64, 48)
        assert len(image.getexif()) == 0
        assert not image.getexif().get_ifd(0x8825)
        assert (
            "exif" not in image.info and "xmp" not in image.info and "icc_profile" not in image.info
        )
    assert CANARY.encode() not in copy and b"CanaryCam" not in copy


def test_a_png_loses_its_text_chunks_xmp_and_exif_in_the_safe_copy():
    checked = check_one("peta.png", png_with_text())
    with Image.open(io.BytesIO(safe_copy(checked))) as image:
        image.load()
        assert image.format == "PNG"
        assert image.mode == "RGBA"  # transparency survives
        assert image.text == {}
        assert "exif" not in image.info and "xmp" not in image.info
    assert CANARY.encode() not in safe_copy(checked)


def test_a_webp_loses_its_exif_and_xmp_in_the_safe_copy():
    checked = check_one("foto.webp", webp_with_exif())
    assert checked.content_type == "image/webp"
    with Image.open(io.BytesIO(safe_copy(checked))) as image:
        assert "exif" not in image.info and "xmp" not in image.info
    assert CANARY.encode() not in safe_copy(checked)


def test_the_safe_copy_keeps_the_photo_upright_when_exif_says_it_was_rotated():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    output = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(output, "JPEG", exif=exif)
    with Image.open(io.BytesIO(safe_copy(check_one("miring.jpg", output.getvalue())))) as image:
        assert image.size == (20, 60)


def test_a_damaged_photo_is_refused_before_anything_is_written(media_root):
    broken = jpeg_with_gps()[:200]
    with pytest.raises(AttachmentRefused) as refused:
        attachments_check([upload("rusak.jpg", broken)])
    assert refused.value.name == "rusak.jpg"
    assert "damaged" in refused.value.rule
    assert not media_root.exists() or not any(media_root.rglob("*"))


def test_a_picture_with_too_many_pixels_is_refused_as_a_decompression_bomb(settings):
    settings.ATTACHMENT_MAX_PIXELS = 1000
    output = io.BytesIO()
    Image.new("L", (100, 100)).save(output, "PNG")
    with pytest.raises(AttachmentRefused, match="too large"):
        check_one("bom.png", output.getvalue())


# --- PDF and office documents ----------------------------------------------------------------


def test_a_pdf_copy_has_no_author_creator_title_or_xmp_and_no_trace_of_them_in_its_bytes():
    original = pdf_with_author()
    assert CANARY.encode() in original
    checked = check_one("surat.pdf", original)
    copy = safe_copy(checked)
    reader = PdfReader(io.BytesIO(copy))
    metadata = reader.metadata or {}
    assert "/Author" not in metadata and "/Creator" not in metadata and "/Title" not in metadata
    assert reader.xmp_metadata is None
    assert "/Metadata" not in reader.pages[0]
    assert len(reader.pages) == 1
    assert CANARY.encode() not in copy


@pytest.mark.parametrize(("kind", "content_type"), [("docx", DOCX_TYPE), ("xlsx", XLSX_TYPE)])
def test_an_office_document_copy_drops_the_author_and_company_but_keeps_the_content(
    kind, content_type
):
    original = office_zip(kind)
    checked = check_one(f"berkas.{kind}", original)
    assert checked.content_type == content_type
    copy = safe_copy(checked)
    assert CANARY.encode() not in unpacked(copy)
    assert b"Jalan rusak di depan balai desa" in unpacked(copy)
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        assert {"docProps/core.xml", "docProps/app.xml", "[Content_Types].xml"} <= set(
            archive.namelist()
        )
    assert check_one(f"salinan.{kind}", copy).content_type == content_type  # still that type


def test_an_opendocument_text_loses_its_creator_and_keeps_its_mimetype_first_and_stored():
    checked = check_one("laporan.odt", odt_with_author())
    assert checked.content_type == ODT_TYPE
    copy = safe_copy(checked)
    assert CANARY.encode() not in unpacked(copy)
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def test_a_document_with_macros_is_refused():
    with pytest.raises(AttachmentRefused, match="not accepted"):
        check_one("makro.docm", office_zip("docm"))
    with pytest.raises(AttachmentRefused, match="macros"):
        check_one("makro.docx", office_zip("docx", extra={"word/vbaProject.bin": b"\x00" * 64}))


def test_a_document_that_unpacks_to_too_much_data_is_refused(settings):
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = 100_000
    bomb = office_zip("docx", extra={"word/media/padding.bin": b"\x00" * 1_000_000})
    assert len(bomb) < 20_000
    with pytest.raises(AttachmentRefused, match="too much data"):
        check_one("bom.docx", bomb)


def test_a_zip_that_is_not_an_office_document_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("program.exe", b"MZ" + b"\x00" * 100)
    with pytest.raises(AttachmentRefused, match="not accepted"):
        check_one("dokumen.docx", output.getvalue())


# --- What is refused, and how ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("halaman.html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("foto.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 512),
        ("arsip.zip", b"PK\x05\x06" + b"\x00" * 18),
    ],
)
def test_unsafe_kinds_of_file_are_refused_whatever_their_name_says(name, content):
    with pytest.raises(AttachmentRefused) as refused:
        check_one(name, content)
    assert refused.value.name == name
    assert "not accepted" in refused.value.rule
    assert str(refused.value).startswith(f"{name}: ")


def test_an_empty_file_is_refused():
    with pytest.raises(AttachmentRefused, match="empty"):
        check_one("kosong.pdf", b"")


def test_a_file_over_the_size_cap_is_refused_naming_the_file(settings):
    settings.ATTACHMENT_MAX_BYTES = 2**20
    with pytest.raises(AttachmentRefused) as refused:
        check_one("besar.txt", b"a" * (2**20 + 1))
    assert refused.value.name == "besar.txt" and "1 MB" in refused.value.rule


def test_more_files_than_the_cap_are_refused_counting_those_already_attached(settings):
    settings.ATTACHMENT_MAX_COUNT = 3
    files = [upload(f"catatan{number}.txt", b"catatan warga\n") for number in range(3)]
    assert len(attachments_check(files)) == 3
    with pytest.raises(AttachmentRefused, match="at most 3"):
        attachments_check([upload("lagi.txt", b"lagi\n")], already_attached=3)


def test_the_content_decides_the_type_and_the_stored_copy_takes_its_extension():
    checked = check_one("foto.jpg", pdf_with_author())
    assert checked.content_type == "application/pdf"
    assert checked.extension == "pdf" == ALLOWED_TYPES[checked.content_type]
    assert safe_download_name(checked.name, checked.content_type) == "foto.pdf"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\budi\\foto rumah.jpg", "foto rumah.jpg"),
        (".htaccess", "htaccess"),
        ("nama\x00aneh\x1b.pdf", "namaaneh.pdf"),
        ("", "lampiran"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_file_names_lose_directories_and_control_characters(raw, shown):
    assert clean_name(raw) == shown


def test_files_are_written_under_random_names_inside_media_root(media_root):
    first = write_file(b"isi", "txt")
    second = write_file(b"isi", "txt")
    assert first != second and first.endswith(".txt")
    assert (media_root / "attachments" / first).read_bytes() == b"isi"


# --- Through report_submit, and where the files live ------------------------------------------


def anonymous_draft(region, uploads):
    from tuntas.complaints.models import Category
    from tuntas.complaints.services_intake import ReportDraft

    return ReportDraft(
        institution=region.magelang,
        category=Category.objects.get(slug="infrastruktur"),
        title="Jalan berlubang di depan pasar",
        description="Jalan di depan Pasar Rejowinangun berlubang besar sejak bulan lalu.",
        identity_mode="anonim",
        uploads=uploads,
    )


def test_a_submitted_report_keeps_the_original_and_a_clean_copy_named_by_the_sniffed_type(
    region, media_root
):
    from tuntas.complaints.models import Attachment
    from tuntas.complaints.services_intake import report_submit

    photo, letter = jpeg_with_gps(), pdf_with_author()
    report_submit(
        draft=anonymous_draft(region, [upload("foto.jpg", photo), upload("surat.jpg", letter)]),
        channel="web",
    )
    stored = {row.original_name: row for row in Attachment.objects.all()}
    assert stored["foto.jpg"].content_type == "image/jpeg"
    assert stored["surat.jpg"].content_type == "application/pdf"
    assert stored["surat.jpg"].stored_name.endswith(".pdf")
    assert stored["surat.jpg"].safe_name.endswith(".pdf")
    folder = media_root / "attachments"
    original = (folder / stored["foto.jpg"].stored_name).read_bytes()
    assert original == photo
    assert hashlib.sha256(original).hexdigest() == stored["foto.jpg"].sha256
    with Image.open(folder / stored["foto.jpg"].safe_name) as image:
        assert not image.getexif() and "xmp" not in image.info
    assert CANARY.encode() not in (folder / stored["surat.jpg"].safe_name).read_bytes()


def test_a_refused_file_stops_the_report_before_anything_is_stored(region, media_root):
    from tuntas.complaints.models import Report
    from tuntas.complaints.services_intake import report_submit

    uploads = [upload("foto.jpg", jpeg_with_gps()), upload("virus.jpg", b"MZ" + b"\x00" * 300)]
    with pytest.raises(AttachmentRefused, match=r"virus\.jpg"):
        report_submit(draft=anonymous_draft(region, uploads), channel="web")
    assert not Report.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_no_url_serves_the_stored_files(client, db, settings, media_root):
    from django.urls import get_resolver
    from django.views.static import serve

    from tuntas.settings import base

    # The real configuration: files under var/, outside anything a URL or whitenoise serves.
    assert not base.MEDIA_URL if hasattr(base, "MEDIA_URL") else True
    assert base.MEDIA_ROOT.resolve() != base.STATIC_ROOT.resolve()
    assert base.STATIC_ROOT.resolve() not in base.MEDIA_ROOT.resolve().parents
    assert all(
        base.MEDIA_ROOT.resolve() != Path(str(folder)).resolve()
        for folder in getattr(base, "STATICFILES_DIRS", [])
    )

    def callbacks(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from callbacks(pattern)
            else:
                yield pattern.callback

    assert serve not in set(callbacks(get_resolver()))

    name = write_file(b"rahasia warga", "txt")
    for path in (
        f"/files/attachments/{name}",
        f"/media/attachments/{name}",
        f"/var/files/attachments/{name}",
        f"/attachments/{name}",
        f"/static/attachments/{name}",
        f"/static/../files/attachments/{name}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"rahasia warga" not in b"".join(response), path
