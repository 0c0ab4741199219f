"""Short-lived, read-only access to the warehouse for the DSA exports.

DuckDB allows one writer, so exports never hold a write connection: they open the published
copy when it has the table they need, else the working warehouse, read-only, and close it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.errors import UserError
from orchestration.paths import DataPaths


def _has_table(path: Path, schema: str, table: str) -> bool:
    if not path.exists():
        return False
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchone()[0]
        )
    finally:
        con.close()


def database_with(paths: DataPaths, schema: str, table: str, *, prefer_published: bool = True) -> Path:
    candidates = [paths.published, paths.warehouse] if prefer_published else [paths.warehouse]
    for path in candidates:
        if _has_table(path, schema, table):
            return path
    raise UserError(
        f"{schema}.{table} is not in the warehouse under {paths.root}; build it first "
        f"(`integrity build`, or `dbt build --select models/intermediate/dsa models/marts/dsa`)"
    )


@contextmanager
def read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
