"""Daily partitions by delivery day (`dt=` in the landing zone), and the dbt window they map to.

A partition is a *delivery* day, not an event day: an event delivered three days late belongs to
the partition of the day it arrived, so re-running an old partition never misses it. The event-day
marts it touches are recomputed by the incremental models.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import dagster as dg

PARTITION_START = os.environ.get("INTEGRITY_PARTITION_START", "2024-01-01")

# end_offset=1: today's delivery day is a partition too, so the hourly SLA monitor and the
# new-delivery sensor can run on data that landed this morning.
daily_partitions = dg.DailyPartitionsDefinition(start_date=PARTITION_START, timezone="UTC", end_offset=1)

ALL_DELIVERED: dict[str, str] = {"window_start": "", "window_end": ""}

# Dagster's run tags for a run's partition, and for the range of a single-run backfill
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def window_vars(context: dg.AssetExecutionContext) -> dict[str, str]:
    """This run's half-open delivery-day window [window_start, window_end) (dbt macro run_window),
    from the run's partition: its key (`dagster/partition`) or its range (a single-run backfill).

    The dbt assets themselves are not partitioned (a mart is one table over every event day, and
    one materialization per asset and day would cost more than the build: 110 assets x 365 days),
    so the window comes from the run, which the partitioned loader gives its days. A run without
    a partition (a plain `dbt build` equivalent) processes whatever is new.
    """
    tags = context.run.tags
    start = tags.get(RANGE_START_TAG) or tags.get(PARTITION_TAG)
    end = tags.get(RANGE_END_TAG) or tags.get(PARTITION_TAG)
    if not start or not end:
        return dict(ALL_DELIVERED)
    last = date.fromisoformat(end) + timedelta(days=1)
    return {"window_start": date.fromisoformat(start).isoformat(), "window_end": last.isoformat()}


WINDOW_ENV = {"window_start": "INTEGRITY_WINDOW_START", "window_end": "INTEGRITY_WINDOW_END"}


def window_env(window: dict[str, str]) -> dict[str, str]:
    """The window as the environment dbt's run_window macro reads (not command-line vars: dbt
    re-parses the whole project when those change, and the window changes every run)."""
    return {WINDOW_ENV[name]: day for name, day in window.items()}


def partition_range_tags(start: str, end: str) -> dict[str, str]:
    """Run tags that make one run cover partitions start..end (inclusive): a single-run backfill."""
    return {RANGE_START_TAG: start, RANGE_END_TAG: end}


def clamp_to_partitions(day: date, today: date | None = None) -> date:
    first = date.fromisoformat(PARTITION_START)
    last = today or date.today()
    return min(max(day, first), last)


def day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def landed_days(landing: os.PathLike[str] | str) -> list[str]:
    """Delivery days present in the landing zone (any feed), sorted: `landing/<feed>/dt=YYYY-MM-DD/`."""
    from pathlib import Path

    days: set[str] = set()
    root = Path(landing)
    if not root.is_dir():
        return []
    for feed_dir in root.iterdir():
        if not feed_dir.is_dir():
            continue
        for day_dir in feed_dir.glob("dt=*"):
            day = day_dir.name[3:]
            if day_dir.is_dir() and _is_iso_day(day) and any(p.is_file() for p in day_dir.iterdir()):
                days.add(day)
    return sorted(days)


def _is_iso_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
