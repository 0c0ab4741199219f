"""Everything the dashboard shows, selected from the dashboard models in one short-lived read-only connection.

Every figure on the page (values, intervals, n, flags, statuses against the targets, changes,
windows, trend rates, breakdowns, ages, lags) is computed in the warehouse by the dashboard models
(models/marts/dashboard/, `fct_dashboard_*` and `dim_dashboard_target`), so any engine that builds
the marts builds the page's numbers too. This module only selects their rows: every query is
`select <columns> from marts.<dashboard model> [where <column> <op> ?] [order by <columns>]`, built
by `Marts.select`, with no aggregate and no arithmetic, in Python or in SQL (tests/python/
test_dashboard.py checks both). Formatting for people is render.py's.

The page is built from the *published* warehouse (marts + reference, swapped in atomically after a
good run), so it never waits on, or blocks, a run that is writing. Only when nothing has been
published yet does it fall back to the main warehouse, read-only.

Windows: the "week" is the ISO week holding the data as-of date, compared with the week before;
the "period" is the calendar month (or half-year / year) holding it, compared with the one before
(fct_dashboard_tiles, windows_back 0 and 1). A window still running is labelled "to date".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from orchestration.dashboard.status import Target, targets_from_rows
from orchestration.errors import UserError
from orchestration.paths import DataPaths

PERIOD_TYPES = ("month", "half_year", "year")
# Pseudonyms look like `<prefix>_<20 hex>` (macros/pseudonymise.sql): never shown on the page.
PSEUDONYM = re.compile(r"\b[a-z]{1,12}_[0-9a-f]{20}\b")

SCHEMA = "marts"
AS_OF = "fct_dashboard_as_of"
TILES = "fct_dashboard_tiles"
TRENDS = "fct_dashboard_trends"
BREAKDOWNS = "fct_dashboard_breakdowns"
BREACHES = "fct_dashboard_open_breaches"
INCIDENTS = "fct_dashboard_incidents"
FRESHNESS = "fct_dashboard_feed_freshness"
TARGETS = "dim_dashboard_target"
# The only tables the dashboard reads.
MODELS = (AS_OF, TILES, TRENDS, BREAKDOWNS, BREACHES, INCIDENTS, FRESHNESS, TARGETS)
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
OPERATORS = ("=", "<>", "<", "<=", ">", ">=")


@contextmanager
def open_warehouse(paths: DataPaths) -> Iterator[tuple[duckdb.DuckDBPyConnection, str, Path]]:
    """(connection, which copy, file): the published copy if any, else the main warehouse; read-only."""
    if paths.published.exists():
        source, path = "published", paths.published
    elif paths.warehouse.exists():
        source, path = "main (no published copy yet)", paths.warehouse
    else:
        raise UserError(
            f"no warehouse at {paths.published} or {paths.warehouse}: run `integrity build` "
            f"(or `integrity demo`) first, with INTEGRITY_DATA_DIR={paths.root}"
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        raise UserError(f"cannot open {path} read-only: {exc}") from exc
    try:
        yield con, source, path
    finally:
        con.close()


def _plain(value: Any) -> Any:
    """Fixed decimals as floats for rendering (a type conversion, not arithmetic)."""
    return float(value) if isinstance(value, Decimal) else value


class Marts:
    """Selects rows of the dashboard models over any DB-API style connection (standard SQL only)."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.queries: list[str] = []  # every SQL run, in order (the tests check each one)
        found = self._run(
            "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]
        )
        present = {str(r[0]) for r in found}
        missing = [m for m in MODELS if m not in present]
        if missing:
            raise UserError(
                f"the warehouse has no dashboard models ({', '.join(missing)} missing in schema {SCHEMA}): "
                "run `integrity build`"
            )

    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        self.queries.append(sql)
        cur = self.con.execute(sql, list(params))
        self._names = [d[0] for d in cur.description]
        return cur.fetchall()

    def select(
        self,
        table: str,
        columns: Sequence[str],
        where: Sequence[tuple[str, str, Any]] = (),
        order: Sequence[str] = (),
    ) -> list[dict[str, Any]]:
        """`select columns from marts.table where c op ? and ... order by ...` as dicts."""
        if table not in MODELS:
            raise ValueError(f"the dashboard reads only its models, not {table!r}")
        for name in (*columns, *(w[0] for w in where), *order):
            if not IDENTIFIER.match(name):
                raise ValueError(f"not a plain column name: {name!r}")
        if any(op not in OPERATORS for _, op, _ in where):
            raise ValueError(f"unknown operator in {where!r}")
        sql = f"select {', '.join(columns)} from {SCHEMA}.{table}"
        if where:
            sql += " where " + " and ".join(f"{c} {op} ?" for c, op, _ in where)
        if order:
            sql += " order by " + ", ".join(order)
        rows = self._run(sql, [v for _, _, v in where])
        return [{n: _plain(v) for n, v in zip(self._names, r, strict=True)} for r in rows]


# ---------------------------------------------------------------- the data model


@dataclass(frozen=True)
class Window:
    kind: str  # week | month | half_year | year
    start: date
    end: date  # exclusive
    last_day: date
    days_covered: int
    days_in_window: int

    @property
    def to_date(self) -> bool:
        return self.days_covered < self.days_in_window

    def label(self, with_coverage: bool = False) -> str:
        if self.kind == "week":
            iso = self.start.isocalendar()
            text = f"week {iso.year}-W{iso.week:02d} ({self.start:%b %d}–{self.last_day:%b %d})"
        elif self.kind == "month":
            text = f"{self.start:%B %Y}"
        elif self.kind == "half_year":
            text = f"H{1 if self.start.month == 1 else 2} {self.start.year}"
        else:
            text = str(self.start.year)
        if with_coverage and self.to_date:
            text += f", to date ({self.days_covered} of {self.days_in_window} days)"
        return text


@dataclass
class Measure:
    """One tile over one window: a row of fct_dashboard_tiles."""

    value: float | None
    lo: float | None = None
    hi: float | None = None
    upper_bound_only: bool = False
    suppressed: bool = False
    incomplete: bool = False
    n: float | None = None
    status: str = "none"
    change: dict[str, Any] = field(default_factory=dict)  # vs the window before
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tile:
    key: str
    label: str
    metric: str  # the targets seed's metric
    scope: str
    unit: str  # per_10k | share
    week: Measure
    prev_week: Measure
    period: Measure
    prev_period: Measure
    target: Target | None = None
    weekly: list[float | None] = field(default_factory=list)  # sparkline, oldest first
    note: str = ""

    @property
    def status(self) -> str:
        return self.week.status


@dataclass
class DashboardData:
    as_of: datetime
    source: str
    source_path: Path
    week: Window
    prev_week: Window
    period: Window
    prev_period: Window
    tiles: list[Tile]
    trends: dict[str, Any]
    breakdowns: dict[str, Any]
    breaches: dict[str, Any]
    incidents: dict[str, Any]
    freshness: dict[str, Any]
    targets: dict[tuple[str, str], Target]
    targets_source: str

    @property
    def as_of_date(self) -> date:
        return self.as_of.date()


# ---------------------------------------------------------------- tiles

TILE_COLUMNS = (
    "tile_key", "tile_label", "metric", "scope", "unit", "note", "scope_target_hours", "window_kind",
    "windows_back", "window_start", "window_end", "window_last_day", "days_covered", "days_in_window",
    "metric_value", "ci_low", "ci_high", "n", "numerator", "is_upper_bound_only", "is_suppressed",
    "is_incomplete", "label_completeness", "impressions", "unwanted_before_signal", "unwanted_after_signal",
    "unwanted_after_signal_share", "reports", "breached", "open_breached", "open_within_target", "target",
    "red_threshold", "direction", "status", "change_blocked_reason", "change_delta", "change_relative",
    "is_change_flat", "change_sentiment",
)
EXTRA_COLUMNS = (
    "numerator", "label_completeness", "impressions", "unwanted_before_signal", "unwanted_after_signal",
    "unwanted_after_signal_share", "reports", "breached", "open_breached", "open_within_target",
)
CHANGE_COLUMNS = ("change_blocked_reason", "change_delta", "change_relative", "is_change_flat", "change_sentiment")


def _measure(row: dict[str, Any] | None) -> Measure:
    if row is None:
        return Measure(None)
    return Measure(
        value=row["metric_value"],
        lo=row["ci_low"],
        hi=row["ci_high"],
        upper_bound_only=bool(row["is_upper_bound_only"]),
        suppressed=bool(row["is_suppressed"]),
        incomplete=bool(row["is_incomplete"]),
        n=row["n"],
        status=row["status"],
        change={c: row[c] for c in CHANGE_COLUMNS},
        extra={c: row[c] for c in EXTRA_COLUMNS},
    )


def _window(row: dict[str, Any]) -> Window:
    return Window(
        row["window_kind"], row["window_start"], row["window_end"], row["window_last_day"],
        int(row["days_covered"]), int(row["days_in_window"]),
    )


def _hours(value: float) -> str:
    return f"{value:.0f} h" if value == int(value) else f"{value:g} h"


def _spark_point(row: dict[str, Any]) -> float | None:
    """What a sparkline plots for a week: the upper bound when only it is supported."""
    if row["metric_value"] is None:
        return None
    return row["ci_high"] if row["is_upper_bound_only"] else row["metric_value"]


def load_tiles(
    m: Marts, period_type: str, targets: dict[tuple[str, str], Target]
) -> tuple[list[Tile], dict[str, Window]]:
    rows = m.select(
        TILES, TILE_COLUMNS,
        order=("tile_order", "tile_key", "window_kind", "windows_back"),
    )
    by_tile: dict[str, dict[tuple[str, int], dict[str, Any]]] = {}
    first: dict[str, dict[str, Any]] = {}
    windows: dict[str, Window] = {}
    for r in rows:
        by_tile.setdefault(r["tile_key"], {})[(r["window_kind"], int(r["windows_back"]))] = r
        first.setdefault(r["tile_key"], r)
        windows.setdefault(f"{r['window_kind']}/{r['windows_back']}", _window(r))
    tiles = []
    for key, cells in by_tile.items():
        head = first[key]
        label = head["tile_label"]
        if head["scope_target_hours"] is not None:
            label = f"{label} ({_hours(head['scope_target_hours'])})"
        weeks = sorted((b, r) for (k, b), r in cells.items() if k == "week")
        target = None
        if head["target"] is not None:
            target = Target(head["metric"], head["scope"], head["direction"], head["target"], head["red_threshold"],
                            head["unit"])
        tiles.append(
            Tile(
                key=key, label=label, metric=head["metric"], scope=head["scope"], unit=head["unit"],
                week=_measure(cells.get(("week", 0))), prev_week=_measure(cells.get(("week", 1))),
                period=_measure(cells.get((period_type, 0))), prev_period=_measure(cells.get((period_type, 1))),
                target=target,
                weekly=[_spark_point(r) for _, r in reversed(weeks)],
                note=head["note"],
            )
        )
    return tiles, windows


# ---------------------------------------------------------------- trends, breakdowns, lists

TREND_COLUMNS = (
    "series", "part", "part_order", "date_day", "last_day", "metric_value", "ci_low", "ci_high", "n", "numerator",
    "is_upper_bound_only", "is_suppressed", "is_incomplete", "label_completeness", "decided", "open_breached",
    "open_within_target",
)


def trends(m: Marts, trend_days: int) -> dict[str, Any]:
    found = m.select(
        AS_OF, ("trend_start", "prevalence_days", "prevalence_days_upper_bound_only", "is_prevalence_daily_shown"),
        where=(("trend_days", "=", trend_days),),
    )
    if not found:
        raise UserError(f"--trend-days must be between 1 and 366, not {trend_days}")
    window = found[0]
    rows = m.select(
        TRENDS, TREND_COLUMNS, where=(("last_day", ">=", window["trend_start"]),),
        order=("series", "part_order", "date_day"),
    )
    series: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for r in rows:
        series.setdefault(r["series"], {}).setdefault(r["part"], []).append(r)
    return {
        "start": window["trend_start"],
        "series": series,
        "prevalence_days": window["prevalence_days"],
        "prevalence_days_upper_bound_only": window["prevalence_days_upper_bound_only"],
        "prevalence_daily_shown": bool(window["is_prevalence_daily_shown"]),
    }


BREAKDOWN_COLUMNS = (
    "breakdown", "category", "display_order", "labels_total", "labels_shown", "metric_value", "ci_low", "ci_high",
    "n", "numerator", "is_upper_bound_only", "is_suppressed", "is_incomplete", "unwanted_per_10k", "decided",
    "open_breached", "status",
)


def breakdowns(m: Marts, period: Window) -> dict[str, Any]:
    rows = m.select(
        BREAKDOWNS, BREAKDOWN_COLUMNS,
        where=(("window_kind", "=", period.kind), ("is_shown", "=", True)),
        order=("breakdown", "display_order"),
    )
    out: dict[str, Any] = {"window": period}
    for r in rows:
        out.setdefault(r["breakdown"], []).append(r)
    return out


BREACH_COLUMNS = (
    "report_id", "received_at", "reporter_type", "channel", "priority", "policy_area", "queue", "vendor",
    "is_dsa_notice", "target_hours",
)


def open_breaches(m: Marts, limit: int = 30) -> dict[str, Any]:
    rows = m.select(
        BREACHES, (*BREACH_COLUMNS, "age_hours", "overdue_hours", "open_breaches_total"),
        where=(("breach_rank", "<=", limit),), order=("breach_rank",),
    )
    by_reporter = m.select(
        BREACHES, ("reporter_type_label", "reporter_type_open_breaches"),
        where=(("is_reporter_type_first", "=", True),), order=("reporter_type_order",),
    )
    return {
        "total": rows[0]["open_breaches_total"] if rows else 0,
        "rows": rows,
        "columns": list(BREACH_COLUMNS),
        "by_reporter": [(r["reporter_type_label"], r["reporter_type_open_breaches"]) for r in by_reporter],
    }


INCIDENT_COLUMNS = (
    "status", "incident_type", "series_type", "series_key", "link_domains", "first_seen_at", "last_activity_at",
    "first_action_at", "anomaly_days", "peak_score", "items", "accounts", "actioned_items", "impressions",
)


def incidents(m: Marts, limit: int = 25) -> dict[str, Any]:
    """Incidents active or with activity in the last days (fct_dashboard_incidents), pseudonyms masked."""
    rows = m.select(
        INCIDENTS, (*INCIDENT_COLUMNS, "recent_days", "incidents_total", "incidents_active"),
        where=(("incident_rank", "<=", limit),), order=("incident_rank",),
    )
    for r in rows:
        for k, v in r.items():
            if isinstance(v, str):
                r[k] = PSEUDONYM.sub("(pseudonymised)", v)
            elif isinstance(v, list):
                r[k] = [PSEUDONYM.sub("(pseudonymised)", x) if isinstance(x, str) else x for x in v]
    head = rows[0] if rows else {}
    return {
        "columns": list(INCIDENT_COLUMNS),
        "rows": rows,
        "total": head.get("incidents_total", 0),
        "active": head.get("incidents_active", 0),
        "days": head.get("recent_days", 7),
    }


FRESHNESS_MEASURES = ("files", "unreadable_files", "raw_records", "clean", "quarantined", "duplicates")


def freshness(m: Marts) -> dict[str, Any]:
    rows = m.select(
        FRESHNESS, ("feed", "latest_delivered_dt", "lag_days", *FRESHNESS_MEASURES, "status"), order=("feed",),
    )
    return {"source": f"{SCHEMA}.{FRESHNESS} (the load reconciliation)", "rows": rows,
            "measures": list(FRESHNESS_MEASURES)}


def load_targets(m: Marts) -> dict[tuple[str, str], Target]:
    rows = m.select(
        TARGETS, ("metric", "scope", "direction", "target", "red_threshold", "unit", "description"),
        order=("metric", "scope"),
    )
    return targets_from_rows(rows)


# ---------------------------------------------------------------- everything


def load(paths: DataPaths, *, period_type: str = "month", trend_days: int = 91) -> DashboardData:
    if period_type not in PERIOD_TYPES:
        raise UserError(f"--period must be one of {', '.join(PERIOD_TYPES)}, not {period_type!r}")
    with open_warehouse(paths) as (con, source, path):
        m = Marts(con)
        as_of_rows = m.select(AS_OF, ("as_of",), where=(("trend_days", "=", 1),))
        if not as_of_rows:
            raise UserError("the marts have no data yet (no as-of in fct_dashboard_as_of): run `integrity build`")
        targets = load_targets(m)
        tiles, windows = load_tiles(m, period_type, targets)
        period = windows[f"{period_type}/0"]
        return DashboardData(
            as_of=as_of_rows[0]["as_of"],
            source=source,
            source_path=path,
            week=windows["week/0"],
            prev_week=windows["week/1"],
            period=period,
            prev_period=windows[f"{period_type}/1"],
            tiles=tiles,
            trends=trends(m, trend_days),
            breakdowns=breakdowns(m, period),
            breaches=open_breaches(m),
            incidents=incidents(m),
            freshness=freshness(m),
            targets=targets,
            targets_source=f"{SCHEMA}.{TARGETS} (seeds/dashboard/targets.csv)",
        )
