"""Incremental staging on the hand-made landing zone: delivery by delivery equals one full refresh.

The base models are incremental (macro platform_base): a run parses only new files, its window and
records held back as unknown_reference, and re-ranks every stored record of a key the batch touches.
The landing zone (tests/fixtures/landing_mini) has a restatement, conflicting and exact duplicates,
a newer content version, an impression (c5, day 1) whose content is only delivered on day 2, and
day-2 records whose policy code the policies seed does not have (held until the code is seeded).
Which stored records a run rewrites is worked out by hand below from the fixture's comments.
The policies seed is the one reference that can also shrink: every run re-checks it both ways.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import duckdb
import pytest
from helpers_warehouse import (
    LANDING_MINI_SCRIPT,
    STAGING,
    build_warehouse,
    query,
    run_dbt_isolated,
    tables_difference,
    write_landing_mini,
)

D1, D2 = "2026-10-01", "2026-10-02"
# The staging layer and the incremental models built on it by delivery day (int_impressions_daily):
# they must equal a full refresh after every run too, restatements and shorter files included.
SCHEMAS = ("staging", "quarantine", "intermediate")
BUILT = [*STAGING, "int_impressions_daily"]


def _land_only(full_landing: Path, data_dir: Path, day: str) -> None:
    for day_dir in full_landing.glob(f"*/dt={day}"):
        shutil.copytree(day_dir, data_dir / "landing" / day_dir.parent.name / day_dir.name)


def _seed(data_dir: Path) -> None:
    """Load the reference seeds (staging checks policy codes against `policies`)."""
    run_dbt_isolated(data_dir, ["seed", "--quiet"])


def _run(data_dir: Path) -> Path:
    """One incremental run of staging (ingest, then dbt run; the seeds stay as they are)."""
    return build_warehouse(data_dir, select=BUILT, command="run")


@pytest.fixture(scope="module")
def mini_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = write_landing_mini(tmp_path_factory.mktemp("mini-source"))
    spec = importlib.util.spec_from_file_location("landing_mini", LANDING_MINI_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_unseeded_policies(landing)
    return landing


@pytest.fixture(scope="module")
def full_build(mini_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mini-full")
    shutil.copytree(mini_landing, root / "landing")
    return build_warehouse(root, select=[*BUILT, "resource_type:seed"], full_refresh=True)


def _batches(warehouse: Path, feed: str) -> dict[tuple[str, int], str]:
    rows = query(warehouse, f"select _source_file, _line_no, _batch_id from staging.base_platform__{feed}")
    return {(f"{file.split('dt=')[1]}", line): batch for file, line, batch in rows}


def _rewritten(before: dict, after: dict) -> set[tuple[str, int]]:
    return {key for key, batch in before.items() if after[key] != batch}


@pytest.fixture(scope="module")
def in_order(mini_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Day 1 lands and runs, then day 2, then a run with nothing new."""
    root = tmp_path_factory.mktemp("mini-in-order")
    _seed(root)
    _land_only(mini_landing, root, D1)
    warehouse = _run(root)
    feeds = ("accounts", "content", "impressions", "reports", "enforcement_actions")
    after_day1 = {feed: _batches(warehouse, feed) for feed in feeds}
    reason_day1 = query(
        warehouse,
        "select _reason_code from staging.base_platform__impressions "
        "where _source_file like '%2026-10-01%' and _line_no = 6",
    )[0][0]
    _land_only(mini_landing, root, D2)
    _run(root)
    after_day2 = {feed: _batches(warehouse, feed) for feed in feeds}
    _run(root)
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
    "enforcement_actions": {
        (f"{D1}/part-0.jsonl", 2),  # x2: day 2 sends a conflicting version
        (f"{D1}/part-0.jsonl", 3),  # x3: review rev404 unknown, re-checked every run
    },
}


@pytest.mark.parametrize("feed", ["accounts", "content", "impressions", "enforcement_actions"])
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
    # x3 waits for review rev404, x5 for its policy code to be seeded
    assert held["enforcement_actions"] == {(f"{D1}/part-0.jsonl", 3), (f"{D2}/part-0.jsonl", 1)}
    for feed in in_order["after_rerun"]:
        assert _rewritten(in_order["after_day2"][feed], in_order["after_rerun"][feed]) == held[feed], feed


def test_an_older_delivery_landing_last_equals_full_refresh(mini_landing, full_build, tmp_path):
    """Day 2 lands and runs first; day 1's files land later (a late file for an old delivery day):
    the first delivery of a key changes, so winners and duplicates are re-decided."""
    _seed(tmp_path)
    _land_only(mini_landing, tmp_path, D2)
    warehouse = _run(tmp_path)
    held_early = query(
        warehouse,
        "select count(*) from staging.base_platform__accounts where _reason_code = 'conflicting_duplicate'",
    )
    assert held_early == [(0,)], "with day 1 missing, day 2's a2 is the first delivery of its key"
    _land_only(mini_landing, tmp_path, D1)
    _run(tmp_path)
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
    _seed(incremental)
    warehouse = _run(incremental)
    before = query(
        warehouse,
        "select _record_status, _reason_code from staging.base_platform__accounts "
        "where _source_file like '%2026-10-02/part-0.jsonl' and _line_no = 1",
    )
    assert before == [("quarantined", "conflicting_duplicate")]
    path = incremental / "landing" / "accounts" / f"dt={D1}" / "part-0.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(line for number, line in enumerate(lines, 1) if number not in (2, 7)))
    _run(incremental)
    shutil.copytree(incremental / "landing", full / "landing")
    _seed(full)
    build_warehouse(full, select=BUILT, full_refresh=True, command="run")
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


def _set_policies(warehouse: Path, *, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> None:
    """Stand-in for editing seeds/policies.csv and `dbt seed`: change reference.policies in place."""
    con = duckdb.connect(str(warehouse))
    try:
        for code in add:
            con.execute(
                "insert into reference.policies select ?, ?, 'spam', true, false,"
                " 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC', 'KEYWORD_OTHER', ?, 'terms'",
                [code, code, code],
            )
        for code in remove:
            con.execute("delete from reference.policies where policy_code = ?", [code])
    finally:
        con.close()


def _full_refresh_of(data_dir: Path, tmp_path: Path, name: str) -> Path:
    """A full refresh of staging on a copy of `data_dir` (same landing zone, same seed tables)."""
    copy = tmp_path / name
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("dbt-*"))
    return build_warehouse(copy, select=BUILT, full_refresh=True, command="run")


def _action_fates(warehouse: Path) -> dict[tuple[str, int], tuple]:
    rows = query(
        warehouse,
        "select _source_file, _line_no, action_id, _record_status, _reason_code, _reason_detail"
        " from staging.base_platform__enforcement_actions",
    )
    return {(file.split("dt=")[1], line): tuple(rest) for file, line, *rest in rows}


def test_policy_seed_changes_are_re_checked_every_run(in_order, tmp_path):
    """A code seeded later admits its held records; a code removed from the seed holds the records
    that counted with it, and re-ranks their keys (x2's day-2 version, another policy, wins). After
    the removal (the hardest case: a stored winner loses its key) the tables equal a full refresh
    with the same seed; the other steps are checked record by record."""
    root = tmp_path / "data"
    shutil.copytree(Path(in_order["warehouse"]).parent, root, ignore=shutil.ignore_patterns("dbt-*"))
    warehouse = root / "warehouse.duckdb"
    assert _action_fates(warehouse) == {
        (f"{D1}/part-0.jsonl", 1): ("x1", "clean", None, None),
        (f"{D1}/part-0.jsonl", 2): ("x2", "clean", None, None),
        (f"{D1}/part-0.jsonl", 3): ("x3", "quarantined", "unknown_reference", "review_id=rev404"),
        (f"{D1}/part-0.jsonl", 4): ("x4", "quarantined", "unknown_enum_value", "automated_decision=maybe"),
        (f"{D2}/part-0.jsonl", 1): ("x5", "quarantined", "unknown_reference", "policy_code=spam_voice_cloning"),
        (f"{D2}/part-0.jsonl", 2): ("x6", "clean", None, None),
        (f"{D2}/part-0.jsonl", 3): (
            "x2", "quarantined", "conflicting_duplicate",
            f"differs from the first delivery of its key: enforcement_actions/dt={D1}/part-0.jsonl:2",
        ),
    }
    seeded_before = _batches(warehouse, "enforcement_actions")

    # 1. spam_voice_cloning is seeded: x5, e6 and s6 are admitted (q3's spam_ai_covers still is not)
    _set_policies(warehouse, add=("spam_voice_cloning",))
    _run(root)
    fates = _action_fates(warehouse)
    assert fates[(f"{D2}/part-0.jsonl", 1)] == ("x5", "clean", None, None)
    held_policies = (
        "select count(*) from staging.base_platform__{} where _reason_code = 'unknown_reference'"
        " and _reason_detail like '%policy_code=%'"
    )
    counts = {feed: query(warehouse, held_policies.format(feed))[0][0]
              for feed in ("enforcement_actions", "review_events", "prevalence_samples", "qa_audits")}
    assert counts == {"enforcement_actions": 0, "review_events": 0, "prevalence_samples": 0, "qa_audits": 1}
    # the run re-checked the held records (x3, x5) and nothing else of the feed
    assert _rewritten(seeded_before, _batches(warehouse, "enforcement_actions")) == {
        (f"{D1}/part-0.jsonl", 3), (f"{D2}/part-0.jsonl", 1),
    }

    # 2. hate_speech leaves the seed: day-1 x2 is held, its day-2 version (spam_fake_accounts) wins
    _set_policies(warehouse, remove=("hate_speech",))
    _run(root)
    fates = _action_fates(warehouse)
    assert fates[(f"{D1}/part-0.jsonl", 2)] == ("x2", "quarantined", "unknown_reference", "policy_code=hate_speech")
    assert fates[(f"{D2}/part-0.jsonl", 3)] == ("x2", "clean", None, None)
    assert query(
        warehouse, "select policy_code from staging.stg_platform__enforcement_actions where action_id = 'x2'"
    ) == [("spam_fake_accounts",)]
    assert tables_difference(warehouse, _full_refresh_of(root, tmp_path, "full-2"), SCHEMAS) == {}

    # 3. hate_speech is back: the first delivery of x2 wins again
    _set_policies(warehouse, add=("hate_speech",))
    _run(root)
    fates = _action_fates(warehouse)
    assert fates[(f"{D1}/part-0.jsonl", 2)] == ("x2", "clean", None, None)
    assert fates[(f"{D2}/part-0.jsonl", 3)][1:3] == ("quarantined", "conflicting_duplicate")


def test_a_re_delivered_shorter_impressions_file_is_summed_again(mini_landing, tmp_path):
    """Day 1's impressions file is re-sent without a clean row (the only record of its key) after both days ran: the
    delivery day's base records are rewritten, so int_impressions_daily sums that day again and
    equals a full refresh (the dropped row's impressions gone from the day's sum)."""
    import pyarrow.parquet as pq

    incremental, full = tmp_path / "incremental", tmp_path / "full"
    shutil.copytree(mini_landing, incremental / "landing")
    _seed(incremental)
    warehouse = _run(incremental)
    daily = f"select sum(impressions) from intermediate.int_impressions_daily where _delivered_dt = '{D1}'"
    before = query(warehouse, daily)[0][0]
    line, dropped = query(
        warehouse,
        "select _line_no, impressions from staging.base_platform__impressions as b"
        f" where _delivered_dt = '{D1}' and _record_status = 'clean' and not exists ("
        " select 1 from staging.base_platform__impressions as o where o._line_no <> b._line_no"
        " and (o.hour_ts, o.content_id, o.surface, o.country) = (b.hour_ts, b.content_id, b.surface, b.country))"
        " order by _line_no limit 1",
    )[0]
    path = incremental / "landing" / "impressions" / f"dt={D1}" / "part-0.parquet"
    table = pq.read_table(path)
    pq.write_table(table.take([i for i in range(table.num_rows) if i != line - 1]), path)
    _run(incremental)
    shutil.copytree(incremental / "landing", full / "landing")
    _seed(full)
    build_warehouse(full, select=BUILT, full_refresh=True, command="run")
    assert tables_difference(warehouse, full / "warehouse.duckdb", SCHEMAS) == {}
    assert query(warehouse, daily)[0][0] == before - dropped
