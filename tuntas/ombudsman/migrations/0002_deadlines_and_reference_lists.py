"""Ombudsman stage deadlines (beside those seeded in sla.0002) and the official reference lists.

Every deadline cites its source (shared/reference/domain.md). PO 58/2023 replaced PO 26/2017
and PO 48/2020 but its deadline articles were not found (§0, §9): where no source gives a
value, the default is a Tuntas policy marked as such, for administrators to override per office.
"""

from django.db import migrations

NOT_FOUND = "tidak ditemukan di PO 58/2023 (domain.md §9)"
DEADLINES = [
    ("ombudsman.formal_verification", 14, "working_days", f"Kebijakan Tuntas; {NOT_FOUND}"),
    ("ombudsman.material_verification", 14, "working_days", f"Kebijakan Tuntas; {NOT_FOUND}"),
    ("ombudsman.plenary", 7, "working_days", f"Kebijakan Tuntas; {NOT_FOUND}"),
    ("ombudsman.examination", 60, "working_days",
     f"Kebijakan Tuntas; batas total penyelesaian laporan {NOT_FOUND}"),
    ("ombudsman.clarification_answer", 14, "calendar_days",
     "Sering disebut 14 hari; tidak ditemukan di sumber (domain.md §1.7)"),
    ("ombudsman.rco.verification", 1, "working_days",
     "Kebijakan Tuntas; batas waktu RCO tidak ditemukan (domain.md §1.11)"),
    ("ombudsman.rco.examination", 5, "working_days",
     "Kebijakan Tuntas; batas waktu RCO tidak ditemukan (domain.md §1.11)"),
    ("ombudsman.rco.clarification_answer", 2, "working_days",
     "Kebijakan Tuntas; koordinasi langsung RCO (domain.md §1.11)"),
]

# domain.md §2.1: the 10 types of PO 26/2017 as amended by PO 48/2020, plus the buckets of
# recent statistics (kelalaian/pengabaian kewajiban hukum; lain-lain; belum dikategorikan).
TYPES_SOURCE = "PO 26/2017 jo. PO 48/2020; Laporan Tahunan Ombudsman 2023 (domain.md §2.1)"
TYPES = [
    ("penundaan-berlarut", "Penundaan Berlarut", "Undue delay"),
    ("tidak-memberikan-pelayanan", "Tidak Memberikan Pelayanan", "Failure to provide the service"),
    ("tidak-kompeten", "Tidak Kompeten", "Incompetence"),
    ("penyalahgunaan-wewenang", "Penyalahgunaan Wewenang", "Abuse of authority"),
    ("penyimpangan-prosedur", "Penyimpangan Prosedur", "Deviation from procedure"),
    ("permintaan-imbalan", "Permintaan Imbalan Uang, Barang dan Jasa",
     "Request for money, goods or services"),
    ("tidak-patut", "Tidak Patut", "Improper conduct"),
    ("berpihak", "Berpihak", "Partiality"),
    ("diskriminasi", "Diskriminasi", "Discrimination"),
    ("konflik-kepentingan", "Konflik Kepentingan", "Conflict of interest"),
    ("kelalaian-pengabaian-kewajiban-hukum", "Kelalaian atau Pengabaian Kewajiban Hukum",
     "Negligence or disregard of a legal duty"),
    ("lain-lain", "Lain-lain", "Other"),
    ("belum-dikategorikan", "Belum Dikategorikan", "Not yet categorised"),
]

# domain.md §2.4: labels seen in Ombudsman statistics; the complete official list was not found.
SUBSTANCE_SOURCE = "Statistik Ombudsman 2019–2025 (domain.md §2.4); daftar resmi tidak ditemukan"
SUBSTANCES = [
    ("agraria-pertanahan", "Agraria/Pertanahan", "Land and agrarian affairs"),
    ("kepegawaian", "Kepegawaian", "Civil service"),
    ("pendidikan", "Pendidikan", "Education"),
    ("perhubungan-infrastruktur", "Perhubungan dan Infrastruktur", "Transport and infrastructure"),
    ("hak-sipil-politik", "Hak Sipil dan Politik", "Civil and political rights"),
    ("administrasi-kependudukan", "Administrasi Kependudukan", "Population administration"),
    ("kepolisian", "Kepolisian", "Police"),
    ("desa", "Pedesaan/Desa", "Villages"),
    ("kesejahteraan-sosial", "Kesejahteraan Sosial", "Social welfare"),
    ("kesehatan", "Kesehatan", "Health"),
    ("perizinan", "Perizinan", "Permits and licensing"),
    ("jaminan-sosial", "Jaminan Sosial", "Social security"),
    ("ketenagakerjaan", "Ketenagakerjaan", "Employment"),
    ("energi-kelistrikan", "Energi/Kelistrikan", "Energy and electricity"),
    ("air-minum", "Air Minum", "Drinking water"),
    ("perbankan", "Perbankan", "Banking"),
    ("asuransi", "Asuransi", "Insurance"),
    ("perdagangan", "Perdagangan", "Trade"),
    ("pajak", "Pajak", "Tax"),
    ("pengadaan-barang-jasa", "Pengadaan Barang dan Jasa", "Procurement"),
    ("bumn-bumd", "BUMN/BUMD", "State- and region-owned enterprises"),
    ("lain-lain", "Lain-lain", "Other"),
]


def add(apps, schema_editor):
    DeadlinePolicy = apps.get_model("sla", "DeadlinePolicy")
    for stage, amount, unit, source in DEADLINES:
        DeadlinePolicy.objects.get_or_create(
            stage=stage, institution=None, defaults={"amount": amount, "unit": unit, "source": source}
        )
    for model_name, rows, source in (
        ("MaladministrationType", TYPES, TYPES_SOURCE),
        ("SubstanceCategory", SUBSTANCES, SUBSTANCE_SOURCE),
    ):
        model = apps.get_model("ombudsman", model_name)
        for position, (code, name_id, name_en) in enumerate(rows, start=1):
            model.objects.get_or_create(
                code=code,
                defaults={"name_id": name_id, "name_en": name_en, "position": position * 10, "source": source},
            )


def remove(apps, schema_editor):
    apps.get_model("sla", "DeadlinePolicy").objects.filter(
        institution__isnull=True, stage__in=[row[0] for row in DEADLINES]
    ).delete()
    apps.get_model("ombudsman", "MaladministrationType").objects.all().delete()
    apps.get_model("ombudsman", "SubstanceCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ombudsman", "0001_initial_ombudsman_track"),
        ("sla", "0002_default_deadline_policies"),
    ]

    operations = [migrations.RunPython(add, remove)]
