"""`integrity bench --scale m`: where the time goes, and what orchestration costs.

1. simulate the scale into its own data dir (<data>/bench-<scale>);
2. hold back the last delivery day, then a full build of the rest through Dagster (main job,
   one run over the range, --full-refresh);
3. land the held-back day and run its partition (one incremental day), then the same day again
   with nothing new (a no-op day);
4. replay the compiled SQL of every model from step 2, in the order dbt ran it, with DuckDB
   alone on a copy of the warehouse: the same SQL without dbt and Dagster.
The ratio full build / DuckDB alone is the orchestration overhead (dbt tests included in the
former: their share is printed too). Peak memory is the sum of resident memory over the bench's
process tree (this process, dbt and its DuckDB), sampled every 0.2 s during each step.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import duckdb

from orchestration.errors import UserError
from orchestration.paths import DataPaths, data_paths


def _hold_back(paths: DataPaths, day: str, holding: Path) -> int:
    moved = 0
    for day_dir in paths.landing.glob(f"*/dt={day}"):
        target = holding / day_dir.parent.name / day_dir.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(day_dir), str(target))
        moved += 1
    return moved


def _land(paths: DataPaths, holding: Path) -> None:
    for day_dir in holding.glob("*/dt=*"):
        target = paths.landing / day_dir.parent.name / day_dir.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(day_dir), str(target))


def dbt_invocation_dir(run_id: str) -> Path | None:
    """The dbt target folder of the main job's dbt step (one per step, reused run after run: it
    holds the artifacts of the latest run, the one just made)."""
    from orchestration.dbt import dbt_target_path

    folder = dbt_target_path() / "dagster-dbt_models"
    return folder if (folder / "run_results.json").exists() else None


def replay_compiled_sql(invocation: Path, warehouse: Path, scratch: Path) -> tuple[float, int, float, float]:
    """Run the models' compiled SQL with DuckDB alone; return (seconds, models, dbt model s, dbt test s)."""
    manifest = json.loads((invocation / "manifest.json").read_text())
    results = json.loads((invocation / "run_results.json").read_text())["results"]
    # Same file name, so the catalog name in dbt's compiled relation names ("warehouse") resolves.
    (scratch / "duckdb-alone").mkdir(parents=True, exist_ok=True)
    copy = scratch / "duckdb-alone" / warehouse.name
    shutil.copyfile(warehouse, copy)
    model_seconds = sum(r.get("execution_time", 0) for r in results if r["unique_id"].startswith("model."))
    test_seconds = sum(
        r.get("execution_time", 0) for r in results if r["unique_id"].startswith(("test.", "unit_test."))
    )
    con = duckdb.connect(str(copy))
    models = 0
    began = time.monotonic()
    try:
        con.execute("set TimeZone = 'UTC'")
        for result in results:
            node = manifest["nodes"].get(result["unique_id"])
            if not node or node["resource_type"] != "model" or result.get("status") != "success":
                continue
            sql = node.get("compiled_code") or result.get("compiled_code")
            relation = node.get("relation_name")
            if not sql or not relation:
                continue
            con.execute(f"create schema if not exists {node['schema']}")
            kind = "view" if node.get("config", {}).get("materialized") == "view" else "table"
            con.execute(f"create or replace {kind} {relation} as ({sql})")
            models += 1
    finally:
        con.close()
    seconds = time.monotonic() - began
    copy.unlink(missing_ok=True)
    return seconds, models, model_seconds, test_seconds


def _impression_rows(paths: DataPaths) -> int:
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        return con.execute("select count(*) from staging.stg_platform__impressions").fetchone()[0]
    finally:
        con.close()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", default="m", help="simulated platform size (xs, s, m, l)")
    parser.add_argument("--days", type=int, default=None, help="simulated days (default: the scale's)")
    parser.add_argument("--end-date", default="2026-10-31")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--out", default=None, help="bench data dir (default <data>/bench-<scale>, wiped first)"
    )


def run(args: argparse.Namespace) -> int:
    from orchestration.assets.partitions import landed_days
    from orchestration.demo import simulate
    from orchestration.runner import materialize_range

    root = Path(args.out) if args.out else data_paths().root / f"bench-{args.scale}"
    if root.exists():
        shutil.rmtree(root)
    paths = data_paths(root)
    sim_seconds = simulate(paths, args.scale, args.end_date, args.days, args.seed)
    days = landed_days(paths.landing)
    if len(days) < 2:
        raise UserError(f"the simulation delivered {len(days)} day(s); the bench needs at least 2")
    from orchestration.dbt import prepare

    prepare(paths=paths)  # the manifest the definitions load (never made at import)
    holding = root / "held-back"
    _hold_back(paths, days[-1], holding)

    from orchestration.memory import PeakMemory

    with PeakMemory() as full_peak:
        full = materialize_range(
            paths, days[0], days[-2], full_refresh=True, log_level="WARNING", persistent=False
        )
    if not full.success:
        raise UserError(f"full build failed: {'; '.join(full.failures) or 'see the log above'}")
    invocation = dbt_invocation_dir(full.run_id)
    duck = None
    if invocation is not None:
        duck = replay_compiled_sql(invocation, paths.warehouse, root)

    _land(paths, holding)
    with PeakMemory() as day_peak:
        incremental = materialize_range(paths, days[-1], days[-1], log_level="WARNING", persistent=False)
    if not incremental.success:
        raise UserError(f"incremental day failed: {'; '.join(incremental.failures)}")
    with PeakMemory() as noop_peak:
        noop = materialize_range(paths, days[-1], days[-1], log_level="WARNING", persistent=False)
    if not noop.success:
        raise UserError(f"no-op day failed: {'; '.join(noop.failures)}")
    impressions = _impression_rows(paths)

    size = paths.warehouse.stat().st_size / 1e6
    print(f"\nintegrity bench --scale {args.scale}: {len(days)} delivery days, warehouse {size:.0f} MB")
    print(f"  simulate                        {sim_seconds:8.1f} s")
    print(f"  full build (Dagster, {len(days) - 1:3d} days)   {full.seconds:8.1f} s")
    print(f"  one incremental day ({days[-1]}) {incremental.seconds:8.1f} s")
    print(f"  the same day, nothing new       {noop.seconds:8.1f} s")
    print(f"  impression rows in the warehouse {impressions:,}")
    gib = 1024**3
    print(
        f"  peak memory (process tree)      full {full_peak.bytes / gib:.2f} GiB, "
        f"day {day_peak.bytes / gib:.2f} GiB, no-op {noop_peak.bytes / gib:.2f} GiB"
    )
    if duck:
        seconds, models, dbt_models_s, dbt_tests_s = duck
        print(f"  DuckDB alone ({models} models' SQL)   {seconds:8.1f} s")
        print(f"    (dbt's own timing: models {dbt_models_s:.1f} s, tests {dbt_tests_s:.1f} s, 2 threads)")
        print(f"  ratio full build / DuckDB alone {full.seconds / max(seconds, 1e-9):8.2f} x")
    else:
        print("  DuckDB alone: no dbt artifacts found for the full build")
    return 0
