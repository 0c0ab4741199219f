"""Publish: an atomic swap of a reader's copy of the warehouse (marts + reference only).

Readers (dashboard, analysts, `integrity analyze`) never open the writer's warehouse.duckdb:
DuckDB allows one writing process per file, and any reader holding it would make dbt fail to
lock it. After a good run, this module builds a new file next to the published one, copying
every table and view of the public schemas through a short-lived connection, then renames it
over the old one (os.replace is atomic on POSIX). A reader that opened the old copy keeps
reading it; the next open sees the new one. Nobody sees half a run.

A Spark build (dbt target `spark`) is published the same way: its tables are Parquet files under
`<data>/spark/warehouse`, which DuckDB reads in place (orchestration/spark_tables.py), so the
readers' copy is a DuckDB file whichever engine built the marts.
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


def _duckdb_sources(
    con: duckdb.DuckDBPyConnection, paths: DataPaths, schemas: tuple[str, ...], tables: tuple[tuple[str, str], ...]
) -> dict[tuple[str, str], str]:
    """(schema, table) -> SQL relation of every published table and view of the DuckDB warehouse"""
    if not paths.warehouse.exists():
        raise UserError(f"no warehouse at {paths.warehouse}: run `integrity run` first")
    con.execute(f"attach {_literal(str(paths.warehouse))} as src (read_only)")
    wanted = set(tables)
    return {
        (schema, table): f"src.{_quote(schema)}.{_quote(table)}"
        for schema, table in con.execute(
            "select table_schema, table_name from information_schema.tables where table_catalog = 'src'"
            " order by table_schema, table_name"
        ).fetchall()
        if schema in schemas or (schema, table) in wanted
    }


def _spark_sources(
    paths: DataPaths, schemas: tuple[str, ...], tables: tuple[tuple[str, str], ...]
) -> dict[tuple[str, str], str]:
    """(schema, table) -> SQL relation of every published table of a Spark build (its Parquet files)"""
    from orchestration.spark_tables import spark_relation, spark_tables

    found = spark_tables(paths.root, tuple(sorted(set(schemas) | {s for s, _ in tables})))
    if not found:
        raise UserError(f"no Spark build under {paths.root / 'spark' / 'warehouse'}: run the Spark build first")
    wanted = set(tables)
    relations = {}
    for name in found:
        schema, table = name.split(".")
        if schema in schemas or (schema, table) in wanted:
            relations[(schema, table)] = spark_relation(paths.root, schema, table)
    return relations


def publish(
    paths: DataPaths,
    schemas: tuple[str, ...] = PUBLISHED_SCHEMAS,
    tables: tuple[tuple[str, str], ...] = PUBLISHED_TABLES,
    engine: str = "duckdb",
) -> PublishResult:
    """Copy the public schemas of the warehouse (engine `duckdb`) or of the Spark build (engine
    `spark`) into a new DuckDB file and swap it in atomically."""
    started = time.monotonic()
    if engine not in ("duckdb", "spark"):
        raise UserError(f"unknown engine {engine!r}: duckdb or spark")
    paths.published_dir.mkdir(parents=True, exist_ok=True)
    tmp = paths.published_dir / f".warehouse.{uuid.uuid4().hex[:8]}.duckdb.tmp"
    result = PublishResult(path=str(paths.published))
    con = duckdb.connect(str(tmp))
    try:
        con.execute("set TimeZone = 'UTC'")
        sources = (
            _duckdb_sources(con, paths, schemas, tables) if engine == "duckdb" else _spark_sources(paths, schemas, tables)
        )
        relations = sorted(sources)
        leaks = sorted(
            f"{schema}.{table}.{column.lower()}"
            for schema, table in relations
            for column, *_ in con.execute(f"describe select * from {sources[(schema, table)]}").fetchall()
            if column.lower() in PERSONAL_COLUMNS
        )
        if leaks:
            raise UserError(f"refusing to publish personal data columns: {', '.join(leaks)}")
        for schema in sorted({s for s, _ in relations}):
            con.execute(f"create schema if not exists {_quote(schema)}")
        for schema, table in relations:
            target = f"{_quote(schema)}.{_quote(table)}"
            con.execute(f"create table {target} as select * from {sources[(schema, table)]}")
            result.tables[f"{schema}.{table}"] = int(
                con.execute(f"select count(*) from {target}").fetchone()[0]
            )
        if engine == "duckdb":
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
