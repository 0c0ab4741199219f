"""Load landing files into the raw zone, file by file, idempotently.

    landing/<feed>/dt=YYYY-MM-DD/part-<n>.<ext>  ->  raw/<feed>/dt=YYYY-MM-DD/part-<n>.<ext>.<sha>.parquet
                                                 +  raw/ledger.parquet (the ledger)

The raw zone is a folder of Parquet files beside the warehouse, not tables in it: every engine
reads it in place (DuckDB with read_parquet, Spark with parquet.`path`), so a build on another
engine needs no DuckDB file. Raw-zone files are a mirror of what was delivered: nothing is parsed
or rejected here (dbt does that in staging), so a bad record can never fail a load.

Each delivered file becomes one raw-zone file with the loader columns (_delivered_dt,
_source_file, _line_no, _loaded_at) and:
- a JSONL feed: each non-blank line as text (`_record`) and whether its bytes were UTF-8;
- a CSV feed: every contract column as text, and `_extra_columns` (unexpected column names);
- a Parquet feed (impressions, the big one): a column delivered with the contract's own kind of
  type (a timestamp, an integer, ...) is kept typed, so staging checks typed values and parses no
  text; a column delivered as something else goes to `<field>__text` as text, and staging parses
  it and quarantines what does not cast.
What the loader does decide is whether a *file* can be read at all: a truncated gzip, a file that
is not Parquet or a CSV that is not UTF-8 is written to the ledger as `unreadable` with a reason,
and the run goes on.

The ledger makes re-runs cheap and exact: a file whose path and sha256 are already in the ledger is
skipped; a new file is loaded; a changed file gets a new raw-zone file (one name per content) and
its old one is deleted once the ledger names the new one. A raw-zone file is written under a
temporary name and renamed when whole; the ledger is rewritten the same way every COMMIT_EVERY
files and at the end, so a run killed at any point leaves every file either named by the ledger
or not at all, and files the ledger does not name are swept at the next run. Files are read on two
threads, a few ahead of the ledger, which records them in landing order.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import re
import shutil
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from orchestration.errors import UserError
from orchestration.feeds import registry
from orchestration.paths import FEEDS, DataPaths, data_paths

# The ledger, in the raw zone. Older releases kept the raw zone as tables of the warehouse's
# schema `raw`; the first run of this layout drops that schema and loads the landing zone again.
# (not `_files`: Spark, like Hadoop, skips files whose names start with `_` or `.`)
LEDGER_FILE = "ledger.parquet"
LEGACY_RAW_SCHEMA = "raw"
LEDGER_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("feed", pa.string()),
        ("delivered_dt", pa.date32()),
        ("size_bytes", pa.int64()),
        ("sha256", pa.string()),
        ("records", pa.int64()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("loaded_at", pa.timestamp("us")),
        ("raw_file", pa.string()),
    ]
)

# From the feed registry (dbt_project.yml): JSONL feeds land one line per row; CSV feeds land
# every contract column as text (types differ between producers and files; staging types them
# and rejects what does not cast); Parquet feeds land typed. Unexpected columns are named in
# _extra_columns.
JSONL_FEEDS: tuple[str, ...] = tuple(name for name, feed in registry().items() if feed.format == "jsonl")
COLUMNAR_FEEDS: dict[str, tuple[str, ...]] = {
    name: feed.columns for name, feed in registry().items() if feed.format != "jsonl"
}
FEED_FORMAT: dict[str, str] = {name: feed.format for name, feed in registry().items()}
PARQUET_FEEDS: tuple[str, ...] = tuple(name for name, fmt in FEED_FORMAT.items() if fmt == "parquet")

# Registry types a Parquet column can carry natively, with the Arrow type the raw zone stores and
# the test an delivered column's type must pass to be kept typed. Other registry types (month,
# lists) and columns of another type arrive as text in `<field>__text`.
NATIVE_TYPES: dict[str, tuple[pa.DataType, object]] = {
    "ts": (pa.timestamp("us"), pa.types.is_timestamp),
    "int": (pa.int64(), pa.types.is_integer),
    "float": (pa.float64(), lambda t: pa.types.is_floating(t) or pa.types.is_integer(t)),
    "bool": (pa.bool_(), pa.types.is_boolean),
    "date": (pa.date32(), pa.types.is_date),
}

LOADER_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("_delivered_dt", pa.date32()),
    ("_source_file", pa.string()),
    ("_line_no", pa.int64()),
    ("_loaded_at", pa.timestamp("us")),
)

# Files per ledger write: a run killed between two writes loads the files after the last one again
# (their raw-zone files, not yet named, are swept); one write per file would cost more than
# reading small files.
COMMIT_EVERY = 64

_DT_DIR = re.compile(r"^dt=(\d{4}-\d{2}-\d{2})$")


class UnreadableFile(Exception):
    """The file as a whole cannot be read; `reason` is a machine-readable code for the ledger."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class IngestResult:
    seen: int = 0
    skipped: int = 0
    loaded: int = 0
    empty: int = 0
    unreadable: int = 0
    records: int = 0
    unreadable_files: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.seen} files seen: {self.loaded} loaded ({self.records} records), "
            f"{self.empty} empty, {self.unreadable} unreadable, {self.skipped} unchanged"
        )


def raw_zone_schema(feed: str) -> pa.Schema:
    """Columns of a feed's raw-zone files: the loader's, then
    - JSONL: `_record` (the line) and `_encoding_error`;
    - CSV: each contract column as text, then `_extra_columns`;
    - Parquet: per contract field its value (a `str` field as text; a natively typed one typed)
      and, unless it is `str`, `<field>__text` (the text of a value delivered with another type),
      then `_extra_columns`."""
    fields: list[tuple[str, pa.DataType]] = list(LOADER_COLUMNS)
    if FEED_FORMAT[feed] == "jsonl":
        return pa.schema([*fields, ("_record", pa.string()), ("_encoding_error", pa.bool_())])
    if FEED_FORMAT[feed] != "parquet":
        text_columns = [(c, pa.string()) for c in COLUMNAR_FEEDS[feed]]
        return pa.schema([*fields, *text_columns, ("_extra_columns", pa.string())])
    for spec in registry()[feed].fields:
        name, kind = str(spec["name"]), str(spec["type"])
        if kind == "str":
            fields.append((name, pa.string()))
            continue
        if kind in NATIVE_TYPES:
            fields.append((name, NATIVE_TYPES[kind][0]))
        fields.append((f"{name}__text", pa.string()))
    fields.append(("_extra_columns", pa.string()))
    return pa.schema(fields)


# --- the ledger -------------------------------------------------------------------------------


def ledger_path(paths: DataPaths) -> Path:
    return paths.raw_zone / LEDGER_FILE


def read_ledger(paths: DataPaths) -> pa.Table:
    """The ledger, one row per landing file ever seen (no rows before the first load)."""
    path = ledger_path(paths)
    if not path.is_file():
        return LEDGER_SCHEMA.empty_table()
    return pq.read_table(path, schema=LEDGER_SCHEMA)


def write_ledger(paths: DataPaths, rows: dict[str, dict]) -> None:
    """The ledger file, whole, in path order, under its name only once written."""
    table = pa.Table.from_pylist([rows[k] for k in sorted(rows)], schema=LEDGER_SCHEMA)
    target = ledger_path(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    pq.write_table(table, tmp, compression="snappy")
    tmp.replace(target)


def _duck_literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def ledger_sql(paths: DataPaths) -> str:
    """DuckDB SQL for the ledger's rows (for tools and tests)."""
    if not ledger_path(paths).is_file():
        return _empty_select(LEDGER_SCHEMA)
    return f"select * from read_parquet({_duck_literal(ledger_path(paths))})"


def drop_legacy_raw_schema(paths: DataPaths) -> None:
    """Drop the warehouse's schema `raw` of an older release (its raw tables and ledger): the
    landing zone is loaded again into the raw zone, and the schema held personal data."""
    if not paths.warehouse.is_file():
        return
    con = duckdb.connect(str(paths.warehouse))
    try:
        con.execute(f"drop schema if exists {LEGACY_RAW_SCHEMA} cascade")
    finally:
        con.close()


# --- reading one file -------------------------------------------------------------------------


def _file_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            return gzip.decompress(data)
        except EOFError as exc:
            raise UnreadableFile("truncated_gzip", str(exc)) from exc
        except gzip.BadGzipFile as exc:
            raise UnreadableFile("not_gzip", str(exc)) from exc
        except zlib.error as exc:
            raise UnreadableFile("corrupt_gzip", str(exc)) from exc
    return data


def read_jsonl(path: Path) -> pa.Table:
    """One row per non-blank line: the line as text, and whether its bytes were valid UTF-8."""
    data = _file_bytes(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    line_nos: list[int] = []
    records: list[str] = []
    bad_encoding: list[bool] = []
    for line_no, raw_line in enumerate(data.split(b"\n"), start=1):
        line = raw_line.rstrip(b"\r")
        if not line.strip():
            continue
        try:
            text, bad = line.decode("utf-8"), False
        except UnicodeDecodeError:
            text, bad = line.decode("utf-8", errors="replace"), True
        line_nos.append(line_no)
        records.append(text)
        bad_encoding.append(bad)
    return pa.table(
        {
            "_line_no": pa.array(line_nos, pa.int64()),
            "_record": pa.array(records, pa.string()),
            "_encoding_error": pa.array(bad_encoding, pa.bool_()),
        }
    )


def _columnar(table: pa.Table, expected: tuple[str, ...]) -> tuple[pa.Table, str | None]:
    """Expected columns as strings (missing ones null), plus the names of unexpected columns."""
    n = table.num_rows
    columns: dict[str, pa.Array] = {"_line_no": pa.array(range(1, n + 1), pa.int64())}
    for name in expected:
        if name in table.column_names:
            columns[name] = _as_strings(table.column(name))
        else:
            columns[name] = pa.nulls(n, pa.string())
    extra = sorted(c for c in table.column_names if c not in expected)
    return pa.table(columns), (",".join(extra) or None)


def _as_strings(column: pa.ChunkedArray) -> pa.ChunkedArray:
    typ = column.type
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return column.cast(pa.string())
    if pa.types.is_timestamp(typ):
        # ISO-8601 text; a zone-aware column is written in UTC with its offset.
        unit_free = column.cast(pa.timestamp("us", tz=typ.tz))
        text = pc.strftime(unit_free, format="%Y-%m-%dT%H:%M:%S")
        if typ.tz is not None:
            text = pc.binary_join_element_wise(text, "Z", "")
        return text
    return column.cast(pa.string())


def _typed(table: pa.Table, feed: str) -> tuple[pa.Table, str | None]:
    """The contract's columns for the raw zone: each field natively typed when delivered with a
    type of its kind (a zone-aware timestamp in UTC, a naive one taken as UTC), else as text in
    `<field>__text`; a missing column null; plus the names of unexpected columns."""
    n = table.num_rows
    schema = raw_zone_schema(feed)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {"_line_no": pa.array(np.arange(1, n + 1, dtype=np.int64))}
    for spec in registry()[feed].fields:
        name, kind = str(spec["name"]), str(spec["type"])
        delivered = table.column(name) if name in table.column_names else None
        if kind == "str":
            columns[name] = _as_strings(delivered) if delivered is not None else pa.nulls(n, pa.string())
            continue
        native = None
        if kind in NATIVE_TYPES and delivered is not None and NATIVE_TYPES[kind][1](delivered.type):
            target = NATIVE_TYPES[kind][0]
            if pa.types.is_timestamp(delivered.type) and delivered.type.tz is not None:
                delivered = delivered.cast(pa.timestamp("us", tz="UTC"))
            try:
                native = delivered.cast(target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                native = None  # out of the stored type's range: kept as text, staging decides
        if kind in NATIVE_TYPES:
            columns[name] = native if native is not None else pa.nulls(n, NATIVE_TYPES[kind][0])
        if native is None and delivered is not None:
            columns[f"{name}__text"] = _as_strings(delivered)
        else:
            columns[f"{name}__text"] = pa.nulls(n, pa.string())
    extra = sorted(c for c in table.column_names if c not in COLUMNAR_FEEDS[feed])
    ordered = {f.name: columns[f.name] for f in schema if f.name in columns}
    return pa.table(ordered), (",".join(extra) or None)


def read_parquet(path: Path, feed: str) -> tuple[pa.Table, str | None]:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        raise UnreadableFile("not_parquet", str(exc).splitlines()[0][:200]) from exc
    try:
        return _typed(table, feed)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise UnreadableFile("unreadable_parquet", str(exc).splitlines()[0][:200]) from exc


def read_csv(path: Path, feed: str) -> tuple[pa.Table, str | None]:
    data = _file_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("unreadable_csv", f"not UTF-8 at byte {exc.start}") from exc
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise UnreadableFile("unreadable_csv", str(exc)) from exc
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return pa.table({"_line_no": pa.array([], pa.int64())}), None
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    as_columns = {
        name: pa.array([row[i] if i < len(row) else None for row in body], pa.string())
        for i, name in enumerate(header)
        if name
    }
    table = pa.table(as_columns) if as_columns else pa.table({"_": pa.nulls(len(body), pa.string())})
    return _columnar(table, COLUMNAR_FEEDS[feed])


def read_file(path: Path, feed: str) -> tuple[pa.Table, str | None]:
    """The rows of one landing file (without loader columns) and its unexpected column names."""
    name = path.name
    fmt = FEED_FORMAT[feed]
    if fmt == "jsonl":
        if not (name.endswith(".jsonl") or name.endswith(".jsonl.gz") or name.endswith(".json")):
            raise UnreadableFile("unexpected_format", f"{feed} is delivered as JSONL")
        return read_jsonl(path), None
    if fmt == "parquet":
        if not name.endswith(".parquet"):
            raise UnreadableFile("unexpected_format", f"{feed} is delivered as Parquet")
        return read_parquet(path, feed)
    if not (name.endswith(".csv") or name.endswith(".csv.gz")):
        raise UnreadableFile("unexpected_format", f"{feed} is delivered as CSV")
    return read_csv(path, feed)


# --- the landing zone -----------------------------------------------------------------------


@dataclass(frozen=True)
class LandingFile:
    path: Path
    rel: str
    feed: str
    delivered_dt: date | None


def landing_files(landing: Path) -> Iterator[LandingFile]:
    """Every file under a known feed's directory, in a stable order (feed, day, name)."""
    for feed in FEEDS:
        feed_dir = landing / feed
        if not feed_dir.is_dir():
            continue
        for path in sorted(p for p in feed_dir.rglob("*") if p.is_file()):
            if path.name.startswith((".", "_")):
                continue  # _SUCCESS markers, editor and OS litter
            rel = path.relative_to(landing).as_posix()
            parent = path.parent.name if path.parent != feed_dir else ""
            match = _DT_DIR.match(parent)
            delivered: date | None = None
            if match and path.parent.parent == feed_dir:
                try:
                    delivered = date.fromisoformat(match.group(1))
                except ValueError:
                    delivered = None
            yield LandingFile(path=path, rel=rel, feed=feed, delivered_dt=delivered)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def raw_zone_name(lf: LandingFile, sha: str) -> str:
    """A landing file's raw-zone file, relative to the raw zone: one name per content."""
    return f"{lf.rel}.{sha[:16]}.parquet"


def _write_raw_file(
    paths: DataPaths, lf: LandingFile, rows: pa.Table, extra: str | None, loaded_at: datetime, name: str
) -> None:
    """The raw-zone file of one delivery, in place under its final name only once whole."""
    n = rows.num_rows
    schema = raw_zone_schema(lf.feed)
    constant = {
        "_delivered_dt": pa.repeat(pa.scalar(lf.delivered_dt, pa.date32()), n),
        "_source_file": pa.repeat(pa.scalar(lf.rel, pa.string()), n),
        "_loaded_at": pa.repeat(pa.scalar(loaded_at, pa.timestamp("us")), n),
        "_extra_columns": pa.repeat(pa.scalar(extra, pa.string()), n),
    }
    table = pa.table(
        [rows.column(f.name) if f.name in rows.column_names else constant[f.name] for f in schema],
        schema=schema,
    )
    target = paths.raw_zone / name
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    pq.write_table(table, tmp, compression="snappy", row_group_size=1 << 20)
    tmp.replace(target)


def sweep_raw_zone(paths: DataPaths, named: set[str]) -> int:
    """Delete raw-zone files the ledger does not name (left by a run killed between writing a file
    and writing the ledger, or replaced since) and a half-written ledger; return how many."""
    removed = 0
    for feed in FEEDS:
        feed_dir = paths.raw_zone / feed
        if not feed_dir.is_dir():
            continue
        for path in feed_dir.rglob("*"):
            if path.is_file() and path.relative_to(paths.raw_zone).as_posix() not in named:
                path.unlink()
                removed += 1
    ledger_path(paths).with_name(f".{LEDGER_FILE}.tmp").unlink(missing_ok=True)
    return removed


def raw_rows_sql(paths: DataPaths, feed: str) -> str:
    """DuckDB SQL for a feed's raw rows as loaded: its raw-zone files (for tests and tools)."""
    ledger = read_ledger(paths).to_pylist()
    files = sorted(r["raw_file"] for r in ledger if r["feed"] == feed and r["raw_file"] is not None)
    if not files:
        return _empty_select(raw_zone_schema(feed))
    listed = ", ".join(_duck_literal(paths.raw_zone / f) for f in files)
    return f"select * from read_parquet([{listed}], hive_partitioning = false)"


def _empty_select(schema: pa.Schema) -> str:
    """DuckDB SQL for no rows with the schema's columns, typed."""
    columns = ", ".join(f'cast(null as {_duck_type(f.type)}) as "{f.name}"' for f in schema)
    return f"select {columns} where false"


def _duck_type(typ: pa.DataType) -> str:
    return {
        pa.date32(): "date",
        pa.string(): "varchar",
        pa.int64(): "bigint",
        pa.timestamp("us"): "timestamp",
        pa.float64(): "double",
        pa.bool_(): "boolean",
    }[typ]


@dataclass
class _Prepared:
    """One landing file read (and, for a Parquet feed, its raw-zone file written), ready to commit."""

    lf: LandingFile
    size: int
    sha: str
    skipped: bool = False
    status: str = "loaded"
    reason: str | None = None
    extra: str | None = None
    records: int = 0
    loaded_at: datetime | None = None
    raw_file: str | None = None


def _prepare(paths: DataPaths, lf: LandingFile, known: dict[str, str]) -> _Prepared:
    size = lf.path.stat().st_size
    sha = _sha256(lf.path)
    prepared = _Prepared(lf=lf, size=size, sha=sha)
    if known.get(lf.rel) == sha:
        prepared.skipped = True
        return prepared
    rows: pa.Table | None = None
    try:
        if lf.delivered_dt is None:
            raise UnreadableFile("unexpected_path", "expected <feed>/dt=YYYY-MM-DD/<file>")
        if size == 0:
            prepared.status = "empty"
        else:
            rows, prepared.extra = read_file(lf.path, lf.feed)
            if rows.num_rows == 0:
                prepared.status = "empty"
    except UnreadableFile as exc:
        prepared.status, prepared.reason = "unreadable", exc.reason
    prepared.records = rows.num_rows if rows is not None and prepared.status == "loaded" else 0
    prepared.loaded_at = datetime.now(UTC).replace(tzinfo=None)
    if prepared.records:
        prepared.raw_file = raw_zone_name(lf, sha)
        _write_raw_file(paths, lf, rows, prepared.extra, prepared.loaded_at, prepared.raw_file)
    return prepared


def ingest(
    paths: DataPaths | None = None, *, full_refresh: bool = False, verbose: bool = False
) -> IngestResult:
    """Load every new or changed landing file into the raw zone; return what happened."""
    paths = paths or data_paths()
    if not paths.landing.is_dir():
        raise UserError(
            f"no landing zone at {paths.landing}; run `integrity simulate` or point INTEGRITY_DATA_DIR at your data"
        )
    paths.root.mkdir(parents=True, exist_ok=True)
    result = IngestResult()
    if full_refresh and paths.raw_zone.is_dir():
        shutil.rmtree(paths.raw_zone)
    if full_refresh or not ledger_path(paths).is_file():
        drop_legacy_raw_schema(paths)
    ledger = {row["path"]: row for row in read_ledger(paths).to_pylist()}
    sweep_raw_zone(paths, {row["raw_file"] for row in ledger.values() if row["raw_file"]})
    known = {path: row["sha256"] for path, row in ledger.items()}
    unwritten, superseded = 0, []

    def write() -> None:
        write_ledger(paths, ledger)
        for old in superseded:
            (paths.raw_zone / old).unlink(missing_ok=True)
        superseded.clear()

    with ThreadPoolExecutor(max_workers=2) as pool:
        pending: deque[Future[_Prepared]] = deque()
        files = landing_files(paths.landing)
        while True:
            # read (and write the raw-zone file of) up to 3 files ahead, on 2 threads; the ledger
            # records them in landing order on this one
            while len(pending) < 3:
                lf_next = next(files, None)
                if lf_next is None:
                    break
                pending.append(pool.submit(_prepare, paths, lf_next, known))
            if not pending:
                break
            prepared = pending.popleft().result()
            lf = prepared.lf
            result.seen += 1
            if prepared.skipped:
                result.skipped += 1
                continue
            status, reason, n = prepared.status, prepared.reason, prepared.records
            if status == "unreadable":
                result.unreadable_files.append((lf.rel, reason))
            replaced = ledger.get(lf.rel, {}).get("raw_file")
            if replaced and replaced != prepared.raw_file:
                superseded.append(replaced)  # deleted once the ledger names the new one
            ledger[lf.rel] = {
                "path": lf.rel,
                "feed": lf.feed,
                "delivered_dt": lf.delivered_dt,
                "size_bytes": prepared.size,
                "sha256": prepared.sha,
                "records": n,
                "status": status,
                "reason": reason,
                "loaded_at": prepared.loaded_at,
                "raw_file": prepared.raw_file,
            }
            unwritten += 1
            if unwritten >= COMMIT_EVERY:
                write()
                unwritten = 0
            result.records += n
            if status == "loaded":
                result.loaded += 1
            elif status == "empty":
                result.empty += 1
            else:
                result.unreadable += 1
            if verbose:
                print(f"{status:10} {n:>9} {lf.rel}" + (f"  ({reason})" if reason else ""))
    if unwritten or not ledger_path(paths).is_file():
        write()
    return result


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: $INTEGRITY_DATA_DIR, else ./data)"
    )
    parser.add_argument(
        "--full-refresh", action="store_true", help="empty the raw zone and reload every landing file"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print one line per file loaded")


def run(args: argparse.Namespace) -> int:
    result = ingest(data_paths(args.data_dir), full_refresh=args.full_refresh, verbose=args.verbose)
    print(f"integrity ingest: {result.summary()}")
    for rel, reason in result.unreadable_files:
        print(f"  unreadable: {rel} ({reason})")
    return 0
