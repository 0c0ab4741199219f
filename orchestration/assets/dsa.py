"""EU DSA outputs as Dagster assets.

* `exports/dsa_transparency_report`: the harmonised transparency report, on demand for the
  period given in the run config (`period: 2026`, `2026-H1` or `2026-01-01/2026-06-30`), written
  from the DSA period's dbt models (`dbt_dsa_period`, which the same run builds for that period:
  job `dsa_report`, what `integrity dsa-report` runs). Without a period (e.g. inside the daily
  main job) it materializes nothing: filing a report is a decision, and every export is a new
  immutable version.
* `exports/dsa_statements_of_reasons`: statements of reasons, incremental: each run exports
  the decision days that have actions without a statement yet (new decisions, including
  late-arriving ones for earlier days); the puid ledger keeps re-runs from minting twice.
"""

from datetime import date

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.assets.dbt_models import dbt_key, dsa_period_keys
from orchestration.assets.publish import PUBLISHED_KEY
from orchestration.dsa.period import parse_period
from orchestration.dsa.report import export_report
from orchestration.dsa.sor import CANDIDATES, run_export
from orchestration.dsa.sor_ledger import PuidLedger
from orchestration.dsa.sor_mapping import SorSettings, exemption
from orchestration.dsa.warehouse import database_with, fetch_dicts, read_only
from orchestration.resources import WarehouseResource

REPORT_KEY = dg.AssetKey(["exports", "dsa_transparency_report"])
SOR_KEY = dg.AssetKey(["exports", "dsa_statements_of_reasons"])
GROUP = "dsa"
OWNERS = ["team:trust-and-safety-policy"]

_candidates_key = dbt_key("dsa_sor_candidates")
_period_keys = dsa_period_keys()


class DsaReportConfig(dg.Config):
    period: str = ""  # empty: do nothing (the report is filed on demand)
    provider_type: str = ""  # empty: the dbt var provider_type
    service: str = ""
    provider_name: str = ""
    partial: bool = False  # write a period the data does not fully cover, marked partial
    publication_date: str = ""  # YYYY-MM-DD; empty: today (UTC)


@dg.asset(
    key=REPORT_KEY,
    deps=_period_keys,
    group_name=GROUP,
    owners=OWNERS,
    kinds={"python", "csv", "html"},
    output_required=False,
    description="DSA harmonised transparency report (Implementing Regulation (EU) 2024/2835): the 11 "
    "official CSV parts + an HTML review copy, as a new immutable version under "
    "exports/dsa/<period>/v<N>/ (a restatement when figures changed). Run with config `period`.",
)
def dsa_transparency_report(
    context: AssetExecutionContext, config: DsaReportConfig, warehouse: WarehouseResource
):
    if not config.period.strip():
        context.log.info("no reporting period in the run config: no report written (it is filed on demand)")
        return
    period = parse_period(config.period)
    warehouse.export_env()
    # Read under the writer lock, so no other run rebuilds the dsa models for another period
    # while the report reads them; the models must have been built for this period (this run's
    # dbt_dsa_period step), which export_report checks against dsa.dsa_report_period.
    with warehouse.writer_lock():
        result = export_report(
            period,
            warehouse.paths,
            provider_type=config.provider_type or None,
            service=config.service or None,
            provider_name=config.provider_name or None,
            publication_date=date.fromisoformat(config.publication_date) if config.publication_date else None,
            build=False,
            take_writer_lock=False,  # held above
            partial=config.partial,
        )
    for warning in result.warnings:
        context.log.warning(warning)
    yield dg.MaterializeResult(
        metadata={
            "period": period.template_text,
            "version": result.version,
            "path": dg.MetadataValue.path(str(result.out_dir)),
            "report_html": dg.MetadataValue.path(str(result.out_dir / "report.html")),
            "restatement_of": result.restatement_of if result.restatement_of is not None else "none",
            "changed_figures": len(result.changes),
            "partial": result.partial or "",
            "warnings": dg.MetadataValue.json(list(result.warnings)),
        }
    )


@dg.asset(
    key=SOR_KEY,
    deps=[k for k in (_candidates_key, PUBLISHED_KEY) if k],
    group_name=GROUP,
    owners=OWNERS,
    kinds={"python", "json"},
    description="Statements of reasons (DSA Art. 17/24(5), Transparency Database API v2) for every new "
    "restriction decision: exports/sor/<decision day>/ statements.jsonl, API batches of <=100, "
    "quarantine.jsonl. Incremental: only days with actions that have no statement yet.",
)
def dsa_statements_of_reasons(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    paths = warehouse.paths
    if _candidates_key is None:
        context.log.warning("dsa.dsa_sor_candidates is not in the dbt project: no statements")
        return dg.MaterializeResult(metadata={"days": 0})
    settings = SorSettings()
    db = database_with(paths, *CANDIDATES)
    with read_only(db) as con:
        rows = fetch_dicts(
            con,
            "select action_id, decision_date, territorial_scope, source, initiative, "
            "is_deceptive_high_volume_commercial from dsa.dsa_sor_candidates",
        )
    # Actions that need a statement and have none yet: exempt ones never get a puid.
    needed = [r for r in rows if exemption(r, settings) is None]
    with PuidLedger.for_state_dir(paths.state) as ledger:
        known = ledger.known([r["action_id"] for r in needed])
    days = sorted({r["decision_date"] for r in needed if r["action_id"] not in known})
    totals = {"days": len(days), "valid": 0, "quarantined": 0, "newly_batched": 0, "exempt": 0}
    for day in days:
        result = run_export(day, paths, settings)
        totals["valid"] += result.valid
        totals["quarantined"] += result.quarantined
        totals["newly_batched"] += result.newly_batched
        totals["exempt"] += sum(result.exempt.values())
        context.log.info(
            f"statements {day}: {result.valid} valid, {result.quarantined} quarantined, "
            f"{result.newly_batched} new in {len(result.batch_files)} batch file(s)"
        )
    metadata: dict[str, object] = dict(totals)
    metadata["days_exported"] = dg.MetadataValue.json([d.isoformat() for d in days])
    metadata["path"] = dg.MetadataValue.path(str(paths.exports / "sor"))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset_check(asset=SOR_KEY, description="No statement of reasons is held in quarantine (warns otherwise).")
def sor_quarantine_is_empty(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    root = warehouse.paths.exports / "sor"
    held = {}
    for path in sorted(root.glob("*/quarantine.jsonl")) if root.exists() else []:
        lines = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        if lines:
            held[path.parent.name] = lines
    return dg.AssetCheckResult(
        passed=not held,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"quarantined_by_day": dg.MetadataValue.json(held)},
    )
