"""dbt source freshness, on its own schedule: has the platform stopped exporting a feed?

Two freshness questions, two checks on every raw feed asset:
* `freshness` (the loader, every run): is the feed behind the newest delivery of any feed by more
  than its registry `freshness_lag_days`? Data against data: deterministic, re-runs agree.
* `dbt_source_freshness` (this module, job `source_freshness`, every 6 hours): is the feed's
  newest delivery day (`_delivered_dt`) older than `freshness_lag_days` against the wall clock,
  as `dbt source freshness` measures it from the declarations in _platform__sources.yml? This
  is the one check that reads the clock (dbt's `snapshotted_at`, shown in the check's metadata):
  a platform whose exports stopped altogether shows here, where the loader's check cannot see it.
  It warns and never blocks; simulated demo data is old by design, so it warns there.
"""


import json
from collections.abc import Iterator

import dagster as dg
from dagster import AssetCheckExecutionContext

from orchestration.assets.loader import raw_key
from orchestration.dbt import run_dbt
from orchestration.paths import FEEDS
from orchestration.resources import WarehouseResource, dbt_target_path

CHECK_NAME = "dbt_source_freshness"
SOURCE = "platform"


def check_keys() -> list[dg.AssetCheckKey]:
    return [dg.AssetCheckKey(raw_key(feed), CHECK_NAME) for feed in FEEDS]


def freshness_results(results: list[dict], feeds: list[str]) -> Iterator[dg.AssetCheckResult]:
    """One check result per feed from dbt's sources.json results (a feed dbt did not report on
    fails, saying so)."""
    by_feed = {str(r.get("unique_id", "")).rsplit(".", 1)[-1]: r for r in results}
    for feed in feeds:
        result = by_feed.get(feed)
        if result is None:
            yield dg.AssetCheckResult(
                asset_key=raw_key(feed),
                check_name=CHECK_NAME,
                passed=False,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"status": "not reported", "error": f"dbt source freshness has no result for {feed}"},
            )
            continue
        status = str(result.get("status"))
        criteria = (result.get("criteria") or {}).get("warn_after") or {}
        yield dg.AssetCheckResult(
            asset_key=raw_key(feed),
            check_name=CHECK_NAME,
            passed=status == "pass",
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "status": status,
                "max_loaded_at": str(result.get("max_loaded_at") or "none"),
                "snapshotted_at": str(result.get("snapshotted_at") or "none"),
                "age_hours": round(float(result.get("max_loaded_at_time_ago_in_s") or 0) / 3600, 1),
                "warn_after": f"{criteria.get('count')} {criteria.get('period')}" if criteria else "none",
                **({"error": str(result["error"])} if result.get("error") else {}),
            },
        )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=raw_key(feed),
            description="dbt source freshness: the feed's newest delivery day is at most its "
            "freshness_lag_days old against the clock (warns; never blocks).",
        )
        for feed in FEEDS
    ],
    can_subset=True,
)
def dbt_source_freshness(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    feeds = sorted({key.asset_key.path[-1] for key in context.selected_asset_check_keys})
    target = dbt_target_path() / "source_freshness"
    with warehouse.writer_lock():  # dbt opens the warehouse file: not while a run writes it
        run = run_dbt(
            ["source", "freshness", "--select", " ".join(f"source:{SOURCE}.{feed}" for feed in feeds)],
            warehouse.paths,
            check=False,
            capture=True,
            target_path=target,
        )
    sources = target / "sources.json"
    if not sources.exists():
        raise dg.Failure(description=run.error_message())
    results = json.loads(sources.read_text()).get("results", [])
    context.log.info(f"dbt source freshness: {len(results)} feeds checked")
    yield from freshness_results(results, feeds)
