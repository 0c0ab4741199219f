"""The Spark build's tables, read by DuckDB, and compared with the DuckDB build row for row.

A Spark build (dbt target `spark`) writes each table as Parquet files under
`<data>/spark/warehouse/<schema>.db/<table>/` (partitioned tables in `key=value` folders). DuckDB
reads them in place, so the comparison needs no Spark session: each table of the compared schemas
is read from both builds, every value rendered as text the same way (numbers at the precision
the metrics spec fixes, timestamps in UTC with microseconds, arrays as their JSON text), and the
two multisets of rows are compared with EXCEPT ALL both ways.

Numbers that are sums of doubles can differ in their last rounded digit: the engines add in a
different order, and a value within a float's noise of a rounding boundary (x.xxxx5) rounds up on
one and down on the other. Rows left over after the exact comparison are therefore paired (same
text and integer values, numbers sorted alike) and accepted when every number differs by at most
one unit of its last decimal (decimal(18, 8): 1e-8; doubles: 1e-9 or 1e-12 relative); they are
counted and printed as `last digit`, never hidden. Anything else is a difference.

Columns left out of the comparison, by design:
  - the run columns (`_loaded_at`, `_batch_id`, `_base_batches`, the ledger's `loaded_at`): when and
    by which invocation a row was written;
  - `_record_hash`: the base models' record identity, an md5 of the record's values as the
    engine's JSON writer renders them (it decides duplicates within one engine; the two engines
    render a timestamp or a double differently, so the hash differs while the decisions agree).
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

COMPARED_SCHEMAS: tuple[str, ...] = ("marts", "dsa", "quarantine", "reference")
SKIPPED_COLUMNS: frozenset[str] = frozenset({"_loaded_at", "_batch_id", "_base_batches", "loaded_at", "_record_hash"})
# doubles are compared at this many decimals: the metrics spec rounds every published rate to 8
# (decimal(18, 8)), and the few double columns (raw scores, sample weights) carry no more
DOUBLE_DECIMALS = 9


def spark_warehouse(data_dir: str | os.PathLike[str]) -> Path:
    """Where the Spark target writes its tables for a data directory (profiles.yml, target spark)."""
    return Path(data_dir) / "spark" / "warehouse"


def spark_tables(data_dir: str | os.PathLike[str], schemas: tuple[str, ...] = COMPARED_SCHEMAS) -> list[str]:
    """`schema.table` of every table the Spark build wrote in `schemas` (folders with Parquet files)."""
    found = []
    for schema in schemas:
        for path in sorted((spark_warehouse(data_dir) / f"{schema}.db").glob("*")):
            if path.is_dir() and glob.glob(str(path / "**" / "*.parquet"), recursive=True):
                found.append(f"{schema}.{path.name}")
    return found


def spark_relation(data_dir: str | os.PathLike[str], schema: str, table: str) -> str:
    """DuckDB SQL for a Spark-built table (its Parquet files, partition folders as columns)."""
    path = spark_warehouse(data_dir) / f"{schema}.db" / table
    return f"read_parquet('{path}/**/*.parquet', hive_partitioning = true, union_by_name = true)"


@dataclass
class TableComparison:
    table: str
    duckdb_rows: int
    spark_rows: int
    only_duckdb: int = 0
    only_spark: int = 0
    last_digit: int = 0
    missing_columns: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.missing_columns and self.only_duckdb == 0 and self.only_spark == 0

    def describe(self) -> str:
        if self.equal:
            rounding = f" ({self.last_digit} differ in a number's last digit only)" if self.last_digit else ""
            return f"{self.table}: {self.duckdb_rows} rows, equal{rounding}"
        parts = [f"{self.table}: duckdb {self.duckdb_rows} rows, spark {self.spark_rows}"]
        if self.missing_columns:
            parts.append(f"columns missing on spark: {', '.join(self.missing_columns)}")
        parts.append(f"{self.only_duckdb} rows only in duckdb, {self.only_spark} only in spark")
        return "; ".join(parts) + "".join(f"\n    {e}" for e in self.examples)


def _tolerance(data_type: str) -> Decimal | None:
    """One unit of the last decimal a number column carries; None for a column compared exactly."""
    if data_type.startswith("DECIMAL"):
        return Decimal(1).scaleb(-int(data_type.rstrip(")").split(",")[1]))
    if data_type in ("DOUBLE", "FLOAT", "REAL"):
        return Decimal(1).scaleb(-DOUBLE_DECIMALS)
    return None


def _pair_last_digit(left: list[tuple], right: list[tuple], numeric: list[int], tolerances: list[Decimal]) -> int:
    """How many rows of `left` pair with a row of `right` that has the same exact values and numbers
    within one unit of their last decimal (both lists hold only the rows the exact comparison left
    over); 0 unless every row pairs."""
    if len(left) != len(right):
        return 0

    def key(row):
        return tuple(v for i, v in enumerate(row) if i not in numeric)

    def numbers(row):
        return tuple(Decimal(row[i]) if row[i] is not None else Decimal("-Infinity") for i in numeric)

    groups: dict[tuple, list] = {}
    for row in left:
        groups.setdefault(key(row), [[], []])[0].append(row)
    for row in right:
        groups.setdefault(key(row), [[], []])[1].append(row)
    for lefts, rights in groups.values():
        if len(lefts) != len(rights):
            return 0
        for a, b in zip(sorted(lefts, key=numbers), sorted(rights, key=numbers), strict=True):
            for i, tolerance in zip(numeric, tolerances, strict=True):
                if a[i] is None or b[i] is None:
                    if a[i] != b[i]:
                        return 0
                    continue
                x, y = Decimal(a[i]), Decimal(b[i])
                if abs(x - y) > max(tolerance, abs(x) * Decimal("1e-12")):
                    return 0
    return len(left)


def _rendered(column: str, data_type: str) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    if data_type in ("DOUBLE", "FLOAT", "REAL"):
        return f"printf('%.{DOUBLE_DECIMALS}f', {quoted})"
    if data_type.startswith("TIMESTAMP"):
        return f"strftime(cast({quoted} as timestamp), '%Y-%m-%d %H:%M:%S.%f')"
    if data_type.endswith("[]") or data_type.startswith(("STRUCT", "MAP")):
        return f"cast(to_json({quoted}) as varchar)"
    return f"cast({quoted} as varchar)"


def compare_table(con: duckdb.DuckDBPyConnection, data_dir: str | os.PathLike[str], name: str) -> TableComparison:
    """One table of the Spark build against the same table of the DuckDB warehouse attached as `w`."""
    schema, table = name.split(".")
    columns = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = 'w' and table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    spark = spark_relation(data_dir, schema, table)
    spark_columns = {row[0] for row in con.execute(f"describe select * from {spark}").fetchall()}
    compared = [(c, t) for c, t in columns if c not in SKIPPED_COLUMNS]
    result = TableComparison(
        table=name,
        duckdb_rows=con.execute(f'select count(*) from w."{schema}"."{table}"').fetchone()[0],
        spark_rows=con.execute(f"select count(*) from {spark}").fetchone()[0],
        missing_columns=[c for c, _ in compared if c not in spark_columns],
    )
    if result.missing_columns:
        return result
    select = ", ".join(f'{_rendered(c, t)} as "{c}"' for c, t in compared)
    left = f'select {select} from w."{schema}"."{table}"'
    right = f"select {select} from {spark}"
    result.only_duckdb = con.execute(f"select count(*) from ({left} except all {right})").fetchone()[0]
    result.only_spark = con.execute(f"select count(*) from ({right} except all {left})").fetchone()[0]
    numeric = [i for i, (_, t) in enumerate(compared) if _tolerance(t) is not None]
    if numeric and result.only_duckdb == result.only_spark and 0 < result.only_duckdb <= 10_000:
        paired = _pair_last_digit(
            con.execute(f"{left} except all {right}").fetchall(),
            con.execute(f"{right} except all {left}").fetchall(),
            numeric,
            [_tolerance(compared[i][1]) for i in numeric],
        )
        if paired:
            result.last_digit, result.only_duckdb, result.only_spark = paired, 0, 0
    if result.only_duckdb or result.only_spark:
        for label, a, b in (("duckdb", left, right), ("spark", right, left)):
            for row in con.execute(f"select * from ({a} except all {b}) limit 2").fetchall():
                result.examples.append(f"only {label}: {row}")
    return result


def compare_builds(data_dir: str | os.PathLike[str], schemas: tuple[str, ...] = COMPARED_SCHEMAS) -> list[TableComparison]:
    """Every table of `schemas` in the DuckDB warehouse of `data_dir` against the Spark build's.
    A table the DuckDB build has and Spark lacks is a difference (no files: 0 Spark rows, every
    column missing)."""
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{Path(data_dir) / 'warehouse.duckdb'}' as w (read_only)")
        names = [
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_catalog = 'w' and table_schema in (select unnest(?)) and table_type = 'BASE TABLE'"
                " order by 1, 2",
                [list(schemas)],
            ).fetchall()
        ]
        built = set(spark_tables(data_dir, schemas))
        results = []
        for name in names:
            if name not in built:
                results.append(TableComparison(table=name, duckdb_rows=-1, spark_rows=0, missing_columns=["(table)"]))
                continue
            results.append(compare_table(con, data_dir, name))
        return results
    finally:
        con.close()
