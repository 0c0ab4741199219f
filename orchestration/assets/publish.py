"""The published copy: marts + reference, swapped in atomically after the dbt build succeeded."""

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.assets.dbt_models import dbt_key, keys_in_layers
from orchestration.engine import current_engine
from orchestration.publish import PUBLISHED_SCHEMAS, PUBLISHED_TABLES, publish
from orchestration.resources import WarehouseResource

PUBLISHED_KEY = dg.AssetKey(["published", "warehouse"])


@dg.asset(
    key=PUBLISHED_KEY,
    # every dbt asset whose table is copied: the public schemas (marts, reference, the DSA period's
    # models, sandbox) and the single quarantine tables
    deps=keys_in_layers(*PUBLISHED_SCHEMAS) + [dbt_key(table) for _, table in PUBLISHED_TABLES],
    group_name="published",
    owners=["team:data-platform"],
    kinds={"duckdb"},
    description="published/warehouse.duckdb: marts and reference schemas only, no personal data, "
    "from whichever engine built them (INTEGRITY_ENGINE). "
    "What dashboards, analysts and `integrity analyze` read. Replaced atomically at the end of a good run.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.writer_lock():
        result = publish(warehouse.paths, engine=current_engine())
    context.log.info(f"published {len(result.tables)} tables to {result.path} in {result.seconds}s")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(result.path),
            "tables": len(result.tables),
            "rows": dg.MetadataValue.json(result.tables),
            "size_bytes": result.size_bytes,
            "seconds": result.seconds,
        }
    )
