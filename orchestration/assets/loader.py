"""The loader as assets: one asset per raw feed and the ledger, materialized by one call of the Python loader.

The loader (orchestration/ingest.py) is idempotent: it keeps a ledger of every landing file in
the raw zone (`raw/ledger.parquet`) and only reads files it has not seen. So a partitioned run loads whatever is new;
the dbt models then pick the run's delivery-day window.
"""

import dataclasses
import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.assets.partitions import daily_partitions
from orchestration.feeds import registry
from orchestration.paths import FEEDS
from orchestration.resources import WarehouseResource

RAW_GROUP = "raw"
RAW_TABLES: tuple[str, ...] = (*FEEDS, "_files")

# How many delivery days a feed may lag behind the newest delivery before its freshness check
# warns (the registry's freshness_lag_days): snapshot feeds arrive monthly, reference feeds only
# when something changed.
MAX_LAG_DAYS: Mapping[str, int] = {name: feed.freshness_lag_days for name, feed in registry().items()}
DEFAULT_MAX_LAG_DAYS = 1


def _feed_metadata(table: str) -> dict[str, Any]:
    """What the feed registry declares about a raw feed, shown on its asset."""
    feed = registry().get(table)
    if feed is None:
        return {}
    return {
        "format": feed.format,
        "key": ", ".join(feed.key),
        "contract_version": feed.contract_version,
        "max_lateness_days": feed.max_lateness_days,
        "freshness_lag_days": feed.freshness_lag_days,
    }


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def _summary_metadata(summary: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(summary) and not isinstance(summary, type):
        summary = dataclasses.asdict(summary)
    if isinstance(summary, Mapping):
        flat: dict[str, Any] = {}
        for key, value in summary.items():
            if isinstance(value, bool | int | float | str):
                flat[str(key)] = value
            else:
                flat[str(key)] = dg.MetadataValue.json(json.loads(json.dumps(value, default=str)))
        return flat
    return {"summary": str(summary)} if summary is not None else {}


def _latest_delivery_by_feed(warehouse: WarehouseResource) -> dict[str, date]:
    from orchestration.ingest import read_ledger

    latest: dict[str, date] = {}
    for row in read_ledger(warehouse.paths).to_pylist():
        day = row["delivered_dt"]
        if row["status"] in ("loaded", "empty") and day is not None and day > latest.get(row["feed"], date.min):
            latest[row["feed"]] = day
    return latest


def _freshness_results(
    warehouse: WarehouseResource, selected: set[dg.AssetCheckKey]
) -> Iterator[dg.AssetCheckResult]:
    try:
        latest = _latest_delivery_by_feed(warehouse)
    except Exception as exc:  # the ledger is missing: every freshness check fails, saying why
        for check_key in selected:
            yield dg.AssetCheckResult(
                asset_key=check_key.asset_key,
                check_name=check_key.name,
                passed=False,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"error": str(exc)},
            )
        return
    newest = max(latest.values(), default=None)
    for check_key in selected:
        feed = check_key.asset_key.path[-1]
        feed_latest = latest.get(feed)
        allowed = MAX_LAG_DAYS.get(feed, DEFAULT_MAX_LAG_DAYS)
        lag = (newest - feed_latest).days if newest and feed_latest else None
        yield dg.AssetCheckResult(
            asset_key=check_key.asset_key,
            check_name=check_key.name,
            passed=lag is not None and lag <= allowed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "latest_delivery_day": str(feed_latest) if feed_latest else "none",
                "newest_delivery_day_any_feed": str(newest) if newest else "none",
                "lag_days": lag if lag is not None else -1,
                "allowed_lag_days": allowed,
            },
        )


@dg.multi_asset(
    name="load_landing_files",
    specs=[
        dg.AssetSpec(
            raw_key(table),
            group_name=RAW_GROUP,
            owners=["team:data-platform"],
            kinds={"python", "parquet"},
            description=(
                "Ledger of every landing file: status (loaded, empty, unreadable) and reason."
                if table == "_files"
                else f"Raw `{table}` records as delivered (raw-zone Parquet files, one row per record), "
                "with loader columns."
            ),
            metadata=_feed_metadata(table),
        )
        for table in RAW_TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "freshness",
            asset=raw_key(feed),
            description="The feed's latest delivery day is not behind the newest delivery of any feed "
            "by more than its allowed lag (warns; never blocks).",
        )
        for feed in FEEDS
    ],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=True,
)
def load_landing_files(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Load new landing files into the raw zone (Python loader, file by file, idempotent)."""
    from orchestration.ingest import ingest

    paths = warehouse.paths
    warehouse.export_env()
    with warehouse.writer_lock():
        summary = ingest(paths)
    metadata = _summary_metadata(summary)
    context.log.info(f"loader: {summary.summary() if hasattr(summary, 'summary') else summary}")
    for key in sorted(context.selected_asset_keys, key=lambda k: k.to_user_string()):
        yield dg.MaterializeResult(asset_key=key, metadata=metadata if key == raw_key("_files") else None)
    yield from _freshness_results(warehouse, set(context.selected_asset_check_keys))
