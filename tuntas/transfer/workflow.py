"""The states of export and import jobs and every allowed transition, in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, waiting for the column mapping")
    MAPPED = "mapped", _("Columns mapped, waiting for a dry run")
    CHECKING = "checking", _("Dry run in progress")
    CHECKED = "checked", _("Dry run finished")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class InvalidJobTransition(Exception):
    def __init__(self, current: str, target: str, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        super().__init__(
            f"cannot go from {current!r} to {target!r}; allowed next: {sorted(allowed) or 'none'}"
        )


EXPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    JobState.QUEUED: frozenset({JobState.RUNNING, JobState.FAILED}),
    JobState.RUNNING: frozenset({JobState.DONE, JobState.FAILED}),
    JobState.DONE: frozenset(),
    JobState.FAILED: frozenset(),
}

IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportState.UPLOADED: frozenset({ImportState.MAPPED}),
    # The mapping can be changed until the import starts; every change asks for a new dry run.
    ImportState.MAPPED: frozenset({ImportState.MAPPED, ImportState.CHECKING}),
    ImportState.CHECKING: frozenset({ImportState.CHECKED, ImportState.FAILED}),
    ImportState.CHECKED: frozenset(
        {ImportState.MAPPED, ImportState.CHECKING, ImportState.IMPORTING}
    ),
    ImportState.IMPORTING: frozenset({ImportState.DONE, ImportState.FAILED}),
    ImportState.DONE: frozenset(),
    ImportState.FAILED: frozenset(),
}


def check_transition(table: dict[str, frozenset[str]], current: str, target: str) -> None:
    allowed = table.get(current, frozenset())
    if target not in allowed:
        raise InvalidJobTransition(current, target, allowed)
