from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial_notifications")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="last_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="notification",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("sending", "Being sent"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
    ]
