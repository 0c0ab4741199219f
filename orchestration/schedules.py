"""Schedules: the daily run at 02:00 UTC and the hourly SLA monitor.

* `daily_integrity_run` (02:00 UTC): the main job for yesterday's delivery day (UTC).
* `hourly_sla_monitor` (every hour, on the hour): only the SLA path (the loader, the models
  upstream of marts.fct_report_sla, then the alert asset) for today's delivery day, so a breach
  of a P0/P1 escalation or an authority order is alerted within the hour.
* `source_freshness_every_6h` (00:30, 06:30, 12:30, 18:30 UTC): dbt source freshness of every
  feed against the clock (orchestration/assets/freshness.py); builds nothing.
"""

from datetime import timedelta
from typing import Any

import dagster as dg
from dagster import ScheduleEvaluationContext


def build_daily_schedule(job: Any) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="daily_integrity_run",
        job=job,
        cron_schedule="0 2 * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every day at 02:00 UTC: load, build, test and publish yesterday's delivery day.",
    )
    def daily_integrity_run(context: ScheduleEvaluationContext) -> dg.RunRequest:
        day = (context.scheduled_execution_time.date() - timedelta(days=1)).isoformat()
        return dg.RunRequest(run_key=f"daily-{day}", partition_key=day, tags={"integrity/trigger": "daily"})

    return daily_integrity_run


def build_sla_schedule(job: Any) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="hourly_sla_monitor",
        job=job,
        cron_schedule="0 * * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every hour: refresh the SLA path and alert new P0/P1 or authority-order breaches.",
    )
    def hourly_sla_monitor(context: ScheduleEvaluationContext) -> dg.RunRequest:
        when = context.scheduled_execution_time
        return dg.RunRequest(
            run_key=f"sla-{when:%Y-%m-%dT%H}",
            partition_key=when.date().isoformat(),
            tags={"integrity/trigger": "sla_monitor"},
        )

    return hourly_sla_monitor


def build_freshness_schedule(job: Any) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="source_freshness_every_6h",
        job=job,
        cron_schedule="30 */6 * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every 6 hours: dbt source freshness of every feed (warns when exports stop).",
    )
    def source_freshness_every_6h(context: ScheduleEvaluationContext) -> dg.RunRequest:
        return dg.RunRequest(
            run_key=f"freshness-{context.scheduled_execution_time:%Y-%m-%dT%H}",
            tags={"integrity/trigger": "source_freshness"},
        )

    return source_freshness_every_6h
