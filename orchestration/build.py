"""`integrity build`: load new landing files, then `dbt build` (models + tests), without Dagster.

The loader finishes and closes its DuckDB connection before dbt starts: DuckDB allows one writing
process. dbt runs through the project's one dbt entry point (`orchestration.dbt.run_dbt`, dagster-dbt's
DbtCliResource), which writes target/manifest.json as it parses; when dbt fails, its own messages
(the failing model or test and the database error) end the command.
"""

from __future__ import annotations

import argparse
import time

from orchestration.dbt import dbt_target_path, run_dbt
from orchestration.engine import apply_engine_env
from orchestration.ingest import ingest
from orchestration.paths import DataPaths, data_paths


def build(
    paths: DataPaths | None = None,
    *,
    select: list[str] | None = None,
    exclude: list[str] | None = None,
    full_refresh: bool = False,
    skip_ingest: bool = False,
    quiet: bool = False,
) -> None:
    """Ingest, then `dbt build`; raise UserError with dbt's messages when dbt fails (a model, or a
    test at error severity)."""
    paths = paths or data_paths()
    if not skip_ingest:
        started = time.monotonic()
        result = ingest(paths, full_refresh=full_refresh)
        if not quiet:
            print(f"integrity ingest: {result.summary()} in {time.monotonic() - started:.1f}s")
            for rel, reason in result.unreadable_files:
                print(f"  unreadable: {rel} ({reason})")
    engine = apply_engine_env()
    args = ["build"]
    if engine == "spark":
        # the unit tests whose fixtures are DuckDB SQL are listed in the README; dbt's unit tests
        # test the SQL, which `make test` runs on DuckDB
        args += ["--exclude-resource-type", "unit_test"]
    if select:
        args += ["--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    if full_refresh:
        args.append("--full-refresh")
    run_dbt(args, paths, capture=quiet, target_path=dbt_target_path())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: $INTEGRITY_DATA_DIR, else ./data)"
    )
    parser.add_argument("-s", "--select", nargs="+", default=None, help="dbt selection (default: everything)")
    parser.add_argument("--exclude", nargs="+", default=None, help="dbt nodes to leave out")
    parser.add_argument(
        "--full-refresh", action="store_true", help="reload every landing file and rebuild incremental models"
    )
    parser.add_argument("--skip-ingest", action="store_true", help="run dbt on the raw zone as it is")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default=None,
        help="the engine that builds the warehouse (default: $INTEGRITY_ENGINE, else duckdb)",
    )


def run(args: argparse.Namespace) -> int:
    if args.engine:
        import os

        os.environ["INTEGRITY_ENGINE"] = args.engine
    build(
        data_paths(args.data_dir),
        select=args.select,
        exclude=args.exclude,
        full_refresh=args.full_refresh,
        skip_ingest=args.skip_ingest,
    )
    return 0
