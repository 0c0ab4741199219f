"""The unwanted hourly impressions (int_unwanted_impressions_hourly) are incremental by delivery day
and by item: a run decides again only the rows of delivery days whose base records changed and of
items whose windows or pauses changed; after every run the table and the marts built on it equal a
full refresh. On a copy of the xs warehouse (14 delivery days, a few hundred judged items)."""

from __future__ import annotations

from pathlib import Path

from helpers_warehouse import execute, query, run_dbt_isolated

HOURLY = "intermediate.int_unwanted_impressions_hourly"
COLUMNS = "content_id, surface, country, date_day, hour_ts, impressions, is_after_signal, _delivered_dt"
MARTS = ["marts.fct_unwanted_impressions_daily", "marts.fct_unwanted_impressions_items"]


def _rows(warehouse: Path, table: str, columns: str = "*") -> list[tuple]:
    return query(warehouse, f"select {columns} from {table} order by all")


def _run(data_dir: Path, *, full_refresh: bool = False) -> None:
    """The models between staging and the unwanted marts (staging stays as the test left it)."""
    run_dbt_isolated(
        data_dir,
        [
            "run", "--quiet", "--select", "+fct_unwanted_impressions_daily", "+fct_unwanted_impressions_items",
            "--exclude", "path:models/staging", "resource_type:seed",
            *(["--full-refresh"] if full_refresh else []),
        ],
    )  # fmt: skip


def test_rows_are_decided_again_only_for_changed_days_and_items(copy_data_dir):
    data_dir = copy_data_dir()
    warehouse = data_dir / "warehouse.duckdb"
    _run(data_dir, full_refresh=True)
    days = [d for (d,) in query(warehouse, f"select distinct _delivered_dt from {HOURLY} order by 1")]
    (busiest, other), *_ = query(
        warehouse,
        f"select max_by(content_id, n), min_by(content_id, n) from"
        f" (select content_id, count(*) as n from {HOURLY} group by content_id having count(*) > 20)",
    )
    assert len(days) == 14 and busiest != other

    # 1. The last day missing (new data), one item's state stale: both decided again. A marker on
    #    a row of an unchanged day and item stays: nothing else was decided again.
    full = _rows(warehouse, HOURLY, COLUMNS)
    marked = query(warehouse, f"select hour_ts, surface, country from {HOURLY} where content_id = '{other}'"
                   f" and _delivered_dt < '{days[-1]}' limit 1")[0]  # fmt: skip
    where_marked = f"content_id = '{other}' and hour_ts = '{marked[0]}' and surface = '{marked[1]}' and country = '{marked[2]}'"
    execute(
        warehouse,
        f"delete from {HOURLY} where _delivered_dt = '{days[-1]}';"
        f"update {HOURLY} set _item_state = 'stale' where content_id = '{busiest}';"
        f"update {HOURLY} set impressions = -1 where {where_marked}",
    )
    _run(data_dir)
    assert query(warehouse, f"select impressions from {HOURLY} where {where_marked}") == [(-1,)]
    execute(warehouse, f"update {HOURLY} set impressions = {[r for r in full if r[0] == other and str(r[4]) == str(marked[0]) and r[1] == marked[1] and r[2] == marked[2]][0][5]} where {where_marked}")
    assert _rows(warehouse, HOURLY, COLUMNS) == full

    # 2. A delivery day's base records rewritten by a later run (new batch id, other counts for the
    #    busiest item): that day is decided again and carries the new counts.
    day = days[len(days) // 2]
    execute(
        warehouse,
        "update staging.base_platform__impressions set _batch_id = 'a-later-run', impressions = impressions + 1000"
        f" where _delivered_dt = '{day}' and content_id = '{busiest}' and _record_status = 'clean'",
    )
    _run(data_dir)
    changed = _rows(warehouse, HOURLY, COLUMNS)
    assert changed != full
    assert query(warehouse, f"select min(impressions) from {HOURLY} where _delivered_dt = '{day}' and content_id = '{busiest}'")[0][0] > 1000

    # 3. A judged item's enforcement actions leave staging: its window changes (no action ends
    #    its exposure any more), so its rows are decided again with the new state.
    item = query(
        warehouse,
        "select min(target_id) from staging.base_platform__enforcement_actions"
        f" where target_id in (select content_id from {HOURLY}) and _record_status = 'clean'",
    )[0][0]
    state = f"select distinct _item_state from {HOURLY} where content_id = '{item}'"
    before = query(warehouse, state)
    execute(warehouse, f"delete from staging.base_platform__enforcement_actions where target_id = '{item}'")
    _run(data_dir)
    after = query(warehouse, state)
    assert len(before) == 1 and after != before, (before, after)
    incremental = _rows(warehouse, HOURLY, COLUMNS), [_rows(warehouse, mart) for mart in MARTS]
    _run(data_dir, full_refresh=True)
    assert incremental == (_rows(warehouse, HOURLY, COLUMNS), [_rows(warehouse, mart) for mart in MARTS])
