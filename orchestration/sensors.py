"""Sensor: a new delivery day in the landing zone starts a run for it.

A day is new when the landing zone has it and the warehouse has not processed it: the published
copy's load reconciliation (one row per feed and delivery day a successful run loaded, empty and
unreadable files included) does not list it. So opening the UI after `make demo`, whose run
processed every landed day, queues nothing. The cursor is the latest day the sensor has asked a
run for, so a day is requested once even while its run is still going. Several new days at once
(a first start, or a platform catching up) become one run over their range, like a single-run
backfill.
"""

from typing import Any

import dagster as dg
import duckdb
from dagster import SensorEvaluationContext

from orchestration.assets.partitions import daily_partitions, landed_days, partition_range_tags
from orchestration.paths import DataPaths, data_paths


def processed_days(paths: DataPaths) -> set[str]:
    """Delivery days the last published run processed, from the published copy (read-only, short)."""
    if not paths.published.exists():
        return set()
    try:
        con = duckdb.connect(str(paths.published), read_only=True)
    except duckdb.Error:
        return set()
    try:
        rows = con.execute(
            "select distinct strftime(delivered_dt, '%Y-%m-%d') from quarantine.rpt_load_reconciliation"
            " where delivered_dt is not null"
        ).fetchall()
    except duckdb.Error:
        return set()
    finally:
        con.close()
    return {day for (day,) in rows}


def build_delivery_sensor(job: Any) -> dg.SensorDefinition:
    @dg.sensor(
        name="new_delivery_day",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts the main job when a new delivery day (landing/<feed>/dt=YYYY-MM-DD/) lands.",
    )
    def new_delivery_day(context: SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        paths = data_paths()
        done = processed_days(paths)
        all_days = landed_days(paths.landing)
        new = [d for d in all_days if d not in done and (not context.cursor or d > context.cursor)]
        if not new:
            return dg.SkipReason(
                f"every delivery day in {paths.landing} is processed or requested "
                f"({len(done)} in the published copy, last requested {context.cursor or '(none yet)'})"
            )
        valid = set(daily_partitions.get_partition_keys(dynamic_partitions_store=None))
        runnable = [d for d in new if d in valid]
        if not runnable:
            return dg.SensorResult(
                run_requests=[], cursor=new[-1], skip_reason=f"delivery days {new} are outside the partitions"
            )
        first, last = runnable[0], runnable[-1]
        if first == last:
            request = dg.RunRequest(run_key=f"delivery-{first}", partition_key=first)
        else:
            request = dg.RunRequest(
                run_key=f"delivery-{first}..{last}", tags=partition_range_tags(first, last)
            )
        context.log.info(f"new delivery days {first}..{last}")
        return dg.SensorResult(run_requests=[request], cursor=new[-1])

    return new_delivery_day
