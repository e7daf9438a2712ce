import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_report_rating")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
