"""SLA monitor: alerts for every new breach of a P0/P1 escalation or an authority order."""

import dataclasses

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.alerts import monitor
from orchestration.assets.dbt_models import dbt_key
from orchestration.resources import WarehouseResource

REPORT_SLA_KEY = dbt_key("fct_report_sla")
SLA_ALERTS_KEY = dg.AssetKey(["monitoring", "sla_breach_alerts"])


@dg.asset(
    key=SLA_ALERTS_KEY,
    deps=[REPORT_SLA_KEY] if REPORT_SLA_KEY else [],
    group_name="monitoring",
    owners=["team:trust-and-safety-operations"],
    kinds={"python"},
    description="New SLA breaches (P0/P1 escalations, authority orders) raised once each: log, "
    "exports/alerts/*.jsonl and the INTEGRITY_ALERT_WEBHOOK webhook when set.",
)
def sla_breach_alerts(context: AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    if REPORT_SLA_KEY is None:
        context.log.warning("marts.fct_report_sla is not in the dbt project yet: no SLA alerts")
        return dg.MaterializeResult(metadata={"breaches": 0, "new_alerts": 0})
    with warehouse.writer_lock(), warehouse.connect(read_only=True) as con:
        summary = monitor(warehouse.paths, con, logger=context.log)
    context.log.info(f"SLA monitor: {summary.breaches} breaches, {summary.new_alerts} new alerts")
    metadata = {k: v for k, v in dataclasses.asdict(summary).items() if v is not None}
    metadata["webhook_errors"] = dg.MetadataValue.json(summary.webhook_errors)
    return dg.MaterializeResult(metadata=metadata)
