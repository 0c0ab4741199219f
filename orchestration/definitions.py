"""The one Dagster entry point: `dagster dev -m orchestration.definitions` (see `integrity ui`).

    raw/*  (loader)  ->  reference/* (seeds)  ->  staging/*, quarantine/*  ->  intermediate/*  ->  marts/*
        -> published/warehouse (atomic swap)  -> exports, dashboard (their own modules)
        -> monitoring/sla_breach_alerts

Asset modules are picked up from orchestration/assets/ (see its __init__ for the convention),
so export and dashboard assets join by adding a file there.

Jobs run their steps one after the other in one process (in_process_executor): DuckDB takes one
writer per file, and the daemon's run queue (dagster.yaml written by `integrity ui`) runs one
run at a time.
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets import asset_modules
from orchestration.assets.dbt_models import dsa_period_keys
from orchestration.assets.dsa import REPORT_KEY
from orchestration.assets.freshness import check_keys as freshness_check_keys
from orchestration.assets.publish import PUBLISHED_KEY
from orchestration.assets.sla import SLA_ALERTS_KEY
from orchestration.resources import build_resources
from orchestration.schedules import build_daily_schedule, build_freshness_schedule, build_sla_schedule
from orchestration.sensors import build_delivery_sensor

MAIN_JOB = "integrity_main"
SLA_JOB = "sla_monitor"
DSA_PERIOD_JOB = "dsa_period"
DSA_REPORT_JOB = "dsa_report"

_modules = asset_modules()
_assets = dg.load_assets_from_modules(_modules)
_checks = dg.load_asset_checks_from_modules(_modules)

SOURCE_FRESHNESS_JOB = "source_freshness"

main_job = dg.define_asset_job(
    MAIN_JOB,
    # Not the DSA period's models (built when a report is filed: dsa_report) nor the clock-based
    # source freshness (its own schedule).
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.assets(*dsa_period_keys())
    - dg.AssetSelection.checks(*freshness_check_keys()),
    description="Everything: load new landing files, dbt build (models + tests), SLA alerts, publish, "
    "exports and dashboard. Partitioned by delivery day; a range runs as one run.",
    tags={"integrity/writes": "warehouse"},
)

sla_job = dg.define_asset_job(
    SLA_JOB,
    selection=dg.AssetSelection.assets(SLA_ALERTS_KEY).upstream(),
    description="Only the SLA path: the models upstream of marts.fct_report_sla, then new-breach alerts.",
    tags={"integrity/writes": "warehouse"},
)

dsa_period_job = dg.define_asset_job(
    DSA_PERIOD_JOB,
    selection=dg.AssetSelection.assets(*dsa_period_keys()),
    description="The DSA report's dbt models for the reporting period in the run config "
    "(ops.dbt_dsa_period.config.period), with their tests.",
    tags={"integrity/writes": "warehouse"},
)

dsa_report_job = dg.define_asset_job(
    DSA_REPORT_JOB,
    selection=dg.AssetSelection.assets(*dsa_period_keys(), REPORT_KEY, PUBLISHED_KEY),
    description="File the DSA transparency report: build the period's dbt models, write a new "
    "version of the report, and publish (readers see the period's tables the report was written "
    "from). `integrity dsa-report --period P` runs this job.",
    tags={"integrity/writes": "warehouse"},
)

source_freshness_job = dg.define_asset_job(
    SOURCE_FRESHNESS_JOB,
    selection=dg.AssetSelection.checks(*freshness_check_keys()),
    description="dbt source freshness of every feed against the clock (warns when a feed's newest "
    "delivery is older than its freshness_lag_days). Reads the warehouse; builds nothing.",
)

defs = dg.Definitions(
    assets=_assets,
    asset_checks=_checks,
    jobs=[main_job, sla_job, dsa_period_job, dsa_report_job, source_freshness_job],
    schedules=[
        build_daily_schedule(main_job),
        build_sla_schedule(sla_job),
        build_freshness_schedule(source_freshness_job),
    ],
    sensors=[build_delivery_sensor(main_job)],
    resources=build_resources(),
    executor=dg.in_process_executor,
)
