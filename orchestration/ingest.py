"""Load landing files into the warehouse's raw schema, file by file, idempotently.

    landing/<feed>/dt=YYYY-MM-DD/part-<n>.<jsonl|jsonl.gz|parquet|csv>  ->  raw.<feed> + raw._files

Raw tables are a mirror of what was delivered: nothing is parsed or rejected here (dbt does that in
staging), so a bad record can never fail a load. What the loader does decide is whether a *file* can
be read at all: a truncated gzip, a file that is not Parquet or a CSV that is not UTF-8 is written to
the ledger `raw._files` as `unreadable` with a reason, and the run goes on.

The ledger makes re-runs cheap and exact: a file whose path and sha256 are already in the ledger is
skipped; a new file is loaded; a changed file replaces its rows. Each file's delete + insert + ledger
update is one transaction, so a run killed half-way leaves every file either fully loaded or not at
all, and the next run picks up where it stopped.

DuckDB allows one writing process, and dbt runs right after the loader: the connection lives only as
long as one `ingest()` call.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from orchestration.errors import UserError
from orchestration.feeds import registry
from orchestration.paths import FEEDS, DataPaths, data_paths

RAW_SCHEMA = "raw"
LEDGER = f"{RAW_SCHEMA}._files"

# From the feed registry (dbt_project.yml): JSONL feeds land one line per row; columnar feeds
# (Parquet, CSV) land every contract column as varchar (types differ between producers and files;
# staging types them and rejects what does not cast), unexpected columns named in _extra_columns.
JSONL_FEEDS: tuple[str, ...] = tuple(name for name, feed in registry().items() if feed.format == "jsonl")
COLUMNAR_FEEDS: dict[str, tuple[str, ...]] = {
    name: feed.columns for name, feed in registry().items() if feed.format != "jsonl"
}
FEED_FORMAT: dict[str, str] = {name: feed.format for name, feed in registry().items()}

LOADER_COLUMNS = (
    ("_delivered_dt", "date"),
    ("_source_file", "varchar"),
    ("_line_no", "bigint"),
    ("_loaded_at", "timestamp"),
)

_DT_DIR = re.compile(r"^dt=(\d{4}-\d{2}-\d{2})$")


class UnreadableFile(Exception):
    """The file as a whole cannot be read; `reason` is a machine-readable code for raw._files."""

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


def raw_table_ddl(feed: str) -> str:
    loader = ", ".join(f"{name} {typ}" for name, typ in LOADER_COLUMNS)
    if FEED_FORMAT[feed] == "jsonl":
        body = "_record varchar, _encoding_error boolean"
    else:
        body = ", ".join(f'"{col}" varchar' for col in COLUMNAR_FEEDS[feed]) + ", _extra_columns varchar"
    return f"create table if not exists {RAW_SCHEMA}.{feed} ({loader}, {body})"


LEDGER_DDL = f"""
create table if not exists {LEDGER} (
    path varchar primary key,
    feed varchar,
    delivered_dt date,
    size_bytes bigint,
    sha256 varchar,
    records bigint,
    status varchar,
    reason varchar,
    loaded_at timestamp
)
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, one table per feed (even with no files yet, so dbt sources resolve)."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(LEDGER_DDL)
    for feed in FEEDS:
        con.execute(raw_table_ddl(feed))


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


def read_parquet(path: Path) -> tuple[pa.Table, str | None]:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        raise UnreadableFile("not_parquet", str(exc).splitlines()[0][:200]) from exc
    try:
        return _columnar(table, COLUMNAR_FEEDS["impressions"])
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
        return read_parquet(path)
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


def _insert_rows(
    con: duckdb.DuckDBPyConnection, lf: LandingFile, rows: pa.Table, extra: str | None, loaded_at: datetime
) -> None:
    con.register("_batch", rows)
    try:
        loader = "?::date as _delivered_dt, ?::varchar as _source_file, _line_no, ?::timestamp as _loaded_at"
        if FEED_FORMAT[lf.feed] == "jsonl":
            con.execute(
                f"insert into {RAW_SCHEMA}.{lf.feed} by name "
                f"select {loader}, _record, _encoding_error from _batch",
                [lf.delivered_dt, lf.rel, loaded_at],
            )
        else:
            cols = ", ".join(f'"{c}"' for c in COLUMNAR_FEEDS[lf.feed])
            con.execute(
                f"insert into {RAW_SCHEMA}.{lf.feed} by name "
                f"select {loader}, {cols}, ?::varchar as _extra_columns from _batch",
                [lf.delivered_dt, lf.rel, loaded_at, extra],
            )
    finally:
        con.unregister("_batch")


def ingest(
    paths: DataPaths | None = None, *, full_refresh: bool = False, verbose: bool = False
) -> IngestResult:
    """Load every new or changed landing file into raw.<feed>; return what happened."""
    paths = paths or data_paths()
    if not paths.landing.is_dir():
        raise UserError(
            f"no landing zone at {paths.landing}; run `integrity simulate` or point INTEGRITY_DATA_DIR at your data"
        )
    paths.root.mkdir(parents=True, exist_ok=True)
    result = IngestResult()
    con = duckdb.connect(str(paths.warehouse))
    try:
        con.execute("set TimeZone = 'UTC'")
        if full_refresh:
            con.execute(f"drop schema if exists {RAW_SCHEMA} cascade")
        ensure_raw_schema(con)
        known = dict(con.execute(f"select path, sha256 from {LEDGER}").fetchall())
        for lf in landing_files(paths.landing):
            result.seen += 1
            size = lf.path.stat().st_size
            sha = _sha256(lf.path)
            if known.get(lf.rel) == sha:
                result.skipped += 1
                continue
            rows: pa.Table | None = None
            extra: str | None = None
            status, reason = "loaded", None
            try:
                if lf.delivered_dt is None:
                    raise UnreadableFile("unexpected_path", "expected <feed>/dt=YYYY-MM-DD/<file>")
                if size == 0:
                    status = "empty"
                else:
                    rows, extra = read_file(lf.path, lf.feed)
                    if rows.num_rows == 0:
                        status = "empty"
            except UnreadableFile as exc:
                status, reason = "unreadable", exc.reason
                result.unreadable_files.append((lf.rel, exc.reason))
            n = rows.num_rows if rows is not None and status == "loaded" else 0
            loaded_at = datetime.now(UTC).replace(tzinfo=None)
            con.execute("begin transaction")
            try:
                con.execute(f"delete from {RAW_SCHEMA}.{lf.feed} where _source_file = ?", [lf.rel])
                if n:
                    _insert_rows(con, lf, rows, extra, loaded_at)
                con.execute(f"delete from {LEDGER} where path = ?", [lf.rel])
                con.execute(
                    f"insert into {LEDGER} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [lf.rel, lf.feed, lf.delivered_dt, size, sha, n, status, reason, loaded_at],
                )
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
            result.records += n
            if status == "loaded":
                result.loaded += 1
            elif status == "empty":
                result.empty += 1
            else:
                result.unreadable += 1
            if verbose:
                print(f"{status:10} {n:>9} {lf.rel}" + (f"  ({reason})" if reason else ""))
    finally:
        con.close()
    return result


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: $INTEGRITY_DATA_DIR, else ./data)"
    )
    parser.add_argument(
        "--full-refresh", action="store_true", help="drop the raw schema and reload every landing file"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print one line per file loaded")


def run(args: argparse.Namespace) -> int:
    result = ingest(data_paths(args.data_dir), full_refresh=args.full_refresh, verbose=args.verbose)
    print(f"integrity ingest: {result.summary()}")
    for rel, reason in result.unreadable_files:
        print(f"  unreadable: {rel} ({reason})")
    return 0
