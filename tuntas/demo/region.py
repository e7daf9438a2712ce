"""The demo region: Ombudsman RI, its Jawa Tengah office and the partners of the 2024 MoU.

Region codes are Kemendagri kode wilayah (Permendagri 72/2019 and its updates). Addresses are
given at town level only: the demo must not pretend to know an office's street number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

DEMO_PASSWORD = "Tuntas-Demo-2024!"
MOU_SIGNED_ON = datetime.date(2024, 4, 2)


@dataclass(frozen=True)
class Government:
    slug: str
    name: str
    short_name: str
    kind: str
    region_code: str
    seat: str
    hospital: str
    health_centres: tuple[str, ...]
    schools: tuple[str, ...]
    districts: tuple[str, ...] = field(default=())


GOVERNMENTS: tuple[Government, ...] = (
    Government(
        "kota-magelang",
        "Pemerintah Kota Magelang",
        "Kota Magelang",
        "pemerintah_kota",
        "33.71",
        "Magelang",
        "RSUD Tidar Kota Magelang",
        ("Puskesmas Jurangombo", "Puskesmas Kerkopan"),
        ("SD Negeri Magelang 1", "SMP Negeri 1 Magelang"),
        ("Magelang Selatan", "Magelang Tengah", "Magelang Utara"),
    ),
    Government(
        "kabupaten-purworejo",
        "Pemerintah Kabupaten Purworejo",
        "Kabupaten Purworejo",
        "pemerintah_kabupaten",
        "33.06",
        "Purworejo",
        "RSUD dr. Tjitrowardojo",
        ("Puskesmas Bayan", "Puskesmas Kutoarjo"),
        ("SD Negeri 1 Purworejo",),
        ("Purworejo", "Kutoarjo"),
    ),
    Government(
        "kabupaten-blora",
        "Pemerintah Kabupaten Blora",
        "Kabupaten Blora",
        "pemerintah_kabupaten",
        "33.16",
        "Blora",
        "RSUD dr. R. Soetijono Blora",
        ("Puskesmas Cepu", "Puskesmas Randublatung"),
        ("SD Negeri 1 Blora",),
        ("Blora", "Cepu"),
    ),
    Government(
        "kabupaten-kebumen",
        "Pemerintah Kabupaten Kebumen",
        "Kabupaten Kebumen",
        "pemerintah_kabupaten",
        "33.05",
        "Kebumen",
        "RSUD dr. Soedirman Kebumen",
        ("Puskesmas Gombong I", "Puskesmas Karanganyar"),
        ("SD Negeri 1 Kebumen",),
        ("Kebumen", "Gombong"),
    ),
    Government(
        "kabupaten-pemalang",
        "Pemerintah Kabupaten Pemalang",
        "Kabupaten Pemalang",
        "pemerintah_kabupaten",
        "33.27",
        "Pemalang",
        "RSUD dr. M. Ashari Pemalang",
        ("Puskesmas Comal", "Puskesmas Randudongkal"),
        ("SD Negeri 1 Pemalang",),
        ("Pemalang", "Comal"),
    ),
    Government(
        "kabupaten-sragen",
        "Pemerintah Kabupaten Sragen",
        "Kabupaten Sragen",
        "pemerintah_kabupaten",
        "33.14",
        "Sragen",
        "RSUD dr. Soehadi Prijonegoro",
        ("Puskesmas Gemolong", "Puskesmas Masaran I"),
        ("SD Negeri 1 Sragen",),
        ("Sragen", "Gemolong"),
    ),
    Government(
        "kabupaten-temanggung",
        "Pemerintah Kabupaten Temanggung",
        "Kabupaten Temanggung",
        "pemerintah_kabupaten",
        "33.23",
        "Temanggung",
        "RSUD Djojonegoro Temanggung",
        ("Puskesmas Parakan", "Puskesmas Kedu"),
        ("SD Negeri 1 Temanggung",),
        ("Temanggung", "Parakan"),
    ),
    Government(
        "kabupaten-pati",
        "Pemerintah Kabupaten Pati",
        "Kabupaten Pati",
        "pemerintah_kabupaten",
        "33.18",
        "Pati",
        "RSUD RAA Soewondo Pati",
        ("Puskesmas Juwana", "Puskesmas Tayu I"),
        ("SD Negeri Pati Lor 01",),
        ("Pati", "Juwana"),
    ),
    Government(
        "kabupaten-banjarnegara",
        "Pemerintah Kabupaten Banjarnegara",
        "Kabupaten Banjarnegara",
        "pemerintah_kabupaten",
        "33.04",
        "Banjarnegara",
        "RSUD Hj. Anna Lasmanah Banjarnegara",
        ("Puskesmas Purwanegara 1", "Puskesmas Wanadadi 1"),
        ("SD Negeri 1 Banjarnegara",),
        ("Banjarnegara", "Purwanegara"),
    ),
)

# Units every government in the region has (Perangkat Daerah under PP 18/2016).
GOVERNMENT_UNITS: tuple[tuple[str, str], ...] = (
    ("Dinas Pendidikan dan Kebudayaan", "dinas"),
    ("Dinas Kesehatan", "dinas"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "dinas"),
    ("Dinas Sosial", "dinas"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "dinas"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dinas"),
    ("Bagian Organisasi Sekretariat Daerah", "bagian"),
    ("Inspektorat Daerah", "inspektorat"),
)


@dataclass(frozen=True)
class University:
    slug: str
    name: str
    short_name: str
    seat: str
    faculties: tuple[str, ...]


UNIVERSITIES: tuple[University, ...] = (
    University(
        "iain-kudus",
        "Institut Agama Islam Negeri Kudus",
        "IAIN Kudus",
        "Kudus",
        (
            "Fakultas Tarbiyah",
            "Fakultas Syariah",
            "Fakultas Ushuluddin",
            "Fakultas Ekonomi dan Bisnis Islam",
        ),
    ),
    University(
        "universitas-safin-pati",
        "Universitas Safin Pati",
        "Universitas Safin Pati",
        "Pati",
        (
            "Fakultas Keguruan dan Ilmu Pendidikan",
            "Fakultas Teknik",
            "Fakultas Ekonomi",
            "Fakultas Hukum",
        ),
    ),
)

OMBUDSMAN_UNITS: tuple[tuple[str, str], ...] = (
    ("Keasistenan Penerimaan dan Verifikasi Laporan", "keasistenan"),
    ("Keasistenan Pemeriksaan Laporan", "keasistenan"),
    ("Keasistenan Pencegahan Maladministrasi", "keasistenan"),
    ("Keasistenan Resolusi dan Monitoring", "keasistenan"),
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str | None  # None: platform administrator or citizen
    institution_slug: str | None
    unit_name: str | None
    kind: str = "staff"
    platform_admin: bool = False
    description: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "admin@tuntas.demo",
        "Rina Administrator",
        None,
        None,
        None,
        platform_admin=True,
        description="platform administrator (Django admin)",
    ),
    DemoUser(
        "asisten.andi@ombudsman.demo",
        "Andi Prasetyo",
        "asisten_ombudsman",
        "ombudsman-jawa-tengah",
        "Keasistenan Pemeriksaan Laporan",
        description="Ombudsman assistant, Perwakilan Jawa Tengah",
    ),
    DemoUser(
        "kepala.perwakilan@ombudsman.demo",
        "Siti Farida",
        "kepala_perwakilan",
        "ombudsman-jawa-tengah",
        None,
        description="head of Perwakilan Jawa Tengah",
    ),
    DemoUser(
        "auditor@ombudsman.demo",
        "Bambang Wibowo",
        "auditor",
        "ombudsman-jawa-tengah",
        None,
        description="auditor (read-only), Perwakilan Jawa Tengah",
    ),
    DemoUser(
        "petugas.siti@magelangkota.demo",
        "Siti Rahmawati",
        "petugas",
        "kota-magelang",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        description="officer, Dinas PUPR Kota Magelang",
    ),
    DemoUser(
        "petugas.dukcapil@magelangkota.demo",
        "Joko Susilo",
        "petugas",
        "kota-magelang",
        "Dinas Kependudukan dan Pencatatan Sipil",
        description="officer, Disdukcapil Kota Magelang",
    ),
    DemoUser(
        "admin.organisasi@magelangkota.demo",
        "Dewi Lestari",
        "admin_instansi",
        "kota-magelang",
        None,
        description="institution administrator, Bagian Organisasi Kota Magelang",
    ),
    DemoUser(
        "pimpinan@magelangkota.demo",
        "Hendra Kusuma",
        "pimpinan",
        "kota-magelang",
        None,
        description="head (Sekretaris Daerah), Kota Magelang",
    ),
    DemoUser(
        "auditor@magelangkota.demo",
        "Wahyu Nugroho",
        "auditor",
        "kota-magelang",
        None,
        description="auditor (read-only), Inspektorat Kota Magelang",
    ),
    DemoUser(
        "privasi@magelangkota.demo",
        "Ratna Sari",
        "petugas_privasi",
        "kota-magelang",
        None,
        description="privacy officer (reads confidential identities), Kota Magelang",
    ),
    DemoUser(
        "petugas.dinkes@purworejokab.demo",
        "Agus Santoso",
        "petugas",
        "kabupaten-purworejo",
        "Dinas Kesehatan",
        description="officer, Dinas Kesehatan Kabupaten Purworejo",
    ),
    DemoUser(
        "admin.organisasi@purworejokab.demo",
        "Nur Hidayati",
        "admin_instansi",
        "kabupaten-purworejo",
        None,
        description="institution administrator, Kabupaten Purworejo",
    ),
    DemoUser(
        "warga.budi@contoh.demo",
        "Budi Santoso",
        None,
        None,
        None,
        kind="citizen",
        description="citizen account",
    ),
)
