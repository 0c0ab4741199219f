"""Build a warehouse for a test: ingest a landing zone, then `dbt build`, isolated from other runs.

    from helpers_warehouse import build_warehouse, write_landing_mini
    write_landing_mini(tmp_path)                 # the hand-made landing zone (tests/fixtures/landing_mini)
    db = build_warehouse(tmp_path, select=["path:models/staging"])

dbt writes its target/ and logs under the data dir (never the project's target/), so tests and people
running dbt in the same working tree do not clobber each other's manifest or lock each other's DuckDB.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

import duckdb

from orchestration.dbt import run_dbt
from orchestration.ingest import ingest
from orchestration.paths import PROJECT_DIR, data_paths

FIXTURES = PROJECT_DIR / "tests" / "fixtures"
LANDING_MINI_SCRIPT = FIXTURES / "landing_mini" / "make_landing.py"
STAGING = ["path:models/staging"]


def write_landing_mini(data_dir: str | os.PathLike[str]) -> Path:
    """Write the hand-made landing zone to `<data_dir>/landing`; return that path."""
    spec = importlib.util.spec_from_file_location("landing_mini", LANDING_MINI_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_landing(Path(data_dir) / "landing")


def run_dbt_isolated(
    data_dir: str | os.PathLike[str], args: list[str], *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` against `<data_dir>/warehouse.duckdb`, with target/ and logs/ under the data dir."""
    paths = data_paths(data_dir)
    isolated = [
        "--target-path",
        str(paths.root / "dbt-target"),
        "--log-path",
        str(paths.root / "dbt-logs"),
    ]
    return run_dbt([*args, *isolated], paths, check=check, capture=True)


def build_warehouse(
    data_dir: str | os.PathLike[str],
    *,
    select: list[str] | None = None,
    exclude: list[str] | None = None,
    full_refresh: bool = False,
) -> Path:
    """Ingest `<data_dir>/landing` and `dbt build` (models + tests; fails on an error-severity test).

    Returns the warehouse path. `select` defaults to the whole project.
    """
    paths = data_paths(data_dir)
    ingest(paths, full_refresh=full_refresh)
    args = ["build", "--quiet"]
    if select:
        args += ["--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    run_dbt_isolated(paths.root, args)
    return paths.warehouse


def query(warehouse: str | os.PathLike[str], sql: str) -> list[tuple]:
    """Rows of a query on a built warehouse (read-only, closed at once)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
