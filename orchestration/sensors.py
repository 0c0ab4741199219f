"""Sensor: a new delivery day in the landing zone starts a run for it.

The cursor is the latest delivery day (`dt=`) seen. Several new days at once (a first start,
or a platform catching up) become one run over their range, like a single-run backfill.
"""

from typing import Any

import dagster as dg
from dagster import SensorEvaluationContext

from orchestration.assets.partitions import daily_partitions, landed_days, partition_range_tags
from orchestration.paths import data_paths


def new_delivery_days(landing: str, cursor: str | None, valid: set[str] | None = None) -> list[str]:
    days = [d for d in landed_days(landing) if not cursor or d > cursor]
    return [d for d in days if valid is None or d in valid]


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
        all_days = landed_days(paths.landing)
        new = [d for d in all_days if not context.cursor or d > context.cursor]
        if not new:
            return dg.SkipReason(f"no delivery day after {context.cursor or '(none yet)'} in {paths.landing}")
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
