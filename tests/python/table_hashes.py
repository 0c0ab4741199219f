"""Ordered content hash of every table and view of a warehouse, to prove a refactor kept behaviour.

    python tests/python/table_hashes.py WAREHOUSE.duckdb > before.json
    ... move things, rebuild ...
    python tests/python/table_hashes.py WAREHOUSE.duckdb --against before.json

A table's hash is the md5 of its rows' md5s in sorted order (so it does not depend on the order
the engine stored them in), over its columns in their declared order, leaving out the columns that
record when or by which run a row was written (`_loaded_at`, `_batch_id`, `_base_batches`, the ledger's `loaded_at`). Column names and types
are hashed too: a renamed or retyped column is a difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

import duckdb

# run columns, and the ledger time of raw._files (wall clock by definition)
RUN_COLUMNS = frozenset({"_loaded_at", "_batch_id", "_base_batches", "loaded_at"})
SKIPPED_SCHEMAS = frozenset({"information_schema", "pg_catalog"})


def table_hashes(warehouse: str, schemas: set[str] | None = None) -> dict[str, dict]:
    con = duckdb.connect(warehouse, read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() order by 1, 2"
        ).fetchall()
        result: dict[str, dict] = {}
        for schema, table in tables:
            if schema in SKIPPED_SCHEMAS or (schemas and schema not in schemas):
                continue
            columns = [
                (name, kind)
                for name, kind in con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_catalog = current_database() and table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if name not in RUN_COLUMNS
            ]
            select = ", ".join(f'"{name}"' for name, _ in columns)
            rows, digest = con.execute(
                f"select count(*), md5(coalesce(string_agg(h, ',' order by h), '')) "
                f'from (select md5(cast(row({select}) as varchar)) as h from "{schema}"."{table}")'
            ).fetchone()
            result[f"{schema}.{table}"] = {
                "rows": rows,
                "columns": len(columns),
                "hash": digest,
                "schema_hash": hashlib.md5(json.dumps(columns).encode()).hexdigest(),
            }
        return result
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse")
    parser.add_argument("--against", help="a JSON file this script wrote before")
    parser.add_argument("--schemas", help="comma-separated schemas (default: all)")
    parser.add_argument("--rename", action="append", default=[], help="OLD=NEW: a table moved on purpose")
    args = parser.parse_args(argv)
    schemas = set(args.schemas.split(",")) if args.schemas else None
    now = table_hashes(args.warehouse, schemas)
    if not args.against:
        json.dump(now, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    with open(args.against) as handle:
        before = json.load(handle)
    renames = dict(pair.split("=", 1) for pair in args.rename)
    before = {renames.get(name, name): value for name, value in before.items()}
    same = [name for name in before if now.get(name) == before[name]]
    differ = sorted(name for name in before if name in now and now[name] != before[name])
    gone = sorted(set(before) - set(now))
    new = sorted(set(now) - set(before))
    rows = sum(before[name]["rows"] for name in same)
    print(f"{len(same)} of {len(before)} tables identical ({rows:,} rows); "
          f"{len(differ)} differ, {len(gone)} gone, {len(new)} new")
    for label, names in (("differ", differ), ("gone", gone), ("new", new)):
        for name in names:
            print(f"  {label}: {name}")
    return 1 if differ or gone else 0


if __name__ == "__main__":
    raise SystemExit(main())
