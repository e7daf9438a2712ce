from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("institutions", "0002_constraint_messages_for_users")]

    operations = [
        migrations.AddField(
            model_name="institution",
            name="requires_head_approval",
            field=models.BooleanField(default=False, verbose_name="responses need the head's approval"),
        ),
    ]
