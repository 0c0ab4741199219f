"""The loader on the hand-made landing zone: what lands in raw, the ledger, re-runs and crashes."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from helpers_warehouse import write_landing_mini

from orchestration import ingest as ingest_module
from orchestration.errors import UserError
from orchestration.ingest import ingest, raw_rows_sql
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


def snapshot(warehouse: Path, *, with_loaded_at: bool = True) -> dict[str, list[tuple]]:
    """Every raw table's rows, sorted, optionally without the load timestamps."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for table in (*FEEDS, "_files"):
            drop = (
                ""
                if with_loaded_at
                else (" exclude (loaded_at)" if table == "_files" else " exclude (_loaded_at)")
            )
            relation = f"raw.{table}" if table == "_files" else f"({raw_rows_sql(data_paths(warehouse.parent), table, con)})"
            out[table] = sorted(
                con.execute(f"select *{drop} from {relation}").fetchall(), key=lambda r: tuple(map(str, r))
            )
        return out
    finally:
        con.close()


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    write_landing_mini(tmp_path)
    return tmp_path


def test_first_load_mirrors_the_landing_zone(mini: Path) -> None:
    result = ingest(data_paths(mini))
    assert (result.seen, result.loaded, result.empty, result.unreadable, result.skipped) == (20, 16, 1, 3, 0)
    assert result.records == sum(RAW_RECORDS.values()) == 69
    assert dict(result.unreadable_files) == UNREADABLE

    con = duckdb.connect(str(data_paths(mini).warehouse), read_only=True)
    for feed, expected in RAW_RECORDS.items():
        sql = raw_rows_sql(data_paths(mini), feed, con)
        assert con.execute(f"select count(*) from ({sql})").fetchone()[0] == expected, feed
    ledger = dict(
        con.execute("select path, status || coalesce(':' || reason, '') from raw._files").fetchall()
    )
    assert ledger["accounts/dt=2026-10-02/part-1.jsonl"] == "empty"
    assert {p: s.split(":")[1] for p, s in ledger.items() if s.startswith("unreadable")} == UNREADABLE
    assert con.execute("select sum(records) from raw._files").fetchone()[0] == 69

    # the non-UTF-8 line is kept, flagged, with replacement characters
    bad = con.execute("select _line_no, _record from raw.accounts where _encoding_error").fetchall()
    assert len(bad) == 1 and bad[0][0] == 8 and "\ufffd" in bad[0][1]
    # gzip is read transparently; line numbers are 1-based
    assert con.execute(
        "select min(_line_no), max(_line_no) from raw.content where _source_file like '%.gz'"
    ).fetchone() == (1, 4)
    # Parquet: no raw table; one typed raw-zone file per loaded file, named in the ledger. A
    # column delivered typed stays typed (a zone-aware timestamp in UTC), one delivered as text
    # stays text in <field>__text; drift is named
    assert con.execute("select count(*) from raw.impressions").fetchone()[0] == 0  # the source's empty table
    raw_files = con.execute(
        "select raw_file from raw._files where feed = 'impressions' and raw_file is not null order by 1"
    ).fetchall()
    on_disk = sorted(p.relative_to(mini / "raw").as_posix() for p in (mini / "raw").rglob("*.parquet"))
    assert [r[0] for r in raw_files] == on_disk and len(on_disk) == 2
    rows = con.execute(
        "select _delivered_dt::varchar, hour_ts, hour_ts__text, impressions, impressions__text, _extra_columns "
        f"from ({raw_rows_sql(data_paths(mini), 'impressions', con)}) order by _delivered_dt, _line_no"
    ).fetchall()
    assert rows[0] == ("2026-10-01", None, "2026-09-30T10:00:00Z", 100, None, "experiment")
    assert rows[5][2] == "2026-09-30T11:00:00+02:00"  # text as delivered: staging parses it
    assert rows[7] == ("2026-10-02", datetime(2026, 9, 30, 10), None, 120, None, None)
    assert rows[8][3:5] == (None, None)  # a null count stays null (staging rejects it)
    # CSV: extra column named, missing trailing value empty
    assert con.execute(
        "select distinct _extra_columns from raw.moderators where _delivered_dt = '2026-10-01'"
    ).fetchall() == [("shift",)]
    con.close()


def test_rerun_loads_nothing_and_changes_nothing(mini: Path) -> None:
    paths = data_paths(mini)
    ingest(paths)
    before = snapshot(paths.warehouse)
    again = ingest(paths)
    assert (again.seen, again.skipped, again.loaded, again.records) == (20, 20, 0, 0)
    assert snapshot(paths.warehouse) == before


def test_changed_file_replaces_its_rows(mini: Path) -> None:
    paths = data_paths(mini)
    ingest(paths)
    path = paths.landing / "reports" / "dt=2026-10-01" / "part-0.jsonl"
    lines = path.read_bytes().splitlines()
    path.write_bytes(b"\n".join(lines[:3]) + b"\n")  # re-delivered with 3 of its 8 lines
    result = ingest(paths)
    assert (result.loaded, result.skipped, result.records) == (1, 19, 3)
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    assert con.execute("select count(*) from raw.reports").fetchone()[0] == 3
    assert con.execute(
        "select records from raw._files where path = 'reports/dt=2026-10-01/part-0.jsonl'"
    ).fetchone() == (3,)
    con.close()


def test_fixed_unreadable_file_is_loaded_next_run(mini: Path) -> None:
    paths = data_paths(mini)
    ingest(paths)
    path = paths.landing / "content" / "dt=2026-10-02" / "part-1.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"content_id": "c9"}\n'))
    result = ingest(paths)
    assert (result.loaded, result.unreadable, result.records) == (1, 0, 1)
    assert snapshot(paths.warehouse)["content"][-1][-2] == '{"content_id": "c9"}'


def test_run_killed_half_way_recovers_to_the_same_tables(
    mini: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # reference: one uninterrupted load of the same landing zone
    reference = tmp_path_factory.mktemp("reference")
    write_landing_mini(reference)
    ingest(data_paths(reference))

    real_insert = ingest_module._insert_rows
    calls = {"n": 0}

    def dying_insert(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            real_insert(
                *args, **kwargs
            )  # the rows are in, the ledger row is not: the transaction must undo it
            raise KeyboardInterrupt
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "_insert_rows", dying_insert)
    monkeypatch.setattr(ingest_module, "COMMIT_EVERY", 1)  # a commit per file: some files are in
    paths = data_paths(mini)
    with pytest.raises(KeyboardInterrupt):
        ingest(paths)
    half = snapshot(paths.warehouse)
    assert 0 < len(half["_files"]) < 20
    loaded_paths = {row[0] for row in half["_files"]}
    for feed in FEEDS:  # no row of a file that is not in the ledger
        assert all(row[1] in loaded_paths for row in half[feed]), feed

    monkeypatch.setattr(ingest_module, "_insert_rows", real_insert)
    resumed = ingest(paths)
    assert resumed.skipped == len(half["_files"])
    assert snapshot(paths.warehouse, with_loaded_at=False) == snapshot(
        data_paths(reference).warehouse, with_loaded_at=False
    )


def test_full_refresh_reloads_everything_identically(mini: Path) -> None:
    paths = data_paths(mini)
    ingest(paths)
    before = snapshot(paths.warehouse, with_loaded_at=False)
    result = ingest(paths, full_refresh=True)
    assert (result.loaded, result.skipped) == (16, 0)
    assert snapshot(paths.warehouse, with_loaded_at=False) == before


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
    """Killed after a Parquet delivery's raw-zone file is written, before its ledger row commits:
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
    assert snapshot(paths.warehouse, with_loaded_at=False) == snapshot(
        data_paths(reference).warehouse, with_loaded_at=False
    )
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    named = {r[0] for r in con.execute("select raw_file from raw._files where raw_file is not null").fetchall()}
    con.close()
    assert {p.relative_to(paths.raw_zone).as_posix() for p in paths.raw_zone.rglob("*") if p.is_file()} == named


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
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    rows = con.execute(
        f"select _line_no, impressions from ({raw_rows_sql(paths, 'impressions', con)}) "
        "where _delivered_dt = '2026-10-01' order by 1"
    ).fetchall()
    con.close()
    assert rows == [(1, 1), (2, 2)]
    assert len(list((paths.raw_zone / "impressions" / "dt=2026-10-01").iterdir())) == 1  # the old one is gone


def test_older_layout_of_a_parquet_feed_is_loaded_again(mini: Path) -> None:
    """A warehouse from before the raw zone (impressions as a varchar table): the table is
    replaced by the empty one and its files load again into the raw zone."""
    paths = data_paths(mini)
    ingest(paths)
    con = duckdb.connect(str(paths.warehouse))
    con.execute("create or replace table raw.impressions (_source_file varchar, hour_ts varchar)")
    con.execute("update raw._files set raw_file = null where feed = 'impressions'")
    con.close()
    result = ingest(paths)
    assert result.loaded == 2 and result.records == RAW_RECORDS["impressions"]
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    columns = [r[0] for r in con.execute("describe raw.impressions").fetchall()]
    assert "hour_ts__text" in columns and con.execute("select count(*) from raw.impressions").fetchone()[0] == 0
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
