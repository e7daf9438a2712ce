# Indexes for the API's reads of one institution's reports and cases, newest first or by
# change. They live on the complaints and cases tables but serve only this app's queries, so
# they are created here (plain SQL, valid on SQLite and PostgreSQL).

from django.db import migrations

INDEXES = [
    ("exchange_report_inst_sub_idx", "complaints_report", "institution_id, submitted_at"),
    ("exchange_report_inst_upd_idx", "complaints_report", "institution_id, updated_at"),
    # (cases by institution, newest first: cases' own agencycase_inst_opened_idx serves it)
]


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_api_client_rate_limit"),
        ("complaints", "0004_channels_referral_and_import"),
        ("cases", "0001_initial_agency_cases"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]
