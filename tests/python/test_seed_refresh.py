"""A changed seed rebuilds the incremental models that depend on it in full (macros/incremental/
seed_refresh.sql): reference data can change rows an incremental run would keep. On a copy of the
xs warehouse and of the dbt project (the test edits two seeds)."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers_warehouse import execute, query

from orchestration.dbt import run_dbt
from orchestration.paths import PROJECT_DIR, data_paths

HOURLY = "intermediate.int_unwanted_impressions_hourly"
REVIEWS = "staging.base_platform__review_events"
RECORDS = "build_state.seed_checksums"
SELECT = ["--select", "+int_unwanted_impressions_hourly", "base_platform__review_events"]


def _project_copy(where: Path) -> Path:
    where.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, where / name)
    for name in ("models", "macros", "seeds", "analyses"):
        shutil.copytree(PROJECT_DIR / name, where / name)
    shutil.copytree(
        PROJECT_DIR / "tests", where / "tests", ignore=shutil.ignore_patterns("python", "fixtures")
    )
    return where


def _rows(warehouse: Path, table: str) -> list[tuple]:
    """The table's rows without the columns naming the run that wrote them."""
    excluded = "_base_batches" if table == HOURLY else "_loaded_at, _batch_id"
    return query(warehouse, f"select * exclude ({excluded}) from {table} order by all")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r}"
    path.write_text(text.replace(old, new))


def test_a_changed_seed_rebuilds_its_dependants_in_full(copy_data_dir, tmp_path, monkeypatch):
    data_dir = copy_data_dir()
    warehouse = data_dir / "warehouse.duckdb"
    project = _project_copy(tmp_path / "project")
    monkeypatch.setenv("INTEGRITY_DBT_PROJECT_DIR", str(project))
    logs = ["--log-path", str(tmp_path / "logs")]

    def dbt(*args: str) -> str:
        return run_dbt(
            [*args, *logs], data_paths(data_dir), capture=True, target_path=tmp_path / "target"
        ).stdout

    # The xs build recorded the seeds each incremental model with seed ancestors was built with.
    recorded = dict(query(warehouse, f"select model_unique_id, seed_checksums from {RECORDS}"))
    assert recorded["model.integrity.int_unwanted_impressions_hourly"].startswith("action_types=")
    assert recorded["model.integrity.base_platform__review_events"].startswith("policies=")
    assert "model.integrity.base_platform__impressions" not in recorded  # no seed ancestor

    # Markers on rows an incremental run keeps: an old day's hourly row, a clean review event.
    hourly, reviews = _rows(warehouse, HOURLY), _rows(warehouse, REVIEWS)
    marker_hourly = (
        f"_delivered_dt = (select min(_delivered_dt) from {HOURLY}) and content_id ="
        f" (select min(content_id) from {HOURLY} where _delivered_dt = (select min(_delivered_dt) from {HOURLY}))"
    )
    marker_review = f"event_id = (select min(event_id) from {REVIEWS} where _record_status = 'clean')"
    mark = f"update {HOURLY} set impressions = -1 where {marker_hourly}; update {REVIEWS} set queue = 'marker' where {marker_review}"
    execute(warehouse, mark)

    # 1. Seeds unchanged: an incremental run keeps both markers (nothing was rebuilt in full).
    output = dbt("run", *SELECT)
    assert "rebuilt in full" not in output
    assert query(warehouse, f"select count(*) from {HOURLY} where impressions = -1") != [(0,)]
    assert query(warehouse, f"select count(*) from {REVIEWS} where queue = 'marker'") == [(1,)]

    # 2. Demotions end exposure now (action_types, an ancestor of the hourly table only) and a
    #    policy is renamed (policies, an ancestor of both; no row of the review events changes).
    _replace(
        project / "seeds" / "action_types.csv",
        "demote,Demote content,content,visibility,false,",
        "demote,Demote content,content,visibility,true,",
    )
    _replace(
        project / "seeds" / "policies.csv",
        "spam_deceptive_links,Deceptive links,",
        "spam_deceptive_links,Deceptive links (renamed),",
    )
    dbt("seed", "--quiet", "--select", "action_types", "policies")
    output = dbt("run", *SELECT)
    assert "int_unwanted_impressions_hourly: rebuilt in full, seed action_types, policies changed" in output
    assert "base_platform__review_events: rebuilt in full, seed policies changed" in output

    # Both rebuilt in full: markers gone, the reviews as built, the hourly table as a full refresh
    # with the new seeds builds it, and not as before (the seed change matters to it).
    assert _rows(warehouse, REVIEWS) == reviews
    after_change = _rows(warehouse, HOURLY)
    assert after_change != hourly
    dbt("run", "--quiet", "--full-refresh", *SELECT)
    assert _rows(warehouse, HOURLY) == after_change

    # The new checksums are recorded: the next incremental run keeps a marker again.
    latest = dict(
        query(
            warehouse,
            f"select model_unique_id, max_by(seed_checksums, record_seq) from {RECORDS} group by all",
        )
    )
    assert (
        latest["model.integrity.int_unwanted_impressions_hourly"]
        != recorded["model.integrity.int_unwanted_impressions_hourly"]
    )
    execute(warehouse, mark)
    assert "rebuilt in full" not in dbt("run", *SELECT)
    assert query(warehouse, f"select count(*) from {REVIEWS} where queue = 'marker'") == [(1,)]
