"""The default report categories (issue list; administrators may change them later).

Reference data seeded here rather than by a service: a fresh installation must be able to take
reports before anyone signs in. The migration uses only the historical model.
"""

from django.db import migrations

DEFAULTS = [
    ("pendidikan", "Pendidikan", "Education"),
    ("kesehatan", "Kesehatan", "Health"),
    ("infrastruktur", "Infrastruktur", "Infrastructure"),
    ("sosial", "Sosial", "Social welfare"),
    ("administrasi-kependudukan", "Administrasi kependudukan", "Population registration"),
    ("perizinan", "Perizinan", "Licensing"),
    ("pertanahan", "Pertanahan", "Land"),
    ("kepegawaian", "Kepegawaian", "Civil service"),
    ("ketenagakerjaan", "Ketenagakerjaan", "Employment"),
    ("lainnya", "Lainnya", "Other"),
]


def add_defaults(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for position, (slug, name_id, name_en) in enumerate(DEFAULTS, start=1):
        Category.objects.get_or_create(
            slug=slug, defaults={"name_id": name_id, "name_en": name_en, "position": position * 10}
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("complaints", "Category").objects.filter(
        slug__in=[slug for slug, _id, _en in DEFAULTS], reports__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial_reports")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
