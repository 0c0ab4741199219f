"""The leadership dashboard, rebuilt from the published warehouse at the end of every good run.

It depends on `published/warehouse`, so a run whose dbt build or tests fail never reaches it: the
page keeps showing the last good data (and says as of when). Each build also keeps a dated copy,
`dashboard/<as-of date>.html`, the record of what leadership saw.
"""

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.assets.publish import PUBLISHED_KEY
from orchestration.dashboard.build import build
from orchestration.resources import WarehouseResource

DASHBOARD_KEY = dg.AssetKey(["dashboard", "leadership"])


@dg.asset(
    key=DASHBOARD_KEY,
    deps=[PUBLISHED_KEY],
    group_name="dashboard",
    owners=["team:trust-and-safety-analytics"],
    kinds={"html"},
    description="dashboard/index.html: integrity at a glance for leadership (headline tiles against targets, "
    "trends with intervals, breakdowns, open SLA breaches, incidents, feed freshness), self-contained, "
    "built from the published warehouse; plus a dated copy per data as-of date.",
)
def leadership_dashboard(context: AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    result = build(warehouse.paths)
    context.log.info(f"dashboard {result.index} as of {result.as_of:%Y-%m-%d %H:%M} in {result.seconds}s")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.index)),
            "dated_copy": dg.MetadataValue.path(str(result.dated)),
            "data_as_of": result.as_of.isoformat(),
            "source": result.source,
            "seconds": result.seconds,
            "red_tiles": ", ".join(k for k, s in result.statuses.items() if s == "red") or "none",
            "statuses": dg.MetadataValue.json(result.statuses),
        }
    )
