"""The translation catalogues: complete, well-formed and in step with the source.

Bahasa Indonesia is the default language and the msgids are English, so a message that is
missing from tuntas/locale/id shows English to Indonesian users. When one of these tests fails,
run `make messages` and translate what is new in tuntas/locale/id/LC_MESSAGES/django.po.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import override_settings
from django.utils import translation

import tuntas
from tuntas.core.catalogues import LOCALE_DIR, catalogue_paths, catalogue_problems

PACKAGE_DIR = Path(tuntas.__file__).resolve().parent
INDONESIAN = LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po"
ENGLISH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
HOW_TO_FIX = "run `make messages` and translate the new entries in the Indonesian catalogue"

MessageKey = tuple[str | None, str, str]


def _keys(path: Path, *, under: str | None = None) -> set[MessageKey]:
    """(msgctxt, msgid, msgid_plural) of the live entries, optionally only those used in `under`."""
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural)
        for entry in polib.pofile(str(path))
        if not entry.obsolete
        and (under is None or any(file.startswith(under) for file, _ in entry.occurrences))
    }


def _listing(keys: set[MessageKey]) -> str:
    return "\n".join(
        f"  {msgid!r}" + (f" [{context}]" if context else "")
        for context, msgid, _ in sorted(keys, key=str)
    )


# --- Complete and well-formed ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_catalogue_exists_for_each_language(language: str) -> None:
    assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").is_file(), HOW_TO_FIX


def test_indonesian_catalogue_translates_every_message() -> None:
    problems = [
        problem
        for path in catalogue_paths(LOCALE_DIR, "id")
        for problem in catalogue_problems(path)
    ]
    assert catalogue_paths(LOCALE_DIR, "id"), HOW_TO_FIX
    assert not problems, f"{len(problems)} problems; {HOW_TO_FIX}:\n" + "\n".join(problems)


def test_english_catalogue_copies_every_msgid() -> None:
    problems = [
        problem
        for path in catalogue_paths(LOCALE_DIR, "en")
        for problem in catalogue_problems(path)
    ]
    assert catalogue_paths(LOCALE_DIR, "en"), HOW_TO_FIX
    assert not problems, "run `make messages` (fill-english):\n" + "\n".join(problems)
    for path in catalogue_paths(LOCALE_DIR, "en"):
        for entry in polib.pofile(str(path)):
            if entry.msgid_plural:
                assert entry.msgstr_plural == {0: entry.msgid, 1: entry.msgid_plural}, entry.msgid
            else:
                assert entry.msgstr == entry.msgid, entry.msgid


def test_indonesian_catalogue_declares_its_language_one_plural_form_and_utf8() -> None:
    catalogue = polib.pofile(str(INDONESIAN))
    assert catalogue.metadata["Language"] == "id"
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not catalogue.metadata_is_fuzzy
    for entry in catalogue:
        if entry.msgid_plural:
            assert list(entry.msgstr_plural) == [0], entry.msgid


def test_english_and_indonesian_catalogues_hold_the_same_messages() -> None:
    indonesian, english = _keys(INDONESIAN), _keys(ENGLISH)
    assert not indonesian - english, (
        "missing in English; " + HOW_TO_FIX + "\n" + _listing(indonesian - english)
    )
    assert not english - indonesian, (
        "missing in Indonesian; " + HOW_TO_FIX + "\n" + _listing(english - indonesian)
    )


def test_catalogue_problems_reports_untranslated_fuzzy_obsolete_and_placeholder_mismatches(
    tmp_path: Path,
) -> None:
    path = tmp_path / "django.po"
    path.write_text(
        'msgid ""\n'
        'msgstr ""\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n'
        "\n"
        'msgid "Fine"\n'
        'msgstr "Baik"\n'
        "\n"
        'msgid "Untranslated"\n'
        'msgstr ""\n'
        "\n"
        "#, fuzzy\n"
        'msgid "Guessed"\n'
        'msgstr "Tebakan"\n'
        "\n"
        "#, python-format\n"
        'msgid "Welcome, %(name)s"\n'
        'msgstr "Selamat datang, %(nama)s"\n'
        "\n"
        "#, python-format\n"
        'msgid "%(count)s of %(total)s"\n'
        'msgstr "%(total)s, %(count)s"\n'
        "\n"
        "#, python-format\n"
        'msgid "%d day"\n'
        'msgid_plural "%d days"\n'
        'msgstr[0] "hari"\n'
        "\n"
        "#, python-format\n"
        'msgid "Up to 200%%"\n'
        'msgstr "Hingga 200%"\n'
        "\n"
        'msgid "No placeholder"\n'
        'msgstr "Dengan %(extra)s"\n'
        "\n"
        '#~ msgid "Gone"\n'
        '#~ msgstr "Hilang"\n',
        encoding="utf-8",
    )

    problems = "\n".join(catalogue_problems(path))

    assert "'Fine'" not in problems
    assert "'Untranslated': untranslated" in problems
    assert "'Guessed': marked fuzzy" in problems
    assert "'Welcome, %(name)s': placeholders %(nama)s" in problems
    assert "'%(count)s of %(total)s'" not in problems  # named placeholders may be reordered
    assert "'%d day': placeholders none" in problems
    assert "'Up to 200%%'" in problems
    assert "'No placeholder': placeholders %(extra)s" in problems
    assert "'Gone': obsolete" in problems
    assert catalogue_problems(tmp_path / "absent.po") == [
        f"{tmp_path / 'absent.po'}: catalogue is missing"
    ]


# --- In step with the source ----------------------------------------------------------------


def _tuntas_command() -> list[str]:
    script = Path(sys.executable).with_name("tuntas")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tuntas.cli"]


def test_catalogues_are_in_sync_with_the_source(tmp_path: Path) -> None:
    """Regenerate the Indonesian catalogue from a copy of the source and compare the msgids."""
    source = tmp_path / "src"
    shutil.copytree(
        PACKAGE_DIR,
        source / "tuntas",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.po", "*.mo"),
    )
    environment = {
        **os.environ,
        "PYTHONPATH": str(source),
        "DJANGO_SETTINGS_MODULE": "tuntas.settings.test",
        "SECRET_KEY": "catalogue-sync-test-not-secret-0123456789abcdef",
        "TUNTAS_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [
            *_tuntas_command(),
            "makemessages",
            "-l",
            "id",
            "--ignore=.venv",
            "--ignore=var",
            "--no-obsolete",
            "-v0",
        ],
        cwd=source,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    regenerated = source / "tuntas" / "locale" / "id" / "LC_MESSAGES" / "django.po"
    assert regenerated.is_file(), result.stdout + result.stderr

    in_source = _keys(regenerated)
    assert in_source, "makemessages found no message in the copy of the source"
    missing = in_source - _keys(INDONESIAN)
    # Entries used only outside the package (say in tests/) are not stale.
    stale = _keys(INDONESIAN, under="tuntas/") - in_source
    report = []
    if missing:
        report.append(
            f"{len(missing)} messages of the source are not in the Indonesian catalogue:\n"
            + _listing(missing)
        )
    if stale:
        report.append(
            f"{len(stale)} messages of the catalogue are no longer in the source:\n"
            + _listing(stale)
        )
    assert not report, "\n".join([*report, HOW_TO_FIX])


# --- Compiled and served --------------------------------------------------------------------


def test_compiled_catalogues_serve_indonesian_by_default_and_english_on_request(
    tmp_path: Path,
) -> None:
    """msgfmt --check-format (what compilemessages runs) accepts both catalogues, and they load."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed (apt-get install gettext)"
    locale_dir = tmp_path / "locale"
    for po in (INDONESIAN, ENGLISH):
        language = po.parent.parent.name
        target = locale_dir / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        result = subprocess.run(
            [msgfmt, "--check-format", "-o", str(target / "django.mo"), str(po)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    home, found, found_plural = (
        "Home",
        "%(counter)s institution found",
        "%(counter)s institutions found",
    )
    with override_settings(LOCALE_PATHS=[locale_dir]):
        with translation.override("id"):
            assert translation.gettext(home) == "Beranda"
            assert (
                translation.ngettext(found, found_plural, 3) % {"counter": 3}
                == "3 instansi ditemukan"
            )
        with translation.override("en"):
            assert translation.gettext(home) == "Home"
            assert (
                translation.ngettext(found, found_plural, 1) % {"counter": 1}
                == "1 institution found"
            )
