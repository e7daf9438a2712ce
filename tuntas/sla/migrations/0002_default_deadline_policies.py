"""Default deadline policies, each with its source (shared/reference/domain.md §3.3, §8).

Where the sources conflict (days or working days; 2 or 3 for the first tier) the default
follows the LAPOR! text and administrators override it per institution.
"""

from django.db import migrations

DEFAULTS = [
    ("agency.verification", 3, "working_days", "SP4N-LAPOR! FAQ: verifikasi dan penerusan paling lama 3 hari kerja"),
    ("agency.follow_up", 5, "working_days", "SP4N-LAPOR!: K/L/D menindaklanjuti paling lama 5 hari kerja"),
    ("agency.resolution.simple", 5, "working_days",
     "KemenPANRB 2018: permintaan informasi dan pengaduan biasa 5 hari [konflik: hari/hari kerja]"),
    ("agency.resolution.no_field_check", 14, "working_days",
     "KemenPANRB 2018: sengketa/pelanggaran tanpa pemeriksaan lapangan 14 hari [konflik: hari/hari kerja]"),
    ("agency.resolution.field_check", 60, "working_days",
     "KemenPANRB 2018: pengaduan dengan pemeriksaan lapangan 60 hari [konflik: hari/hari kerja]"),
    ("agency.reporter_reply", 10, "working_days", "Kebijakan Tuntas: batas jawaban pelapor atas permintaan informasi"),
    ("ombudsman.completeness", 30, "calendar_days",
     "PO 48/2020 (Ombudsman Sumut); 30 hari kalender (Ombudsman Kalbar)"),
    ("ombudsman.lahp_response", 14, "calendar_days", "PO 48/2020 Pasal 25(5b)"),
    ("ombudsman.corrective_action", 30, "calendar_days", "Praktik Ombudsman Sumsel (bukan pasal)"),
    ("ombudsman.recommendation_report", 60, "calendar_days", "UU 37/2008 Pasal 38(2) [konflik: PO 26/2017 60 hari kerja]"),
]


def add_defaults(apps, schema_editor):
    DeadlinePolicy = apps.get_model("sla", "DeadlinePolicy")
    for stage, amount, unit, source in DEFAULTS:
        DeadlinePolicy.objects.get_or_create(
            stage=stage, institution=None, defaults={"amount": amount, "unit": unit, "source": source}
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("sla", "DeadlinePolicy").objects.filter(institution__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial_calendar_and_policies")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
