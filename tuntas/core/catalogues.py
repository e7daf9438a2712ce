"""Upkeep of the gettext catalogues in tuntas/locale.

The msgids are English, so the English catalogue is mechanical: ``fill-english`` copies every
msgid into its msgstr. The Indonesian catalogue is translated by people; ``check`` (and the test
suite, through :func:`catalogue_problems`) lists what is untranslated, fuzzy, obsolete or has
placeholders that do not match its msgid.

    python -m tuntas.core.catalogues fill-english
    python -m tuntas.core.catalogues check

Deliberately free of Django: it runs (and is imported by tests) without settings.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAINS = ("django", "djangojs")
ENGLISH_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
ENGLISH_HEADER = (
    "Tuntas — English catalogue. The msgids are English: every msgstr is a copy of its msgid,\n"
    "written by `python -m tuntas.core.catalogues fill-english` (make messages). Do not edit."
)

# A printf-style conversion specifier as Python's %-operator understands it.
_PYTHON_FORMAT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<conversion>[diouxXeEfFgGcrsa%])"
)
_NAMED_PLACEHOLDER = re.compile(
    r"%\((?P<name>[^)]*)\)[#0 +\-]*(?:\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa]"
)
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")

Placeholders = tuple[tuple[tuple[str, int], ...], tuple[str, ...]]


def catalogue_paths(locale_dir: Path, language: str) -> list[Path]:
    """The catalogues of one language that exist, django.po first."""
    folder = locale_dir / language / "LC_MESSAGES"
    return [folder / f"{domain}.po" for domain in DOMAINS if (folder / f"{domain}.po").exists()]


def fill_english(path: Path) -> int:
    """Make every msgstr of an English catalogue equal to its msgid; return the entries filled."""
    catalogue = polib.pofile(str(path), wrapwidth=79)
    filled = 0
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        _clear_fuzzy(entry)
        filled += 1
    if catalogue.header.startswith("SOME DESCRIPTIVE TITLE"):
        catalogue.header = ENGLISH_HEADER
    if catalogue.metadata.get("Project-Id-Version") == "PACKAGE VERSION":
        catalogue.metadata["Project-Id-Version"] = "Tuntas"
    catalogue.metadata.pop("Last-Translator", None)
    if catalogue.metadata.get("Language-Team", "").startswith("LANGUAGE"):
        catalogue.metadata["Language-Team"] = "English"
    catalogue.metadata["Language"] = "en"
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    catalogue.metadata["Plural-Forms"] = ENGLISH_PLURAL_FORMS
    catalogue.metadata_is_fuzzy = False
    catalogue.save()
    return filled


def _clear_fuzzy(entry: polib.POEntry) -> None:
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgid_plural = None
    entry.previous_msgctxt = None


def catalogue_problems(path: Path | str) -> list[str]:
    """Everything wrong with a catalogue, one readable line each; empty when it is complete."""
    path = Path(path)
    if not path.exists():
        return [f"{path}: catalogue is missing"]
    catalogue = polib.pofile(str(path))
    problems: list[str] = []
    if catalogue.metadata_is_fuzzy:
        problems.append(f"{path}: the header is marked fuzzy")
    nplurals = _nplurals(catalogue.metadata.get("Plural-Forms", ""))
    for entry in catalogue:
        where = f"{path}:{entry.linenum}: {_describe(entry)}"
        if entry.obsolete:
            problems.append(f"{where}: obsolete entry (run makemessages with --no-obsolete)")
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: marked fuzzy")
        if not _is_translated(entry):
            problems.append(f"{where}: untranslated")
            continue
        if entry.msgid_plural and nplurals is not None and len(entry.msgstr_plural) != nplurals:
            problems.append(
                f"{where}: has {len(entry.msgstr_plural)} plural forms, the header declares "
                f"{nplurals}"
            )
        problems.extend(f"{where}: {problem}" for problem in _placeholder_problems(entry))
    return problems


def _describe(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    text = entry.msgid if len(entry.msgid) <= 60 else entry.msgid[:57] + "..."
    return f"{context}{text!r}"


def _nplurals(plural_forms: str) -> int | None:
    match = _NPLURALS.search(plural_forms)
    return int(match.group(1)) if match else None


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholder_problems(entry: polib.POEntry) -> list[str]:
    python_format = "python-format" in entry.flags
    if "no-python-format" in entry.flags:
        return []
    sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
    expected = [_placeholders(source, python_format=python_format) for source in sources]
    problems = []
    for translation in _translations(entry):
        found = _placeholders(translation, python_format=python_format)
        if found not in expected:
            problems.append(
                f"placeholders {_show(found)} in msgstr {translation!r} do not match "
                f"{_show(expected[-1])} in the msgid"
            )
        elif python_format and _has_stray_percent(translation):
            problems.append(f"msgstr {translation!r} has a '%' that is not a placeholder")
    return problems


def _placeholders(text: str, *, python_format: bool) -> Placeholders:
    """Named placeholders (in any order) and positional ones (in order) of a string."""
    if not python_format:
        named = Counter(match.group(0) for match in _NAMED_PLACEHOLDER.finditer(text))
        return tuple(sorted(named.items())), ()
    named = Counter()
    positional: list[str] = []
    for match in _PYTHON_FORMAT.finditer(text):
        if match.group("conversion") == "%":
            continue
        if match.group("name") is not None:
            named[match.group(0)] += 1
        else:
            positional.append(match.group(0))
    return tuple(sorted(named.items())), tuple(positional)


def _has_stray_percent(text: str) -> bool:
    return "%" in _PYTHON_FORMAT.sub("", text)


def _show(placeholders: Placeholders) -> str:
    named, positional = placeholders
    shown = [name for name, count in named for _ in range(count)] + list(positional)
    return ", ".join(shown) if shown else "none"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tuntas.core.catalogues", description=__doc__)
    parser.add_argument("command", choices=["fill-english", "check"])
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    arguments = parser.parse_args(argv)
    locale_dir: Path = arguments.locale_dir
    if arguments.command == "fill-english":
        paths = catalogue_paths(locale_dir, "en")
        if not paths:
            sys.stderr.write(f"no English catalogue under {locale_dir}; run makemessages first\n")
            return 1
        for path in paths:
            sys.stdout.write(f"{path}: {fill_english(path)} entries filled\n")
        return 0
    problems: list[str] = []
    for language in ("id", "en"):
        # A language without any catalogue is reported through its (missing) django.po.
        paths = catalogue_paths(locale_dir, language)
        for path in paths or [locale_dir / language / "LC_MESSAGES" / "django.po"]:
            problems.extend(catalogue_problems(path))
    for problem in problems:
        sys.stdout.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
