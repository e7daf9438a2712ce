"""Staged uploads: written once, handed back as uploads, swept after a day."""

from __future__ import annotations

import os
import time

import pytest

from tests.complaints.web_helpers import (
    isolated_files_and_counters,  # noqa: F401  (autouse fixture)
    tiny_png,
)
from tuntas.complaints.attachments import attachments_check
from tuntas.complaints.staging import (
    staged_add,
    staged_list,
    staged_remove,
    staged_uploads,
    staging_discard,
    staging_new_token,
    staging_root,
    staging_sweep,
)
from tuntas.complaints.tasks import staging_sweep_task


def stage_one(token: str) -> None:
    staged_add(token=token, checked=attachments_check([tiny_png()])[0])


def test_a_staged_file_comes_back_as_the_same_upload():
    token = staging_new_token()
    stage_one(token)
    [staged] = staged_list(token)
    [upload] = staged_uploads(token)
    assert upload.name == staged.name == "foto-loket.png"
    assert upload.content_type == "image/png"
    assert attachments_check([upload])[0].sha256 == staged.sha256
    staged_remove(token=token, file_id=staged.id)
    assert staged_list(token) == [] and staged_uploads(token) == []
    staging_discard(token)
    assert not (staging_root() / token).exists()


def test_a_token_cannot_name_a_directory_outside_the_staging_area():
    with pytest.raises(ValueError):
        stage_one("../../etc")
    assert staged_list("../../etc") == []
    staging_discard("../..")  # does nothing, raises nothing
    assert staging_root().parent.exists()


def test_the_sweep_removes_directories_older_than_a_day_only():
    old, fresh = staging_new_token(), staging_new_token()
    stage_one(old)
    stage_one(fresh)
    day_and_more = time.time() - 25 * 3600
    os.utime(staging_root() / old, (day_and_more, day_and_more))
    assert staging_sweep() == 1
    assert not (staging_root() / old).exists()
    assert staged_list(fresh)


def test_the_periodic_task_runs_the_sweep():
    token = staging_new_token()
    stage_one(token)
    os.utime(staging_root() / token, (time.time(), time.time()))
    assert staging_sweep_task.call_local() == 0
    assert staging_sweep(now=time.time() + 25 * 3600) == 1
    assert staging_sweep() == 0
