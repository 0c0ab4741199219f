"""Which delivery days `integrity run` covers by default: every day on the first run, then the days
with unpublished data (new, replaced or late files, or files a failed run loaded)."""

from __future__ import annotations

import os
import time

import pytest
from helpers_warehouse import write_landing_mini

from orchestration.errors import UserError
from orchestration.ingest import ingest
from orchestration.paths import data_paths
from orchestration.runner import default_range, resolve_range

D1, D2 = "2026-10-01", "2026-10-02"


def _publish(paths) -> None:
    paths.published.parent.mkdir(parents=True, exist_ok=True)
    paths.published.write_bytes(b"published copy stand-in")
    later = time.time() + 5  # the ledger's loaded_at must be before the publish
    os.utime(paths.published, (later, later))


@pytest.fixture
def loaded(tmp_path):
    write_landing_mini(tmp_path)
    paths = data_paths(tmp_path)
    ingest(paths)
    return paths


def _add_file(paths, feed: str, day: str, name: str, text: str) -> None:
    target = paths.landing / feed / f"dt={day}" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def test_first_run_covers_every_landed_day(loaded):
    assert not loaded.published.exists()
    assert default_range(loaded) == (D1, D2)


def test_nothing_new_reruns_the_last_day(loaded):
    _publish(loaded)
    assert default_range(loaded) == (D2, D2)


def test_a_late_file_for_an_old_day_and_a_new_day_are_covered(loaded):
    _publish(loaded)
    _add_file(loaded, "reports", D1, "part-9.jsonl", "{}\n")
    assert default_range(loaded) == (D1, D1)
    _add_file(loaded, "reports", "2026-10-04", "part-0.jsonl", "{}\n")
    assert default_range(loaded) == (D1, "2026-10-04")
    assert default_range(loaded, everything=True) == (D1, "2026-10-04")


def test_a_replaced_file_is_covered(loaded):
    _publish(loaded)
    path = loaded.landing / "appeals" / f"dt={D2}"
    first = sorted(p for p in path.iterdir() if p.is_file())[0]
    first.write_bytes(first.read_bytes() + b"\n")
    assert default_range(loaded) == (D2, D2)
    path = loaded.landing / "accounts" / f"dt={D1}" / "part-0.jsonl"
    path.write_bytes(path.read_bytes()[:-10])
    assert default_range(loaded) == (D1, D2)


def test_files_loaded_after_the_last_publish_are_covered(loaded):
    """A run loaded day 1's files and then failed: they are not published yet."""
    _publish(loaded)
    past = time.time() - 3600
    os.utime(loaded.published, (past, past))
    assert default_range(loaded) == (D1, D2)


def test_one_end_given_takes_the_other_from_the_landing_zone(loaded):
    _publish(loaded)
    assert resolve_range(loaded, D1, None, False) == (D1, D2)
    assert resolve_range(loaded, None, D1, False) == (D1, D1)
    with pytest.raises(UserError, match="after"):
        resolve_range(loaded, D2, D1, False)
