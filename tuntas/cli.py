"""The `tuntas` console command: Django's management commands with readable sub-commands.

``tuntas demo load`` runs ``demo_load``, ``tuntas audit verify`` runs ``audit_verify``; any
other word is passed through (``tuntas migrate``, ``tuntas runserver``).
"""

from __future__ import annotations

import os
import sys


def _translate(argv: list[str]) -> list[str]:
    if len(argv) >= 2 and not argv[0].startswith("-") and not argv[1].startswith("-"):
        from django.core.management import get_commands

        combined = f"{argv[0]}_{argv[1]}".replace("-", "_")
        if combined in get_commands():
            return [combined, *argv[2:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuntas.settings.base")
    args = list(sys.argv[1:] if argv is None else argv)
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        print(f"tuntas: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tuntas", *_translate(args)])


if __name__ == "__main__":
    main()
