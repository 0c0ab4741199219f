"""The campaign decisions of each day (int_link_domain_pieces) are incremental: a run decides again
only the days from the first whose inputs changed, and the new days; after every run the table and
the campaigns built on it (int_link_domain_clusters) equal a full refresh. On a copy of the xs
warehouse, whose 14 days hold two campaigns."""

from __future__ import annotations

from pathlib import Path

from helpers_warehouse import execute, query, run_dbt_isolated

MODELS = ["int_link_domain_pieces", "int_link_domain_clusters"]
PIECES = "intermediate.int_link_domain_pieces"
CLUSTERS = "intermediate.int_link_domain_clusters"


def _rows(warehouse: Path, table: str) -> list[tuple]:
    return query(warehouse, f"select * from {table} order by all")


def _run(data_dir: Path, *, full_refresh: bool = False) -> None:
    run_dbt_isolated(data_dir, ["run", "--quiet", "--select", *MODELS, *(["--full-refresh"] if full_refresh else [])])


def test_days_are_decided_again_from_the_first_changed_one(copy_data_dir):
    data_dir = copy_data_dir()
    warehouse = data_dir / "warehouse.duckdb"
    _run(data_dir, full_refresh=True)
    full_pieces, full_clusters = _rows(warehouse, PIECES), _rows(warehouse, CLUSTERS)
    days = [d for (d,) in query(warehouse, f"select distinct day_start from {PIECES} order by 1")]
    with_pieces = query(warehouse, f"select count(distinct cluster_id), count(*) from {CLUSTERS}")[0]
    assert len(days) >= 10 and with_pieces[0] == 2 and with_pieces[1] > 0, (days, with_pieces)

    # 1. The last three days are missing (new data): decided; a marker on the first day, whose
    #    inputs did not change, stays, so that day was not decided again.
    first, middle = days[0], days[len(days) // 2]
    execute(
        warehouse,
        f"delete from {PIECES} where day_start >= '{days[-3]}';"
        f"update {PIECES} set link_domain = 'kept.example' where day_start = '{first}' and piece_id is null",
    )
    _run(data_dir)
    assert query(warehouse, f"select count(*) from {PIECES} where link_domain = 'kept.example'") == [(1,)]
    execute(warehouse, f"update {PIECES} set link_domain = null where link_domain = 'kept.example'")
    assert _rows(warehouse, PIECES) == full_pieces

    # 2. A stale fingerprint in the middle (inputs changed since): that day and every later one
    #    are decided again, a wrong piece stored after it is gone, the earlier marker stays.
    execute(
        warehouse,
        f"update {PIECES} set _inputs_fingerprint = 'stale' where day_start = '{middle}';"
        f"insert into {PIECES} select day_start, 'wrong', first_seen_at, 'wrong.example', _inputs_fingerprint"
        f" from {PIECES} where day_start = '{days[-1]}' limit 1;"
        f"update {PIECES} set link_domain = 'kept.example' where day_start = '{first}' and piece_id is null",
    )
    _run(data_dir)
    assert query(warehouse, f"select count(*) from {PIECES} where piece_id = 'wrong'") == [(0,)]
    assert query(warehouse, f"select count(*) from {PIECES} where link_domain = 'kept.example'") == [(1,)]
    execute(warehouse, f"update {PIECES} set link_domain = null where link_domain = 'kept.example'")
    assert _rows(warehouse, PIECES) == full_pieces
    assert _rows(warehouse, CLUSTERS) == full_clusters

    # 3. Late change of the data: a campaign item's record leaves staging (as a re-delivered file
    #    without it would do). The incremental run equals a full refresh of the changed data.
    item = query(warehouse, f"select min(content_id) from {CLUSTERS}")[0][0]
    execute(warehouse, f"delete from staging.base_platform__content where content_id = '{item}'")
    _run(data_dir)
    incremental_pieces, incremental_clusters = _rows(warehouse, PIECES), _rows(warehouse, CLUSTERS)
    assert all(row[1] != item for row in incremental_clusters)
    _run(data_dir, full_refresh=True)
    assert incremental_pieces == _rows(warehouse, PIECES)
    assert incremental_clusters == _rows(warehouse, CLUSTERS)
