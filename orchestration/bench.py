"""`integrity bench --scale m`: where the time goes, and what orchestration costs.

1. simulate the scale at its default history (365 days for m and l) into its own data dir
   (<data>/bench-<scale>/history);
2. hold back the last delivery day, then a full build of the rest through Dagster
   (`integrity run --start FIRST --end LAST --full-refresh`, a process of its own, as a user runs it);
3. land the held-back day and run its partition (`integrity run --start D --end D`: one
   incremental day), then the same day again with nothing new (a no-op day);
4. replay the compiled SQL of every model from step 2, in the order dbt ran it, with DuckDB
   alone on a copy of the warehouse: the same SQL without dbt and Dagster.
5. the same on a 90-day history of the same daily volume (<data>/bench-<scale>/short), for the
   incremental day only: one day's cost should not grow with the history behind it.
The ratio full build / DuckDB alone is the orchestration overhead (dbt tests included in the
former: their share is printed too). Peak memory is the sum of resident memory over the bench's
process tree (this process, dbt and its DuckDB), sampled every 0.2 s during each step.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, DataPaths, data_paths
from orchestration.runner import RunOutcome


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


def _integrity_run(paths: DataPaths, start: str, end: str, *, full_refresh: bool = False) -> RunOutcome:
    """`integrity run --start START --end END` in a process of its own, timed from start to exit:
    what a user or the scheduler pays (imports, the manifest check, Dagster's run storage, dbt,
    exports, publish), not only the job's execution."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "orchestration.cli", "run", "--start", start, "--end", end, "--quiet"]
    if full_refresh:
        command.append("--full-refresh")
    env = dict(os.environ, INTEGRITY_DATA_DIR=str(paths.root))
    env.pop("DAGSTER_HOME", None)  # the data dir's own run storage
    began = time.monotonic()
    proc = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    seconds = round(time.monotonic() - began, 2)
    said = (proc.stderr or proc.stdout).strip().splitlines()
    failures = [] if proc.returncode == 0 else ["\n".join(said[-20:]) or f"exit {proc.returncode}"]
    return RunOutcome(
        success=proc.returncode == 0, run_id="", start=start, end=end, seconds=seconds, failures=failures
    )


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
    parser.add_argument(
        "--short-days",
        type=int,
        default=90,
        help="also time one day on a shorter history of the same daily volume (0: skip)",
    )
    parser.add_argument("--end-date", default="2026-10-31")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--out", default=None, help="bench data dir (default <data>/bench-<scale>, wiped first)"
    )


@dataclass
class HistoryBench:
    """One simulated history: its full build, one incremental day and a no-op day."""

    days: int
    simulate_s: float
    full: RunOutcome
    day: RunOutcome
    noop: RunOutcome
    full_peak: int
    day_peak: int
    noop_peak: int
    impression_rows: int
    warehouse_mb: float
    duck: tuple[float, int, float, float] | None


def _bench_history(root: Path, args: argparse.Namespace, days: int | None, replay: bool) -> HistoryBench:
    from orchestration.assets.partitions import landed_days
    from orchestration.demo import simulate
    from orchestration.memory import PeakMemory
    if root.exists():
        shutil.rmtree(root)
    paths = data_paths(root)
    sim_seconds = simulate(paths, args.scale, args.end_date, days, args.seed)
    landed = landed_days(paths.landing)
    if len(landed) < 2:
        raise UserError(f"the simulation delivered {len(landed)} day(s); the bench needs at least 2")
    from orchestration.dbt import prepare

    prepare(paths=paths)  # the manifest the definitions load (never made at import)
    holding = root / "held-back"
    _hold_back(paths, landed[-1], holding)

    with PeakMemory() as full_peak:
        full = _integrity_run(paths, landed[0], landed[-2], full_refresh=True)
    if not full.success:
        raise UserError(f"full build failed: {'; '.join(full.failures) or 'see the log above'}")
    duck = None
    invocation = dbt_invocation_dir(full.run_id) if replay else None
    if invocation is not None:
        duck = replay_compiled_sql(invocation, paths.warehouse, root)

    _land(paths, holding)
    with PeakMemory() as day_peak:
        day = _integrity_run(paths, landed[-1], landed[-1])
    if not day.success:
        raise UserError(f"incremental day failed: {'; '.join(day.failures)}")
    with PeakMemory() as noop_peak:
        noop = _integrity_run(paths, landed[-1], landed[-1])
    if not noop.success:
        raise UserError(f"no-op day failed: {'; '.join(noop.failures)}")
    return HistoryBench(
        days=len(landed),
        simulate_s=sim_seconds,
        full=full,
        day=day,
        noop=noop,
        full_peak=full_peak.bytes,
        day_peak=day_peak.bytes,
        noop_peak=noop_peak.bytes,
        impression_rows=_impression_rows(paths),
        warehouse_mb=paths.warehouse.stat().st_size / 1e6,
        duck=duck,
    )


def _machine() -> str:
    import platform

    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 1024**3:.0f} GiB memory"
    except (ValueError, OSError):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{memory}, DuckDB {duckdb.__version__}"


def run(args: argparse.Namespace) -> int:
    root = Path(args.out) if args.out else data_paths().root / f"bench-{args.scale}"
    long = _bench_history(root / "history", args, args.days, replay=True)
    short = None
    if args.short_days and args.short_days < long.days:
        short = _bench_history(root / "short", args, args.short_days, replay=False)

    gib = 1024**3
    print(
        f"\nintegrity bench --scale {args.scale}, {datetime.now(UTC):%Y-%m-%d} on {_machine()}"
        f" (end to end: `integrity run` over the days, through Dagster)"
    )
    rows = [
        (
            f"simulate ({long.days} days)",
            f"{long.simulate_s:.1f} s",
            f"{long.impression_rows / max(long.simulate_s, 1e-9) / 1e6:.2f}M impression rows/s",
        ),
        (
            f"full build ({long.days - 1} days)",
            f"{long.full.seconds:.1f} s",
            f"peak {long.full_peak / gib:.2f} GiB",
        ),
        (
            f"incremental day ({long.days} days of history)",
            f"{long.day.seconds:.1f} s",
            f"peak {long.day_peak / gib:.2f} GiB",
        ),
    ]
    if short is not None:
        ratio = long.day.seconds / max(short.day.seconds, 1e-9)
        rows.append(
            (
                f"incremental day ({short.days} days of history)",
                f"{short.day.seconds:.1f} s",
                f"{long.days}-day / {short.days}-day: {ratio:.2f}x",
            )
        )
    rows.append(
        (
            f"no-op day ({long.days} days, nothing new)",
            f"{long.noop.seconds:.1f} s",
            f"peak {long.noop_peak / gib:.2f} GiB",
        )
    )
    if long.duck:
        seconds, models, dbt_models_s, dbt_tests_s = long.duck
        rows.append(
            (
                f"DuckDB alone ({models} models' compiled SQL)",
                f"{seconds:.1f} s",
                f"dbt's own timing: models {dbt_models_s:.1f} s, tests {dbt_tests_s:.1f} s",
            )
        )
        rows.append(("ratio full build / DuckDB alone", f"{long.full.seconds / max(seconds, 1e-9):.2f}x", ""))
    rows.append(
        (
            "impression rows in the warehouse",
            f"{long.impression_rows:,}",
            f"warehouse {long.warehouse_mb:.0f} MB",
        )
    )
    width = max(len(label) for label, _, _ in rows)
    for label, figure, note in rows:
        print(f"  {label:<{width}}  {figure:>14}  {note}")
    return 0
