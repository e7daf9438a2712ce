# Open311 request tokens, and the indexes that keep GET requests bounded on 1 M reports.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# Open311 lists only public reports, newest first, optionally of one jurisdiction. The
# indexes live on the complaints table but serve only this app, so they are created here
# (plain SQL, valid on SQLite and PostgreSQL) rather than in the complaints models.
PUBLIC_INDEXES = [
    ("open311_report_public_idx", "visibility, submitted_at"),
    ("open311_report_public_inst_idx", "visibility, institution_id, submitted_at"),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("complaints", "0004_channels_referral_and_import"),
        ("exchange", "0002_api_client_rate_limit"),
    ]

    operations = [
        migrations.CreateModel(
            name="RequestToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=40, unique=True, verbose_name="token")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="exchange.apiclient",
                    ),
                ),
                (
                    "report",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="open311_token",
                        to="complaints.report",
                    ),
                ),
            ],
            options={
                "verbose_name": "Open311 request token",
                "verbose_name_plural": "Open311 request tokens",
            },
        ),
        *[
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON complaints_report ({columns})",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, columns in PUBLIC_INDEXES
        ],
    ]
