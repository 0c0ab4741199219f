"""Publish: an atomic swap of a reader's copy of the warehouse (marts + reference only).

Readers (dashboard, analysts, `integrity analyze`) never open the writer's warehouse.duckdb:
DuckDB allows one writing process per file, and any reader holding it would make dbt fail to
lock it. After a good run, this module builds a new file next to the published one, copying
every table and view of the public schemas through a short-lived connection, then renames it
over the old one (os.replace is atomic on POSIX). A reader that opened the old copy keeps
reading it; the next open sees the new one. Nobody sees half a run.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field

import duckdb

from orchestration.errors import UserError
from orchestration.paths import DataPaths

PUBLISHED_SCHEMAS: tuple[str, ...] = ("marts", "reference", "dsa", "sandbox")
# Single tables from otherwise private schemas: load reconciliation and schema drift are counts only
# (the qrt_* tables beside them hold raw records and stay in the warehouse).
PUBLISHED_TABLES: tuple[tuple[str, str], ...] = (
    ("quarantine", "rpt_load_reconciliation"),
    ("quarantine", "rpt_schema_drift"),
)

# Identifiers that are personal data in the raw contract: they may never reach the published copy
# (staging replaces them by *_key pseudonyms). A column with one of these names stops the publish.
PERSONAL_COLUMNS: frozenset[str] = frozenset(
    {
        "account_id",
        "owner_account_id",
        "reporter_id",
        "reviewer_id",
        "labeler_id",
        "auditor_id",
        "email",
        "reporter_email",
        "signup_ip",
        "free_text",
    }
)


@dataclass
class PublishResult:
    path: str
    tables: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    size_bytes: int = 0


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(
    paths: DataPaths,
    schemas: tuple[str, ...] = PUBLISHED_SCHEMAS,
    tables: tuple[tuple[str, str], ...] = PUBLISHED_TABLES,
) -> PublishResult:
    """Copy the public schemas of the warehouse into a new file and swap it in atomically."""
    started = time.monotonic()
    if not paths.warehouse.exists():
        raise UserError(f"no warehouse at {paths.warehouse}: run `integrity run` first")
    paths.published_dir.mkdir(parents=True, exist_ok=True)
    tmp = paths.published_dir / f".warehouse.{uuid.uuid4().hex[:8]}.duckdb.tmp"
    result = PublishResult(path=str(paths.published))
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"attach {_literal(str(paths.warehouse))} as src (read_only)")
        wanted = set(tables)
        relations = [
            (schema, table)
            for schema, table in con.execute(
                """
                select table_schema, table_name
                from information_schema.tables
                where table_catalog = 'src'
                order by table_schema, table_name
                """
            ).fetchall()
            if schema in schemas or (schema, table) in wanted
        ]
        published = set(relations)
        columns = [
            (schema, table, column)
            for schema, table, column in con.execute(
                """
                select table_schema, table_name, lower(column_name)
                from information_schema.columns
                where table_catalog = 'src'
                """
            ).fetchall()
            if (schema, table) in published
        ]
        leaks = sorted(f"{s}.{t}.{c}" for s, t, c in columns if c in PERSONAL_COLUMNS)
        if leaks:
            raise UserError(f"refusing to publish personal data columns: {', '.join(leaks)}")
        for schema in sorted({s for s, _ in relations}):
            con.execute(f"create schema if not exists {_quote(schema)}")
        for schema, table in relations:
            target = f"{_quote(schema)}.{_quote(table)}"
            con.execute(f"create table {target} as select * from src.{target}")
            result.tables[f"{schema}.{table}"] = int(
                con.execute(f"select count(*) from {target}").fetchone()[0]
            )
        con.execute("detach src")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, paths.published)
    result.seconds = round(time.monotonic() - started, 3)
    result.size_bytes = paths.published.stat().st_size
    return result


def connect_published(paths: DataPaths) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published copy (what every reader should use)."""
    if not paths.published.exists():
        raise UserError(f"nothing published yet at {paths.published}: run `integrity run` first")
    return duckdb.connect(str(paths.published), read_only=True)
