"""Run inside the benchmark's environment: issue API keys, print what the load generator needs.

    python bench/intake_setup.py --keys 200 > catalogue.json

Prints JSON: the API keys (secrets of this throw-away benchmark database only), the
institutions that take reports with their unit ids, and the category ids and slugs.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=200)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuntas.settings.base")
    import django

    django.setup()
    from django.db import transaction

    from tuntas.complaints.models import Category
    from tuntas.exchange.services import api_client_create
    from tuntas.institutions.models import Institution, InstitutionKind

    office = Institution.objects.get(slug="ombudsman-jawa-tengah")
    keys = []
    run = secrets.token_hex(3)  # a fresh name each time the setup runs
    with transaction.atomic():
        for number in range(options.keys):
            _client, key = api_client_create(
                actor=None,
                institution=office,
                name=f"Benchmark gateway {run}-{number}",
                scopes=["submit"],
            )
            keys.append(key)
    institutions = [
        {
            "pk": institution.pk,
            "slug": institution.slug,
            "units": list(institution.units.filter(is_active=True).values_list("pk", flat=True)),
        }
        for institution in Institution.objects.filter(is_active=True).exclude(
            kind__in=InstitutionKind.ombudsman_kinds()
        )
    ]
    categories = [
        {"pk": pk, "slug": slug}
        for pk, slug in Category.objects.filter(is_active=True).values_list("pk", "slug")
    ]
    json.dump({"keys": keys, "institutions": institutions, "categories": categories}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
