"""Incremental staging on the hand-made landing zone: delivery by delivery equals one full refresh.

The base models are incremental (macro platform_base): a run parses only new files, its window and
records held back as unknown_reference, and re-ranks every stored record of a key the batch touches.
The landing zone (tests/fixtures/landing_mini) has a restatement, conflicting and exact duplicates,
a newer content version, and an impression (c5, day 1) whose content is only delivered on day 2.
Which stored records a run rewrites is worked out by hand below from the fixture's comments.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers_warehouse import (
    STAGING,
    build_warehouse,
    query,
    run_dbt_isolated,
    tables_difference,
    write_landing_mini,
)

D1, D2 = "2026-10-01", "2026-10-02"
SCHEMAS = ("staging", "quarantine")


def _land_only(full_landing: Path, data_dir: Path, day: str) -> None:
    for day_dir in full_landing.glob(f"*/dt={day}"):
        shutil.copytree(day_dir, data_dir / "landing" / day_dir.parent.name / day_dir.name)


@pytest.fixture(scope="module")
def mini_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_landing_mini(tmp_path_factory.mktemp("mini-source"))


@pytest.fixture(scope="module")
def full_build(mini_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mini-full")
    shutil.copytree(mini_landing, root / "landing")
    return build_warehouse(root, select=STAGING, full_refresh=True)


def _batches(warehouse: Path, feed: str) -> dict[tuple[str, int], str]:
    rows = query(warehouse, f"select _source_file, _line_no, _batch_id from staging.base_platform__{feed}")
    return {(f"{file.split('dt=')[1]}", line): batch for file, line, batch in rows}


def _rewritten(before: dict, after: dict) -> set[tuple[str, int]]:
    return {key for key, batch in before.items() if after[key] != batch}


@pytest.fixture(scope="module")
def in_order(mini_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Day 1 lands and runs, then day 2, then a run with nothing new."""
    root = tmp_path_factory.mktemp("mini-in-order")
    _land_only(mini_landing, root, D1)
    warehouse = build_warehouse(root, select=STAGING, command="run")
    feeds = ("accounts", "content", "impressions", "reports")
    after_day1 = {feed: _batches(warehouse, feed) for feed in feeds}
    reason_day1 = query(
        warehouse,
        "select _reason_code from staging.base_platform__impressions "
        "where _source_file like '%2026-10-01%' and _line_no = 6",
    )[0][0]
    _land_only(mini_landing, root, D2)
    build_warehouse(root, select=STAGING, command="run")
    after_day2 = {feed: _batches(warehouse, feed) for feed in feeds}
    build_warehouse(root, select=STAGING, command="run")
    after_rerun = {feed: _batches(warehouse, feed) for feed in feeds}
    return {
        "warehouse": warehouse,
        "after_day1": after_day1,
        "after_day2": after_day2,
        "after_rerun": after_rerun,
        "reason_day1": reason_day1,
    }


def test_day_by_day_equals_full_refresh(in_order, full_build):
    assert tables_difference(in_order["warehouse"], full_build, SCHEMAS) == {}


def test_late_reference_is_held_then_released(in_order):
    # Impression r6 (day 1) points at content c5, delivered on day 2: held, then clean.
    assert in_order["reason_day1"] == "unknown_reference"
    status = query(
        in_order["warehouse"],
        "select _record_status from staging.base_platform__impressions "
        "where _source_file like '%2026-10-01%' and _line_no = 6",
    )
    assert status == [("clean",)]


# Day-1 records a day-2 run must rewrite: keys day 2 delivers again, and held references.
REWRITTEN_BY_DAY2 = {
    "accounts": {(f"{D1}/part-0.jsonl", 2)},  # a2: day 2 sends a conflicting version
    "content": {
        (f"{D1}/part-0.jsonl.gz", 1),  # c1: day 2 sends a newer version
        (f"{D1}/part-0.jsonl.gz", 2),  # c2: day 2 sends a conflicting version
        (f"{D1}/part-0.jsonl.gz", 3),  # c3: owner a404 unknown, re-checked every run
    },
    "impressions": {
        (f"{D1}/part-0.parquet", 1),  # r1: restated on day 2
        (f"{D1}/part-0.parquet", 4),  # r4: content c404 unknown, re-checked every run
        (f"{D1}/part-0.parquet", 6),  # r6: content c5 arrives on day 2
    },
}


@pytest.mark.parametrize("feed", ["accounts", "content", "impressions"])
def test_a_run_rewrites_only_touched_keys_and_held_references(in_order, feed):
    before = in_order["after_day1"][feed]
    after = in_order["after_day2"][feed]
    assert _rewritten(before, after) == REWRITTEN_BY_DAY2[feed]


def test_a_run_with_nothing_new_rewrites_only_held_references(in_order):
    held = {
        feed: {
            (f"{file.split('dt=')[1]}", line)
            for file, line in query(
                in_order["warehouse"],
                f"select _source_file, _line_no from staging.base_platform__{feed} "
                "where _reason_code = 'unknown_reference'",
            )
        }
        for feed in in_order["after_rerun"]
    }
    assert held["impressions"] == {(f"{D1}/part-0.parquet", 4)}
    assert held["content"] == {(f"{D1}/part-0.jsonl.gz", 3)}
    for feed in in_order["after_rerun"]:
        assert _rewritten(in_order["after_day2"][feed], in_order["after_rerun"][feed]) == held[feed], feed


def test_an_older_delivery_landing_last_equals_full_refresh(mini_landing, full_build, tmp_path):
    """Day 2 lands and runs first; day 1's files land later (a late file for an old delivery day):
    the first delivery of a key changes, so winners and duplicates are re-decided."""
    _land_only(mini_landing, tmp_path, D2)
    warehouse = build_warehouse(tmp_path, select=STAGING, command="run")
    held_early = query(
        warehouse,
        "select count(*) from staging.base_platform__accounts where _reason_code = 'conflicting_duplicate'",
    )
    assert held_early == [(0,)], "with day 1 missing, day 2's a2 is the first delivery of its key"
    _land_only(mini_landing, tmp_path, D1)
    build_warehouse(tmp_path, select=STAGING, command="run")
    assert tables_difference(warehouse, full_build, SCHEMAS) == {}


def test_a_window_rerun_re_derives_its_delivery_day(in_order, mini_landing, tmp_path):
    """A backfill of a delivery day (window vars) re-parses that day's records: same rows, new batch."""
    root = tmp_path / "data"
    shutil.copytree(Path(in_order["warehouse"]).parent, root, ignore=shutil.ignore_patterns("dbt-*"))
    before = _batches(root / "warehouse.duckdb", "accounts")
    run_dbt_isolated(
        root,
        ["run", "--quiet", "--select", "base_platform__accounts", "--vars",
         f'{{"window_start": "{D2}", "window_end": "2026-10-03"}}'],
    )
    after = _batches(root / "warehouse.duckdb", "accounts")
    day2 = {key for key in before if key[0].startswith(D2)}
    assert _rewritten(before, after) == day2 | {(f"{D1}/part-0.jsonl", 2)}
    assert tables_difference(root / "warehouse.duckdb", in_order["warehouse"], ("staging",)) == {}


def test_a_re_delivered_shorter_file_replaces_its_records(mini_landing, tmp_path):
    """The platform re-sends day 1's accounts file without a2 and the a1 re-send: the loader
    replaces its rows, and staging must follow (old lines gone, a2's day-2 version now first)."""
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    shutil.copytree(mini_landing, incremental / "landing")
    warehouse = build_warehouse(incremental, select=STAGING, command="run")
    before = query(
        warehouse,
        "select _record_status, _reason_code from staging.base_platform__accounts "
        "where _source_file like '%2026-10-02/part-0.jsonl' and _line_no = 1",
    )
    assert before == [("quarantined", "conflicting_duplicate")]
    path = incremental / "landing" / "accounts" / f"dt={D1}" / "part-0.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(line for number, line in enumerate(lines, 1) if number not in (2, 7)))
    build_warehouse(incremental, select=STAGING, command="run")
    shutil.copytree(incremental / "landing", full / "landing")
    build_warehouse(full, select=STAGING, full_refresh=True, command="run")
    assert tables_difference(warehouse, full / "warehouse.duckdb", SCHEMAS) == {}
    after = query(
        warehouse,
        "select _record_status from staging.base_platform__accounts "
        "where _source_file like '%2026-10-02/part-0.jsonl' and _line_no = 1",
    )
    assert after == [("clean",)]
    lines_left = query(
        warehouse,
        f"select count(*) from staging.base_platform__accounts where _source_file like '%{D1}/part-0.jsonl'",
    )
    assert lines_left == [(6,)]
