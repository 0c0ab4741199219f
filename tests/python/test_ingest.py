"""The loader on the hand-made landing zone: what lands in the raw zone, the ledger, re-runs and crashes."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from helpers_warehouse import write_landing_mini

from orchestration import ingest as ingest_module
from orchestration.errors import UserError
from orchestration.ingest import ingest, ledger_path, ledger_sql, raw_rows_sql, read_ledger
from orchestration.paths import FEEDS, data_paths

# Records per feed in the hand-made landing zone (non-blank lines / rows of readable files).
RAW_RECORDS = {
    "accounts": 12,
    "content": 7,
    "impressions": 9,
    "reports": 8,
    "review_events": 6,
    "enforcement_actions": 4,
    "appeals": 3,
    "rule_hits": 4,
    "prevalence_samples": 5,
    "qa_audits": 3,
    "moderators": 5,
    "monthly_active_recipients": 3,
}
UNREADABLE = {
    "content/dt=2026-10-02/part-1.jsonl.gz": "truncated_gzip",
    "impressions/dt=2026-10-02/part-1.parquet": "not_parquet",
    "monthly_active_recipients/dt=2026-10-02/part-0.csv": "unreadable_csv",
}


def snapshot(root: Path, *, with_loaded_at: bool = True) -> dict[str, list[tuple]]:
    """Every feed's raw rows and the ledger's, sorted, optionally without the load timestamps."""
    paths = data_paths(root)
    con = duckdb.connect()
    try:
        out = {}
        for table in (*FEEDS, "_files"):
            drop = (
                ""
                if with_loaded_at
                else (" exclude (loaded_at)" if table == "_files" else " exclude (_loaded_at)")
            )
            relation = ledger_sql(paths) if table == "_files" else raw_rows_sql(paths, table)
            out[table] = sorted(
                con.execute(f"select *{drop} from ({relation})").fetchall(), key=lambda r: tuple(map(str, r))
            )
        return out
    finally:
        con.close()


def raw(paths, feed: str) -> str:
    """A feed's raw rows as a DuckDB subquery."""
    return f"({raw_rows_sql(paths, feed)})"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    write_landing_mini(tmp_path)
    return tmp_path


def test_first_load_mirrors_the_landing_zone(mini: Path) -> None:
    result = ingest(data_paths(mini))
    assert (result.seen, result.loaded, result.empty, result.unreadable, result.skipped) == (20, 16, 1, 3, 0)
    assert result.records == sum(RAW_RECORDS.values()) == 69
    assert dict(result.unreadable_files) == UNREADABLE

    paths = data_paths(mini)
    con = duckdb.connect()
    for feed, expected in RAW_RECORDS.items():
        assert con.execute(f"select count(*) from {raw(paths, feed)}").fetchone()[0] == expected, feed
    ledger = dict(
        con.execute(f"select path, status || coalesce(':' || reason, '') from ({ledger_sql(paths)})").fetchall()
    )
    assert ledger["accounts/dt=2026-10-02/part-1.jsonl"] == "empty"
    assert {p: s.split(":")[1] for p, s in ledger.items() if s.startswith("unreadable")} == UNREADABLE
    assert con.execute(f"select sum(records) from ({ledger_sql(paths)})").fetchone()[0] == 69
    # nothing in the warehouse file: the raw zone is files (the loader does not even create it)
    assert not paths.warehouse.exists()

    # the non-UTF-8 line is kept, flagged, with replacement characters
    bad = con.execute(f"select _line_no, _record from {raw(paths, 'accounts')} where _encoding_error").fetchall()
    assert len(bad) == 1 and bad[0][0] == 8 and "\ufffd" in bad[0][1]
    # gzip is read transparently; line numbers are 1-based
    assert con.execute(
        f"select min(_line_no), max(_line_no) from {raw(paths, 'content')} where _source_file like '%.gz'"
    ).fetchone() == (1, 4)
    # one raw-zone file per loaded file of every feed, named in the ledger; the 16 loaded files
    # are exactly the files on disk (besides the ledger)
    raw_files = sorted(r["raw_file"] for r in read_ledger(paths).to_pylist() if r["raw_file"] is not None)
    on_disk = sorted(
        p.relative_to(mini / "raw").as_posix() for p in (mini / "raw").rglob("*.parquet") if p != ledger_path(paths)
    )
    assert raw_files == on_disk and len(on_disk) == 16
    # Parquet: a column delivered typed stays typed (a zone-aware timestamp in UTC), one
    # delivered as text stays text in <field>__text; drift is named
    rows = con.execute(
        "select cast(_delivered_dt as varchar), hour_ts, hour_ts__text, impressions, impressions__text, "
        f"_extra_columns from {raw(paths, 'impressions')} order by _delivered_dt, _line_no"
    ).fetchall()
    assert rows[0] == ("2026-10-01", None, "2026-09-30T10:00:00Z", 100, None, "experiment")
    assert rows[5][2] == "2026-09-30T11:00:00+02:00"  # text as delivered: staging parses it
    assert rows[7] == ("2026-10-02", datetime(2026, 9, 30, 10), None, 120, None, None)
    assert rows[8][3:5] == (None, None)  # a null count stays null (staging rejects it)
    # CSV: every contract column as text, the extra column named, a missing trailing value empty
    assert con.execute(
        f"select distinct _extra_columns from {raw(paths, 'moderators')} where _delivered_dt = '2026-10-01'"
    ).fetchall() == [("shift",)]
    assert {
        kind for _, kind in con.execute(f"select column_name, column_type from (describe {raw(paths, 'moderators')})"
        f" where column_name not like '\\_%' escape '\\'").fetchall()
    } == {"VARCHAR"}
    con.close()


def test_rerun_loads_nothing_and_changes_nothing(mini: Path) -> None:
    paths = data_paths(mini)
    ingest(paths)
    before = snapshot(paths.root)
    again = ingest(paths)
    assert (again.seen, again.skipped, again.loaded, again.records) == (20, 20, 0, 0)
    assert snapshot(paths.root) == before


def test_changed_file_replaces_its_rows(mini: Path) -> None:
    paths = data_paths(mini)
    ingest(paths)
    path = paths.landing / "reports" / "dt=2026-10-01" / "part-0.jsonl"
    lines = path.read_bytes().splitlines()
    path.write_bytes(b"\n".join(lines[:3]) + b"\n")  # re-delivered with 3 of its 8 lines
    result = ingest(paths)
    assert (result.loaded, result.skipped, result.records) == (1, 19, 3)
    con = duckdb.connect()
    assert con.execute(f"select count(*) from {raw(paths, 'reports')}").fetchone()[0] == 3
    assert con.execute(
        f"select records from ({ledger_sql(paths)}) where path = 'reports/dt=2026-10-01/part-0.jsonl'"
    ).fetchone() == (3,)
    con.close()
    # the replaced file's old raw-zone file is gone
    assert len(list((paths.raw_zone / "reports" / "dt=2026-10-01").iterdir())) == 1


def test_fixed_unreadable_file_is_loaded_next_run(mini: Path) -> None:
    paths = data_paths(mini)
    ingest(paths)
    path = paths.landing / "content" / "dt=2026-10-02" / "part-1.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"content_id": "c9"}\n'))
    result = ingest(paths)
    assert (result.loaded, result.unreadable, result.records) == (1, 0, 1)
    assert snapshot(paths.root)["content"][-1][-2] == '{"content_id": "c9"}'


def test_run_killed_half_way_recovers_to_the_same_tables(
    mini: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # reference: one uninterrupted load of the same landing zone
    reference = tmp_path_factory.mktemp("reference")
    write_landing_mini(reference)
    ingest(data_paths(reference))

    real_write = ingest_module.write_ledger
    calls = {"n": 0}

    def dying_write(paths, rows):
        calls["n"] += 1
        if calls["n"] == 5:  # killed while writing the ledger: a half-written temporary file
            ledger_path(paths).with_name(".ledger.parquet.tmp").write_bytes(b"PAR1 half")
            raise KeyboardInterrupt
        return real_write(paths, rows)

    monkeypatch.setattr(ingest_module, "write_ledger", dying_write)
    monkeypatch.setattr(ingest_module, "COMMIT_EVERY", 1)  # a ledger write per file: some files are in
    paths = data_paths(mini)
    with pytest.raises(KeyboardInterrupt):
        ingest(paths)
    half = snapshot(paths.root)
    assert len(half["_files"]) == 4  # the fourth write is the last whole ledger
    loaded_paths = {row[0] for row in half["_files"]}
    for feed in FEEDS:  # no row of a file that is not in the ledger
        assert all(row[1] in loaded_paths for row in half[feed]), feed

    monkeypatch.setattr(ingest_module, "write_ledger", real_write)
    resumed = ingest(paths)
    assert resumed.skipped == len(half["_files"])
    assert snapshot(paths.root, with_loaded_at=False) == snapshot(data_paths(reference).root, with_loaded_at=False)
    named = {r["raw_file"] for r in read_ledger(paths).to_pylist() if r["raw_file"]}
    on_disk = {p.relative_to(paths.raw_zone).as_posix() for p in paths.raw_zone.rglob("*") if p.is_file()}
    assert on_disk == named | {ledger_path(paths).name}  # orphans and the half-written ledger swept


def test_full_refresh_reloads_everything_identically(mini: Path) -> None:
    paths = data_paths(mini)
    ingest(paths)
    before = snapshot(paths.root, with_loaded_at=False)
    result = ingest(paths, full_refresh=True)
    assert (result.loaded, result.skipped) == (16, 0)
    assert snapshot(paths.root, with_loaded_at=False) == before


def test_unexpected_paths_are_ledgered_not_loaded(mini: Path) -> None:
    paths = data_paths(mini)
    (paths.landing / "rule_hits" / "stray.jsonl").write_text('{"hit_id": "h9"}\n')
    (paths.landing / "rule_hits" / "dt=2026-10-01" / "_SUCCESS").write_text("")
    (paths.landing / "impressions" / "dt=2026-10-01" / "part-9.jsonl").write_text("{}\n")
    result = ingest(paths)
    assert result.seen == 22
    assert dict(result.unreadable_files)["rule_hits/stray.jsonl"] == "unexpected_path"
    assert dict(result.unreadable_files)["impressions/dt=2026-10-01/part-9.jsonl"] == "unexpected_format"


def test_missing_landing_zone_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no landing zone"):
        ingest(data_paths(tmp_path))


def test_run_killed_after_a_raw_zone_file_leaves_no_trace(
    mini: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after a delivery's raw-zone file is written, before the ledger names it:
    the file is an orphan, swept by the next run, whose tables equal an undisturbed load."""
    reference = tmp_path_factory.mktemp("reference")
    write_landing_mini(reference)
    ingest(data_paths(reference))

    real_write = ingest_module._write_raw_file

    def dying_write(*args, **kwargs):
        real_write(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "_write_raw_file", dying_write)
    paths = data_paths(mini)
    with pytest.raises(KeyboardInterrupt):
        ingest(paths)
    orphans = list(paths.raw_zone.rglob("*.parquet"))
    assert orphans  # written, never named in the ledger (files read ahead may have been written too)
    monkeypatch.setattr(ingest_module, "_write_raw_file", real_write)
    ingest(paths)
    assert snapshot(paths.root, with_loaded_at=False) == snapshot(
        data_paths(reference).root, with_loaded_at=False
    )
    named = {r["raw_file"] for r in read_ledger(paths).to_pylist() if r["raw_file"]}
    on_disk = {p.relative_to(paths.raw_zone).as_posix() for p in paths.raw_zone.rglob("*") if p.is_file()}
    assert on_disk == named | {ledger_path(paths).name}


def test_redelivered_parquet_file_replaces_its_raw_zone_file(mini: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = data_paths(mini)
    ingest(paths)
    path = paths.landing / "impressions" / "dt=2026-10-01" / "part-0.parquet"
    table = pq.read_table(path)
    pq.write_table(table.slice(0, 2).set_column(4, "impressions", pa.array([1, 2], pa.int64())), path)
    result = ingest(paths)
    assert (result.loaded, result.records) == (1, 2)
    con = duckdb.connect()
    rows = con.execute(
        f"select _line_no, impressions from {raw(paths, 'impressions')} where _delivered_dt = '2026-10-01' order by 1"
    ).fetchall()
    con.close()
    assert rows == [(1, 1), (2, 2)]
    assert len(list((paths.raw_zone / "impressions" / "dt=2026-10-01").iterdir())) == 1  # the old one is gone


def test_a_warehouse_of_the_older_layout_loses_its_raw_schema_and_loads_again(mini: Path) -> None:
    """A warehouse from before the raw zone held the raw records and the ledger in its schema
    `raw`: the first load drops that schema (personal data, no longer read) and loads every
    landing file into the raw zone; other schemas stay."""
    paths = data_paths(mini)
    con = duckdb.connect(str(paths.warehouse))
    con.execute("create schema raw; create table raw._files (path varchar); create table raw.reports (x varchar)")
    con.execute("create schema marts; create table marts.kept as select 1 as x")
    con.close()
    result = ingest(paths)
    assert result.loaded == 16 and result.records == 69
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    schemas = {r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()}
    assert "raw" not in schemas and con.execute("select x from marts.kept").fetchall() == [(1,)]
    con.close()


def test_a_typed_value_the_raw_zone_cannot_hold_is_kept_as_text(tmp_path: Path) -> None:
    """An unsigned count above the largest bigint does not fit the raw zone's int64: the column is
    kept as text (staging then casts it and quarantines what does not fit), nothing is lost."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "part-0.parquet"
    pq.write_table(
        pa.table({
            "hour_ts": pa.array([datetime(2026, 9, 30, 10)], pa.timestamp("ms")),
            "content_id": ["c1"],
            "surface": ["home"],
            "country": ["DE"],
            "impressions": pa.array([2**63 + 5], pa.uint64()),
            "streams": pa.array([3], pa.int32()),
        }),
        path,
    )
    rows, extra = ingest_module.read_parquet(path, "impressions")
    got = rows.to_pylist()[0]
    assert (got["impressions"], got["impressions__text"]) == (None, str(2**63 + 5))
    assert (got["streams"], got["streams__text"]) == (3, None)  # an int32 widens to the stored int64
    assert (got["hour_ts"], got["hour_ts__text"]) == (datetime(2026, 9, 30, 10), None)
    assert extra is None
