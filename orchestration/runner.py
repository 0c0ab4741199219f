"""`integrity run`: materialize the main job through Dagster, with progress.

By default the first run covers every delivery day in the landing zone (a single-run backfill
of that range) and later runs the days with unpublished data (new, replaced or late files), or
the last day when nothing is new: the loader loads what is new, dbt's incremental base models
parse it and re-derive the window, the published copy is swapped in at the end. `--start/--end` narrow the range; `--full-refresh` rebuilds incremental models.
Runs are recorded in DAGSTER_HOME (default <data>/dagster), so they show in `integrity ui`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, DataPaths, data_paths

DAGSTER_YAML = """\
# Written by `integrity run` / `integrity ui`. Writing runs are queued and run one at a time:
# DuckDB allows one writer per warehouse file.
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
concurrency:
  runs:
    max_concurrent_runs: 1
telemetry:
  enabled: false
"""


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    start: str | None
    end: str | None
    seconds: float
    failures: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    materialized: int = 0
    # rows of each table dbt built (counted once dbt exits, orchestration.assets.dbt_models), by asset key
    row_counts: dict[str, int] = field(default_factory=dict)


def dagster_home(paths: DataPaths) -> Path:
    """DAGSTER_HOME from the environment, else <data>/dagster; with a dagster.yaml that queues runs."""
    home = Path(os.environ.get("DAGSTER_HOME") or paths.root / "dagster").expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    return home


def unpublished_days(paths: DataPaths) -> list[str] | None:
    """Delivery days with data no successful run has published yet: landing files the loader's
    ledger does not know (path and size), and files loaded after the published copy was written
    (a run that failed or was killed after loading). None when nothing was ever published or the
    ledger cannot be read: then every day is unpublished."""
    from datetime import UTC, datetime

    import pyarrow as pa

    from orchestration.ingest import landing_files, ledger_path, read_ledger

    if not paths.published.exists() or not ledger_path(paths).exists():
        return None
    published_at = datetime.fromtimestamp(paths.published.stat().st_mtime, UTC).replace(tzinfo=None)
    try:
        ledger = read_ledger(paths).to_pylist()
    except (OSError, pa.ArrowException):
        return None
    known = {row["path"]: (row["size_bytes"], row["loaded_at"]) for row in ledger}
    days: set[str] = set()
    for lf in landing_files(paths.landing):
        if lf.delivered_dt is None:
            continue
        size, loaded_at = known.get(lf.rel, (None, None))
        if size != lf.path.stat().st_size or loaded_at is None or loaded_at > published_at:
            days.add(lf.delivered_dt.isoformat())
    return sorted(days)


def default_range(paths: DataPaths, *, everything: bool = False) -> tuple[str, str]:
    """The delivery days a run without --start/--end covers.

    The first run (nothing published yet) covers every landed day. Later runs cover the days with
    unpublished data (new, replaced or late files), or the last landed day when nothing is new:
    the base models process every new file whatever its day, and the window re-derives its days.
    `everything` (a full refresh) covers every landed day.
    """
    from orchestration.assets.partitions import clamp_to_partitions, landed_days

    days = landed_days(paths.landing)
    if not days:
        raise UserError(
            f"no delivery day in {paths.landing}: run `integrity simulate` (or `integrity demo`), "
            "or point INTEGRITY_DATA_DIR at a data dir whose landing/ follows docs/raw-contract.md"
        )
    pending = None if everything else unpublished_days(paths)
    if pending is not None:
        days = pending or days[-1:]
    return (
        clamp_to_partitions(date.fromisoformat(days[0])).isoformat(),
        clamp_to_partitions(date.fromisoformat(days[-1])).isoformat(),
    )


def resolve_range(paths: DataPaths, start: str | None, end: str | None, full_refresh: bool) -> tuple[str, str]:
    """The run's delivery days: as given, else default_range; one end given, the other is the
    landing zone's first or last day."""
    if start is None and end is None:
        return default_range(paths, everything=full_refresh)
    if start is None or end is None:
        first, last = default_range(paths, everything=True)
        start, end = start or first, end or last
    if start > end:
        raise UserError(f"--start {start} is after --end {end}")
    return start, end


def _check_day(text: str | None, flag: str) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UserError(f"{flag} {text!r} is not a date (YYYY-MM-DD)") from None


def run_config(full_refresh: bool = False, log_level: str = "INFO") -> dict:
    config: dict = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    if full_refresh:
        config["ops"] = {"dbt_models": {"config": {"full_refresh": True}}}
    return config


def materialize_range(
    paths: DataPaths,
    start: str | None = None,
    end: str | None = None,
    *,
    job_name: str | None = None,
    full_refresh: bool = False,
    log_level: str = "INFO",
    persistent: bool = True,
) -> RunOutcome:
    """Run a job of the Definitions in this process over delivery days start..end (one run)."""
    from orchestration.assets.partitions import partition_range_tags

    os.environ["INTEGRITY_DATA_DIR"] = str(paths.root)
    start, end = resolve_range(paths, start, end, full_refresh)
    outcome, _ = run_job(
        paths,
        job_name or MAIN_JOB_NAME,
        run_config(full_refresh, log_level),
        tags=partition_range_tags(start, end),
        persistent=persistent,
    )
    outcome.start, outcome.end = start, end
    return outcome


MAIN_JOB_NAME = "integrity_main"


def run_job(
    paths: DataPaths,
    job_name: str,
    config: dict,
    *,
    tags: dict[str, str] | None = None,
    persistent: bool = True,
    asset_selection: list | None = None,
    quiet: bool = False,
):
    """Execute one job of the Definitions in this process for the data dir: (outcome, result).

    Recorded in DAGSTER_HOME (default <data>/dagster) unless `persistent` is off, so runs started
    from the command line show in `integrity ui` like scheduled ones. `quiet` keeps dbt's lines
    and Dagster's log off the terminal (the outcome still says what failed, in dbt's words).
    """
    import contextlib
    import io

    import dagster as dg

    from orchestration.definitions import defs

    try:
        job = defs.resolve_job_def(job_name)
    except dg.DagsterInvariantViolationError:
        names = sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__"))
        raise UserError(f"no job {job_name!r}; jobs: {', '.join(names)}") from None
    before = os.environ.get("INTEGRITY_DATA_DIR")
    os.environ["INTEGRITY_DATA_DIR"] = str(paths.root)
    if persistent:
        os.environ["DAGSTER_HOME"] = str(dagster_home(paths))
        instance = dg.DagsterInstance.get()
    else:
        instance = dg.DagsterInstance.ephemeral()
    began = time.monotonic()
    if quiet:
        config = {**config, "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    try:
        with instance, contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext():
            result = job.execute_in_process(
                run_config=config,
                instance=instance,
                tags={**(tags or {}), "integrity/trigger": "cli"},
                raise_on_error=False,
                asset_selection=asset_selection,
            )
    finally:
        if before is not None:
            os.environ["INTEGRITY_DATA_DIR"] = before
    outcome = RunOutcome(
        success=result.success,
        run_id=result.run_id,
        start=None,
        end=None,
        seconds=round(time.monotonic() - began, 2),
    )
    materialized: set = set()
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error if event.step_failure_data else None
            while (
                error is not None
                and error.cause is not None
                and "DagsterExecutionStepExecutionError" in (error.cls_name or "")
            ):
                error = error.cause
            message = error.message.strip() if error else "failed"
            if error is not None and error.cls_name and f"{error.cls_name}: " in message.split("\n", 1)[0]:
                message = message.split(f"{error.cls_name}: ", 1)[1]  # the error's words, not its class
            outcome.failures.append(f"{event.step_key}: {message or 'failed'}")
        elif event.event_type_value == "ASSET_MATERIALIZATION" and event.asset_key is not None:
            materialized.add(event.asset_key)
            materialization = getattr(event.event_specific_data, "materialization", None)
            rows = materialization.metadata.get("dagster/row_count") if materialization else None
            if rows is not None:
                outcome.row_counts[event.asset_key.to_user_string()] = int(getattr(rows, "value", rows))
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            evaluation = getattr(data, "asset_check_evaluation", data)
            if evaluation is not None and not getattr(evaluation, "passed", True):
                outcome.failed_checks.append(
                    f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                    f" ({getattr(evaluation.severity, 'value', evaluation.severity)})"
                )
    outcome.materialized = len(materialized)
    return outcome, result


def execute_with_cli(paths: DataPaths, start: str, end: str, full_refresh: bool) -> int:
    """The same run through `dagster job execute` (a separate process, as the daemon would)."""
    from orchestration.assets.partitions import partition_range_tags

    env = dict(os.environ, INTEGRITY_DATA_DIR=str(paths.root), DAGSTER_HOME=str(dagster_home(paths)))
    dagster = Path(sys.executable).with_name("dagster")
    config_file = dagster_home(paths) / "run_config.json"
    config_file.write_text(json.dumps(run_config(full_refresh)))
    cmd = [
        str(dagster) if dagster.exists() else "dagster",
        "job",
        "execute",
        "-m",
        "orchestration.definitions",
        "-j",
        "integrity_main",
        "--tags",
        json.dumps(partition_range_tags(start, end)),
        "-c",
        str(config_file),
    ]
    return subprocess.run(cmd, cwd=PROJECT_DIR, env=env, check=False).returncode


def print_outcome(outcome: RunOutcome, paths: DataPaths) -> None:
    status = "succeeded" if outcome.success else "FAILED"
    print(
        f"\nintegrity run {status}: delivery days {outcome.start}..{outcome.end}, "
        f"{outcome.materialized} assets materialized in {outcome.seconds:.1f}s (run {outcome.run_id[:8]})"
    )
    for failure in outcome.failures:  # the whole message: dbt's own words on what failed
        first, *rest = failure.splitlines()
        print(f"  failed step  {first}")
        for line in rest:
            print(f"               {line}")
    for check in outcome.failed_checks:
        print(f"  failed check {check}")
    if outcome.success:
        print(f"  warehouse  {paths.warehouse}")
        print(f"  published  {paths.published}  (what readers open)")
    else:
        print("  nothing was published: readers still see the previous copy")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--start",
        help="first delivery day (default: the first day with unpublished data; every day on the first run)",
    )
    parser.add_argument("--end", help="last delivery day (default: the last day with unpublished data)")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    parser.add_argument("--job", default=None, help="job to run (default integrity_main; or sla_monitor)")
    parser.add_argument("--via-cli", action="store_true", help="run through `dagster job execute` instead")
    parser.add_argument("--quiet", action="store_true", help="only warnings and the summary")


def run(args: argparse.Namespace) -> int:
    from orchestration.dbt import prepare

    paths = data_paths()
    start = _check_day(args.start, "--start")
    end = _check_day(args.end, "--end")
    prepare(paths=paths)  # the manifest the definitions load: never made at import
    if args.via_cli:
        return execute_with_cli(paths, *resolve_range(paths, start, end, args.full_refresh), args.full_refresh)
    outcome = materialize_range(
        paths,
        start,
        end,
        job_name=args.job,
        full_refresh=args.full_refresh,
        log_level="WARNING" if args.quiet else "INFO",
    )
    print_outcome(outcome, paths)
    return 0 if outcome.success else 1
