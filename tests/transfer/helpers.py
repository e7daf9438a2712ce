from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = [
    "No Tiket",
    "Judul",
    "Isi Laporan",
    "Kategori",
    "Tanggal Laporan",
    "Status",
    "Tanggal Selesai",
    "Tindak Lanjut",
    "Nama Pelapor",
    "NIK",
]


def row(
    ticket,
    *,
    judul="Jalan berlubang",
    kategori="infrastruktur",
    tanggal="2024-03-17",
    status="selesai",
    selesai="2024-04-02",
    tindak="Jalan sudah ditambal",
    nama="",
    nik="",
):
    return [
        ticket,
        judul,
        f"Laporan {ticket}: lubang di jalan",
        kategori,
        tanggal,
        status,
        selesai,
        tindak,
        nama,
        nik,
    ]


def csv_bytes(rows, *, header=HEADER, delimiter=",", encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(content: bytes, name="laporan.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def xlsx_bytes(rows, *, header=HEADER):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
