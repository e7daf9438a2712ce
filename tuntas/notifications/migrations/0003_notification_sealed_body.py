from django.db import migrations, models


class Migration(migrations.Migration):
    """Message texts are sealed at rest (receipts carry access codes); old rows keep ``body``."""

    dependencies = [("notifications", "0002_notification_sending_lease")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="sealed_body",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="notification",
            name="body",
            field=models.TextField(blank=True),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(("body", ""), ("sealed_body", ""), _connector="OR"),
                name="notification_one_body",
            ),
        ),
    ]
