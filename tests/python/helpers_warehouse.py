"""Build a warehouse for a test: ingest a landing zone, then `dbt build`, isolated from other runs.

    from helpers_warehouse import build_warehouse, write_landing_mini
    write_landing_mini(tmp_path)                 # the hand-made landing zone (tests/fixtures/landing_mini)
    db = build_warehouse(tmp_path, select=["path:models/staging"])

dbt writes its target/ and logs in the test session's folder (never the project's target/), so tests
and people running dbt in the same working tree do not clobber each other's manifest or lock each
other's DuckDB.

`at_stable_path(data_dir)`: dbt re-parses the whole project (about 11 s here, against 4 s for a
partial parse) whenever the profile changes, and the profile holds the warehouse path, so every test
with its own data dir paid a full parse. For the length of a dbt call (or an in-process run) the data
dir is moved to one path per test session, and moved back after: every call then parses partially.
Production has one data dir and never pays this.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.dbt import DbtRun, run_dbt
from orchestration.ingest import ingest
from orchestration.paths import PROJECT_DIR, DataPaths, data_paths

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


STABLE_DIR_ENV = "INTEGRITY_TEST_STABLE_DIR"  # set by conftest: a folder of the session's basetemp


def _stable_dir() -> Path | None:
    given = os.environ.get(STABLE_DIR_ENV)
    return Path(given) if given else None


@contextmanager
def at_stable_path(data_dir: str | os.PathLike[str]) -> Iterator[DataPaths]:
    """The data dir moved to the session's one data path while the block runs (see the module
    docstring), then moved back; without a session folder (or across file systems), in place."""
    real = Path(data_dir).resolve()
    stable = _stable_dir()
    if stable is None or real == stable / "data":
        yield data_paths(real)
        return
    stable.mkdir(parents=True, exist_ok=True)
    here = stable / "data"
    if here.exists():
        raise RuntimeError(f"{here} is in use: a test left a data dir there (moved from elsewhere)")
    try:
        real.rename(here)
    except OSError:  # another file system: stay in place (a full parse)
        yield data_paths(real)
        return
    try:
        yield DataPaths(here)
    finally:
        here.rename(real)


def run_dbt_isolated(
    data_dir: str | os.PathLike[str], args: list[str], *, check: bool = True
) -> DbtRun:
    """`dbt <args>` against `<data_dir>/warehouse.duckdb`, with target/ and logs/ in the session's
    folder (shared by every call: partial parsing), else under the data dir."""
    stable = _stable_dir()
    with at_stable_path(data_dir) as paths:
        where = stable if stable is not None else paths.root
        isolated = ["--target-path", str(where / "dbt-target"), "--log-path", str(where / "dbt-logs")]
        return run_dbt([*args, *isolated], paths, check=check, capture=True)


def build_warehouse(
    data_dir: str | os.PathLike[str],
    *,
    select: list[str] | None = None,
    exclude: list[str] | None = None,
    full_refresh: bool = False,
    command: str = "build",
) -> Path:
    """Ingest `<data_dir>/landing` and `dbt build` (models + tests; fails on an error-severity test).

    Returns the warehouse path. `select` defaults to the whole project; `command="run"` skips tests;
    `full_refresh` reloads every landing file and rebuilds the incremental models.
    """
    paths = data_paths(data_dir)
    ingest(paths, full_refresh=full_refresh)
    args = [command, "--quiet", *(["--full-refresh"] if full_refresh else [])]
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


def execute(warehouse: str | os.PathLike[str], sql: str) -> None:
    """Change a built warehouse (tests that plant markers or stale state), closed at once."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(sql)
    finally:
        con.close()


# Columns that record when or by which run a row was written, not what it says.
RUN_COLUMNS = frozenset({"_loaded_at", "_batch_id", "_base_batches"})


def tables_difference(
    left: str | os.PathLike[str],
    right: str | os.PathLike[str],
    schemas: tuple[str, ...],
    *,
    ignore_columns: frozenset[str] = RUN_COLUMNS,
    exact: bool = False,
) -> dict[str, str]:
    """Tables and views of `schemas` that differ between two warehouses, row for row (as multisets).

    Doubles are compared to 9 decimals (sums may differ in the last bits with the order DuckDB adds
    them in) unless `exact`, when every value must be identical; columns in `ignore_columns` are left
    out. Returns {schema.table: how they differ}.
    """
    con = duckdb.connect()
    try:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        listed = "select table_schema, table_name from information_schema.tables where table_catalog = ?"
        found = {
            cat: {(s, t) for s, t in con.execute(listed, [cat]).fetchall() if s in schemas}
            for cat in ("l", "r")
        }
        diffs = {f"{s}.{t}": "only in one warehouse" for s, t in found["l"] ^ found["r"]}
        columns_sql = (
            "select column_name, data_type from information_schema.columns where table_catalog = ? "
            "and table_schema = ? and table_name = ? order by ordinal_position"
        )
        for schema, table in sorted(found["l"] & found["r"]):
            name = f"{schema}.{table}"
            columns = [
                c for c in con.execute(columns_sql, ["l", schema, table]).fetchall() if c[0] not in ignore_columns
            ]
            right_columns = [
                c for c in con.execute(columns_sql, ["r", schema, table]).fetchall() if c[0] not in ignore_columns
            ]
            if columns != right_columns:
                diffs[name] = "different columns"
                continue
            exprs = ", ".join(
                f'round("{c}", 9)' if t in ("DOUBLE", "FLOAT", "REAL") and not exact else f'"{c}"'
                for c, t in columns
            )
            left_sql = f'select {exprs} from l."{schema}"."{table}"'
            right_sql = f'select {exprs} from r."{schema}"."{table}"'
            only_left = con.execute(f"select count(*) from ({left_sql} except all {right_sql})").fetchone()[0]
            only_right = con.execute(f"select count(*) from ({right_sql} except all {left_sql})").fetchone()[0]
            if only_left or only_right:
                diffs[name] = f"{only_left} rows only in the first, {only_right} only in the second"
        return diffs
    finally:
        con.close()


def built_manifest_path() -> Path:
    """`$DBT_TARGET_PATH/manifest.json`, which `make test` builds before pytest (a manifest left in
    some other target folder may be stale, so it is never guessed). Without one the manifest checks
    skip loudly on a developer's machine, and fail under `CI=true`, where a missing manifest means
    the build step did not run."""

    target = os.environ.get("DBT_TARGET_PATH")
    path = Path(target) / "manifest.json" if target else None
    if path is None or not path.exists():
        message = (
            f"no dbt manifest at {path}" if path else "DBT_TARGET_PATH is not set"
        ) + ": `make test` sets it and builds the project (and its manifest) first"
        skip_or_fail(message)
    return path


def skip_or_fail(message: str) -> None:
    """Skip loudly on a developer's machine; fail under `CI=true`, where what is missing means a
    step of `make test` did not run."""
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
