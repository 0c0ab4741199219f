"""Everything the dashboard shows, read from the marts in one short-lived read-only connection.

The page is built from the *published* warehouse (marts + reference, swapped in atomically after a
good run), so it never waits on, or blocks, a run that is writing. Only when nothing has been
published yet does it fall back to the main warehouse, read-only.

Windows: the "week" is the ISO week (Monday to Sunday) holding the data as-of date, compared with
the week before; the "period" is the calendar month (or half-year / year) holding it, compared with
the one before. A window still running is labelled "to date". Prevalence comes from the pooled
rollup mart (daily rates are never averaged); every other tile is a ratio of sums over the window.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from orchestration.dashboard.status import Target, find_target, targets_from_csv, targets_from_rows
from orchestration.errors import UserError
from orchestration.paths import DataPaths

PERIOD_TYPES = ("month", "half_year", "year")
# Pseudonyms look like `<prefix>_<20 hex>` (macros/pseudonymise.sql): never shown on the page.
PSEUDONYM = re.compile(r"\b[a-z]{1,12}_[0-9a-f]{20}\b")
PERSONAL_COLUMN = re.compile(r"(_key$|_keys$|email|_ip$|^ip$|reporter|reviewer|labeler|auditor|free_text)")


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


class Marts:
    """Table and column lookup over a warehouse connection, so absent marts degrade to a note."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        rows = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ('marts', 'reference', 'quarantine') order by ordinal_position"
        ).fetchall()
        self._columns: dict[str, list[str]] = {}
        for schema, table, column in rows:
            self._columns.setdefault(f"{schema}.{table}", []).append(column)

    def has(self, table: str, *columns: str) -> bool:
        present = self._columns.get(table)
        return present is not None and all(c in present for c in columns)

    def columns(self, table: str) -> list[str]:
        return list(self._columns.get(table, []))

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def one(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        got = self.rows(sql, params)
        return got[0] if got else {}


# ---------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    kind: str  # week | month | half_year | year
    start: date
    end: date  # exclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def covered(self, as_of: date) -> int:
        return max(0, min((as_of - self.start).days + 1, self.days))

    def label(self, as_of: date | None = None) -> str:
        if self.kind == "week":
            iso = self.start.isocalendar()
            text = f"week {iso.year}-W{iso.week:02d} ({self.start:%b %d}–{self.end - timedelta(days=1):%b %d})"
        elif self.kind == "month":
            text = f"{self.start:%B %Y}"
        elif self.kind == "half_year":
            text = f"H{1 if self.start.month == 1 else 2} {self.start.year}"
        else:
            text = str(self.start.year)
        if as_of is not None and self.covered(as_of) < self.days:
            text += f", to date ({self.covered(as_of)} of {self.days} days)"
        return text


def window_of(kind: str, day: date) -> Window:
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Window(kind, start, start + timedelta(days=7))
    if kind == "month":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        return Window(kind, start, end)
    if kind == "half_year":
        start = date(day.year, 1 if day.month <= 6 else 7, 1)
        end = date(day.year, 7, 1) if start.month == 1 else date(day.year + 1, 1, 1)
        return Window(kind, start, end)
    if kind == "year":
        return Window(kind, date(day.year, 1, 1), date(day.year + 1, 1, 1))
    raise ValueError(f"unknown window kind {kind!r}")


def previous(window: Window) -> Window:
    return window_of(window.kind, window.start - timedelta(days=1))


# ---------------------------------------------------------------- small statistics


def wilson(successes: float, n: float, z: float = 1.96) -> tuple[float | None, float | None]:
    """95% Wilson score interval for a share (used for SLA, proactive and overturn bands)."""
    if not n:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def ratio(num: float | None, den: float | None) -> float | None:
    return None if not den or num is None else float(num) / float(den)


# ---------------------------------------------------------------- the data model


@dataclass
class Measure:
    """One value of a tile metric over one window."""

    value: float | None
    lo: float | None = None
    hi: float | None = None
    upper_bound_only: bool = False
    # prevalence cells people must not read as a rate: effective sample below 30, or a stratum
    # with nothing labelled yet (metrics.md, support and non-response)
    suppressed: bool = False
    incomplete: bool = False
    n: float | None = None  # supporting count (reports, appeals, items, samples)
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


@dataclass
class DashboardData:
    as_of: datetime
    source: str
    source_path: Path
    week: Window
    period: Window
    tiles: list[Tile]
    trends: dict[str, Any]
    breakdowns: dict[str, Any]
    breaches: dict[str, Any]
    incidents: dict[str, Any] | None
    freshness: dict[str, Any]
    targets: dict[tuple[str, str], Target]
    targets_source: str
    missing: list[str]

    @property
    def as_of_date(self) -> date:
        return self.as_of.date()


# ---------------------------------------------------------------- as-of and targets

PREV = "marts.fct_spam_prevalence_daily"
ROLLUP = "marts.fct_spam_prevalence_rollup"
UNWANTED = "marts.fct_unwanted_impressions_daily"
REPORT_SLA = "marts.fct_report_sla"
SLA_DAILY = "marts.fct_sla_compliance_daily"
PROACTIVE = "marts.fct_proactive_rate_daily"
APPEALS = "marts.fct_appeals"
ACTIONS = "marts.fct_enforcement_actions"
INCIDENTS = "marts.fct_incidents"
PREV_COUNTRY = "marts.fct_spam_prevalence_by_country"
REQUIRED = (PREV, ROLLUP, UNWANTED, REPORT_SLA, PROACTIVE, APPEALS)


def _as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        # A day's data is complete at the end of that day.
        return datetime(value.year, value.month, value.day, 23, 59, 59)
    return None


def data_as_of(m: Marts) -> datetime:
    """The latest `as_of` the marts state, else the latest day with prevalence or impressions."""
    candidates: list[datetime] = []
    for table in (UNWANTED, REPORT_SLA):
        if m.has(table, "as_of"):
            got = _as_datetime(m.one(f"select max(as_of) as v from {table}").get("v"))
            if got:
                candidates.append(got)
    if not candidates:
        for table in (UNWANTED, PREV):
            if m.has(table, "date_day"):
                got = _as_datetime(m.one(f"select max(date_day) as v from {table}").get("v"))
                if got:
                    candidates.append(got)
    if not candidates:
        raise UserError(
            "the warehouse has no marts with data yet (fct_unwanted_impressions_daily, fct_report_sla, "
            "fct_spam_prevalence_daily): run `integrity build` first"
        )
    return max(candidates)


def load_targets(m: Marts) -> tuple[dict[tuple[str, str], Target], str]:
    for table in ("reference.dashboard_targets", "reference.targets"):
        if m.has(table, "metric", "scope", "target", "red_threshold"):
            return targets_from_rows(m.rows(f"select * from {table}")), table
    return targets_from_csv(), "seeds/dashboard/targets.csv (not yet loaded into the warehouse)"


# ---------------------------------------------------------------- tile measures


def prevalence(m: Marts, window: Window, surface: str = "all") -> Measure:
    if not m.has(ROLLUP, "period_type", "period_start", "surface", "per_10k"):
        return Measure(None)
    row = m.one(
        f"select * from {ROLLUP} where period_type = ? and period_start = ? and surface = ?",
        [window.kind, window.start, surface],
    )
    return _prevalence_measure(row)


def _prevalence_measure(row: dict[str, Any]) -> Measure:
    if row and row.get("is_incomplete"):
        return Measure(None, incomplete=True, n=_f(row.get("labelled_samples")))
    if not row or row.get("per_10k") is None:
        return Measure(None)
    return Measure(
        suppressed=bool(row.get("is_suppressed")),
        value=float(row["per_10k"]),
        lo=_f(row.get("ci_low_per_10k")),
        hi=_f(row.get("ci_high_per_10k")),
        upper_bound_only=bool(row.get("is_upper_bound_only")),
        n=_f(row.get("labelled_samples")),
        extra={
            "violating_samples": row.get("violating_samples"),
            "label_completeness": _f(row.get("label_completeness")),
        },
    )


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def unwanted(m: Marts, window: Window) -> Measure:
    if not m.has(UNWANTED, "date_day", "impressions", "unwanted_impressions"):
        return Measure(None)
    row = m.one(
        f"""select sum(impressions) as impressions, sum(unwanted_impressions) as unwanted,
                   sum(unwanted_before_signal) as before_signal, sum(unwanted_after_signal) as after_signal
            from {UNWANTED} where date_day >= ? and date_day < ?""",
        [window.start, window.end],
    )
    impressions, count = row.get("impressions"), row.get("unwanted")
    rate = ratio(count, impressions)
    return Measure(
        value=None if rate is None else rate * 10_000,
        n=_f(impressions),
        extra={
            "unwanted_impressions": _f(count),
            "impressions": _f(impressions),
            "before_signal": _f(row.get("before_signal")),
            "after_signal": _f(row.get("after_signal")),
        },
    )


def _sla_outcome_sql() -> str:
    # Compliance is compliant / (decided + open past target), as fct_sla_compliance_daily defines
    # it: a report still open past its target is a breach now and is never left out of the rate.
    return """count(*) as reports,
              count(*) filter (where sla_status = 'compliant') as compliant,
              count(*) filter (where sla_status = 'breached') as breached,
              count(*) filter (where sla_status = 'open_breached') as open_breached,
              count(*) filter (where sla_status = 'open_within_target') as open_within_target"""


def _sla_measure(row: dict[str, Any]) -> Measure:
    compliant = row.get("compliant") or 0
    decided = compliant + (row.get("breached") or 0) + (row.get("open_breached") or 0)
    lo, hi = wilson(compliant, decided)
    return Measure(
        value=ratio(compliant, decided),
        lo=lo,
        hi=hi,
        n=float(decided),
        extra={k: row.get(k) for k in ("reports", "compliant", "breached", "open_breached", "open_within_target")},
    )


def sla_scope_of(sla_target_id: str) -> tuple[str, str]:
    """(scope, label) of a published SLA from its id in fct_report_sla.

    The id is `reporter_type/channel/priority/policy_area/valid_from` with `*` for a wildcard; the
    scope drops valid_from (a changed target is the same SLA) and the wildcards:
    `trusted_flagger/*/*/*/2024-01-01` -> `trusted_flagger`, `*/*/*/safety/...` -> `safety`.
    """
    parts = str(sla_target_id).split("/")
    if len(parts) >= 5:
        parts = parts[:4]
    named = [p for p in parts if p and p != "*"]
    scope = "_".join(named) or "default"
    label = " · ".join(p.replace("_", " ") for p in named) or "all reports (default)"
    return scope, label


def sla_scopes(m: Marts) -> list[tuple[str, str, str]]:
    """(scope, label, SQL filter) for each published SLA found in fct_report_sla, by target hours."""
    if not m.has(REPORT_SLA, "sla_status", "is_published_sla", "target_hours"):
        return []
    if m.has(REPORT_SLA, "sla_target_id"):
        found = m.rows(
            f"""select sla_target_id, max(target_hours) as hours from {REPORT_SLA}
                where is_published_sla and sla_target_id is not null group by 1 order by 1"""
        )
        grouped: dict[str, dict[str, Any]] = {}
        for r in found:  # ids sort by valid_from within a scope: the last one is the current target
            scope, label = sla_scope_of(r["sla_target_id"])
            entry = grouped.setdefault(scope, {"label": label, "ids": []})
            entry["ids"].append(str(r["sla_target_id"]))
            entry["hours"] = r["hours"]
        out = []
        for scope, e in sorted(grouped.items(), key=lambda kv: (float(kv[1]["hours"]), kv[0])):
            ids = ", ".join(f"'{_sql_str(i)}'" for i in e["ids"])
            out.append((scope, f"{e['label']} ({_hours(e['hours'])})", f"sla_target_id in ({ids})"))
        return out
    # Without the SLA's id, a published SLA is told apart by reporter type and target hours.
    found = m.rows(
        f"""select reporter_type, target_hours from {REPORT_SLA}
            where is_published_sla group by all order by target_hours, reporter_type"""
    )
    return [
        (
            str(r["reporter_type"]),
            f"{str(r['reporter_type']).replace('_', ' ')} ({_hours(r['target_hours'])})",
            f"reporter_type = '{_sql_str(r['reporter_type'])}' and target_hours = {float(r['target_hours'])}",
        )
        for r in found
    ]


def _sql_str(value: Any) -> str:
    return str(value).replace("'", "''")


def _hours(value: Any) -> str:
    hours = float(value)
    return f"{hours:.0f} h" if hours == int(hours) else f"{hours:g} h"


def sla(m: Marts, window: Window, where: str = "target_hours is not null") -> Measure:
    if not m.has(REPORT_SLA, "received_at", "sla_status"):
        return Measure(None)
    row = m.one(
        f"select {_sla_outcome_sql()} from {REPORT_SLA} where received_at >= ? and received_at < ? and {where}",
        [window.start, window.end],
    )
    return _sla_measure(row)


def proactive(m: Marts, window: Window) -> Measure:
    if not m.has(PROACTIVE, "date_day", "actioned_items", "proactive_items"):
        return Measure(None)
    area_filter = "and policy_area <> 'all'" if m.has(PROACTIVE, "policy_area") else ""
    row = m.one(
        f"""select sum(actioned_items) as actioned, sum(proactive_items) as proactive
            from {PROACTIVE} where date_day >= ? and date_day < ? {area_filter}""",
        [window.start, window.end],
    )
    lo, hi = wilson(row.get("proactive") or 0, row.get("actioned") or 0)
    return Measure(
        ratio(row.get("proactive"), row.get("actioned")), lo, hi, n=_f(row.get("actioned")),
        extra={"proactive_items": _f(row.get("proactive")), "actioned_items": _f(row.get("actioned"))},
    )


def _appeals_resolved_filter(m: Marts) -> str:
    # Resolved as fct_appeal_outcomes_daily counts it (any outcome, `omitted` included).
    if m.has(APPEALS, "is_resolved"):
        return "is_resolved and resolved_at is not null"
    if m.has(APPEALS, "outcome"):
        return "outcome is not null and resolved_at is not null"
    return "resolved_at is not null"


def overturn(m: Marts, window: Window) -> Measure:
    """Share of appeals resolved in the window whose outcome reversed the decision."""
    if not m.has(APPEALS, "resolved_at", "is_reversed"):
        return Measure(None)
    row = m.one(
        f"""select count(*) as resolved, count(*) filter (where is_reversed) as reversed
            from {APPEALS} where {_appeals_resolved_filter(m)} and resolved_at >= ? and resolved_at < ?""",
        [window.start, window.end],
    )
    lo, hi = wilson(row.get("reversed") or 0, row.get("resolved") or 0)
    return Measure(
        ratio(row.get("reversed"), row.get("resolved")), lo, hi, n=_f(row.get("resolved")),
        extra={"reversed": row.get("reversed"), "resolved": row.get("resolved")},
    )


def weeks_back(week: Window, count: int) -> list[Window]:
    return [window_of("week", week.start - timedelta(days=7 * i)) for i in range(count - 1, -1, -1)]


def build_tiles(
    m: Marts, week: Window, period: Window, targets: dict[tuple[str, str], Target], spark_weeks: int = 8
) -> list[Tile]:
    windows = (week, previous(week), period, previous(period))
    history = weeks_back(week, spark_weeks)

    def make(
        key: str, label: str, metric: str, scope: str, unit: str, fn: Callable[[Window], Measure], note: str = ""
    ) -> Tile:
        w, pw, p, pp = (fn(x) for x in windows)
        spark = [fn(x) for x in history]
        return Tile(
            key, label, metric, scope, unit, w, pw, p, pp, find_target(targets, metric, scope),
            [None if s.value is None else (s.hi if s.upper_bound_only else s.value) for s in spark], note,
        )

    tiles = [
        make(
            "spam_prevalence", "Spam prevalence", "spam_prevalence_per_10k", "all", "per_10k",
            lambda w: prevalence(m, w),
            "impression-weighted, all surfaces, pooled samples; 95% interval",
        ),
        make(
            "unwanted_impressions", "Unwanted impressions", "unwanted_impressions_per_10k", "all", "per_10k",
            lambda w: unwanted(m, w),
            "spam impressions before action; grows for past days as later actions land",
        ),
        make(
            "sla_overall", "SLA compliance, all reports", "sla_compliance", "overall", "share",
            lambda w: sla(m, w),
            "reports received in the window and decided: share decided within target",
        ),
    ]
    for scope, label, where in sla_scopes(m):
        tiles.append(
            make(
                f"sla_{scope}", label, "sla_compliance", scope, "share",
                lambda w, where=where: sla(m, w, f"is_published_sla and {where}"), "published SLA",
            )
        )
    tiles += [
        make(
            "proactive_rate", "Proactive rate", "proactive_rate", "all", "share",
            lambda w: proactive(m, w), "items actioned before any external report",
        ),
        make(
            "appeal_overturn_rate", "Appeal overturn rate", "appeal_overturn_rate", "all", "share",
            lambda w: overturn(m, w), "appeals resolved in the window that reversed the decision",
        ),
    ]
    return tiles


# ---------------------------------------------------------------- trends and breakdowns


def trends(m: Marts, as_of: date, days: int) -> dict[str, Any]:
    start = as_of - timedelta(days=days - 1)
    end = as_of + timedelta(days=1)
    firsts = [
        m.one(f"select min(date_day) as d from {t}").get("d") for t in (PREV, UNWANTED) if m.has(t, "date_day")
    ]
    firsts = [d for d in firsts if d is not None]
    if firsts:  # no axis running over weeks before the data begins
        start = max(start, min(firsts))
    out: dict[str, Any] = {"start": start, "end": as_of}
    if m.has(PREV, "date_day", "surface", "per_10k"):
        out["prevalence_daily"] = m.rows(
            f"""select date_day, per_10k, ci_low_per_10k, ci_high_per_10k, is_upper_bound_only, is_suppressed, is_incomplete,
                       label_completeness, labelled_samples, violating_samples
                from {PREV} where surface = 'all' and date_day >= ? and date_day < ? order by date_day""",
            [start, end],
        )
    if m.has(ROLLUP, "period_type", "period_start", "surface"):
        out["prevalence_weekly"] = m.rows(
            f"""select period_start as date_day, per_10k, ci_low_per_10k, ci_high_per_10k, is_upper_bound_only, is_suppressed, is_incomplete,
                       labelled_samples, violating_samples
                from {ROLLUP} where period_type = 'week' and surface = 'all'
                  and period_start >= ? and period_start < ? order by period_start""",
            [start - timedelta(days=6), end],
        )
    if m.has(UNWANTED, "date_day", "unwanted_impressions"):
        out["unwanted_daily"] = m.rows(
            f"""select date_day, sum(impressions) as impressions, sum(unwanted_impressions) as unwanted,
                       sum(unwanted_before_signal) as before_signal, sum(unwanted_after_signal) as after_signal
                from {UNWANTED} where date_day >= ? and date_day < ? group by date_day order by date_day""",
            [start, end],
        )
    if m.has(REPORT_SLA, "received_at", "sla_status"):
        out["sla_daily"] = m.rows(
            f"""select cast(received_at as date) as date_day, {_sla_outcome_sql()}
                from {REPORT_SLA} where received_at >= ? and received_at < ? and target_hours is not null
                group by 1 order by 1""",
            [start, end],
        )
    if m.has(SLA_DAILY, "date_day", "open_lt_1h"):
        out["backlog_daily"] = m.rows(
            f"""select date_day, sum(open_lt_1h) as "< 1 h", sum(open_1h_4h) as "1–4 h",
                       sum(open_4h_24h) as "4–24 h", sum(open_1d_3d) as "1–3 d",
                       sum(open_3d_7d) as "3–7 d", sum(open_gt_7d) as "> 7 d"
                from {SLA_DAILY} where date_day >= ? and date_day < ? group by date_day order by date_day""",
            [start, end],
        )
    if m.has(PROACTIVE, "date_day", "actioned_items"):
        area_filter = "and policy_area <> 'all'" if m.has(PROACTIVE, "policy_area") else ""
        # Weekly: a day's actioned items are too few for a readable rate.
        out["proactive_weekly"] = m.rows(
            f"""select date_trunc('week', date_day)::date as date_day, sum(actioned_items) as actioned,
                       sum(proactive_items) as proactive
                from {PROACTIVE} where date_day >= ? and date_day < ? {area_filter}
                group by 1 order by 1""",
            [start - timedelta(days=start.weekday()), end],
        )
    if m.has(APPEALS, "resolved_at", "is_reversed"):
        out["overturn_weekly"] = m.rows(
            f"""select date_trunc('week', resolved_at)::date as date_day, count(*) as resolved,
                       count(*) filter (where is_reversed) as reversed
                from {APPEALS} where {_appeals_resolved_filter(m)} and resolved_at >= ? and resolved_at < ?
                group by 1 order by 1""",
            [start - timedelta(days=start.weekday()), end],
        )
    return out


def breakdowns(m: Marts, window: Window, top_countries: int = 12) -> dict[str, Any]:
    out: dict[str, Any] = {"window": window}
    if m.has(ROLLUP, "period_type", "surface"):
        out["prevalence_by_surface"] = m.rows(
            f"""select surface, per_10k, ci_low_per_10k, ci_high_per_10k, is_upper_bound_only, is_suppressed,
                       is_incomplete, labelled_samples
                from {ROLLUP} where period_type = ? and period_start = ? and surface <> 'all'
                order by per_10k desc nulls last""",
            [window.kind, window.start],
        )
    if m.has(PREV_COUNTRY, "period_type", "country") and window.kind in PERIOD_TYPES:
        # The countries with the most labelled samples: small cells only support an upper bound.
        rows = m.rows(
            f"""select country, per_10k, ci_low_per_10k, ci_high_per_10k, is_upper_bound_only, is_suppressed,
                       is_incomplete, labelled_samples
                from {PREV_COUNTRY} where period_type = ? and period_start = ?
                order by labelled_samples desc, country limit ?""",
            [window.kind, window.start, top_countries],
        )
        out["prevalence_by_country"] = sorted(rows, key=lambda r: (-(r["per_10k"] or 0), r["country"]))
    if m.has(UNWANTED, "surface", "country"):
        for dim, limit in (("surface", None), ("country", top_countries)):
            rows = m.rows(
                f"""select {dim} as label, sum(impressions) as impressions, sum(unwanted_impressions) as unwanted
                    from {UNWANTED} where date_day >= ? and date_day < ? group by 1
                    order by unwanted desc nulls last, label""",
                [window.start, window.end],
            )
            out[f"unwanted_by_{dim}"] = rows[:limit] if limit else rows
            out[f"unwanted_by_{dim}_total"] = len(rows)
    if m.has(REPORT_SLA, "received_at", "sla_status"):
        for dim in ("queue", "vendor", "reporter_type"):
            if m.has(REPORT_SLA, dim):
                out[f"sla_by_{dim}"] = m.rows(
                    f"""select coalesce({dim}, '(none)') as label, {_sla_outcome_sql()}
                        from {REPORT_SLA} where received_at >= ? and received_at < ? and target_hours is not null
                        group by 1 order by reports desc, label""",
                    [window.start, window.end],
                )
    return out


BREACH_COLUMNS = (
    "report_id", "received_at", "reporter_type", "channel", "priority", "policy_area", "queue", "vendor",
    "is_dsa_notice", "target_hours",
)


def open_breaches(m: Marts, as_of: datetime, limit: int = 30) -> dict[str, Any]:
    if not m.has(REPORT_SLA, "sla_status", "received_at", "target_hours"):
        return {"available": False}
    cols = [c for c in BREACH_COLUMNS if m.has(REPORT_SLA, c)]
    as_of_expr = "as_of" if m.has(REPORT_SLA, "as_of") else "?::timestamp"
    params: list[Any] = [] if m.has(REPORT_SLA, "as_of") else [as_of]
    rows = m.rows(
        f"""select {", ".join(cols)},
                   date_diff('second', received_at, {as_of_expr}) / 3600.0 as age_hours
            from {REPORT_SLA} where sla_status = 'open_breached'""",
        params,
    )
    for r in rows:
        r["overdue_hours"] = r["age_hours"] - float(r["target_hours"])
    rows.sort(key=lambda r: (-r["overdue_hours"], str(r.get("report_id"))))
    by_reporter: dict[str, int] = {}
    for r in rows:
        key = str(r.get("reporter_type") or "(none)")
        by_reporter[key] = by_reporter.get(key, 0) + 1
    return {"available": True, "total": len(rows), "rows": rows[:limit], "columns": cols, "by_reporter": by_reporter}


INCIDENT_COLUMNS = (
    "status", "incident_type", "series_type", "series_key", "link_domains", "first_seen_at", "last_activity_at",
    "first_action_at", "anomaly_days", "peak_score", "items", "accounts", "actioned_items", "impressions",
)


def incidents(m: Marts, as_of: datetime, days: int = 7, limit: int = 25) -> dict[str, Any] | None:
    """Current incidents when the operations mart exists (None hides the section): every incident
    still active, and those with activity in the last `days` days; active first, highest score first."""
    if not m.has(INCIDENTS):
        return None
    present = m.columns(INCIDENTS)
    cols = [c for c in INCIDENT_COLUMNS if c in present]
    if len(cols) < 4:  # an unfamiliar shape: show what it has, minus anything personal
        hidden = ("top_items", "top_contributors", "incident_id")
        cols = [c for c in present if not PERSONAL_COLUMN.search(c) and c not in hidden]
    where, params, order = [], [], []
    if "status" in present:
        order.append("status = 'active' desc")
    recent = next((c for c in ("last_activity_at", "date_day", "detected_at", "first_seen_at") if c in present), None)
    if recent:
        since = as_of - timedelta(days=days)
        where.append(f"({recent} >= ?" + (" or status = 'active')" if "status" in present else ")"))
        params.append(since)
    score = next((c for c in ("peak_score", "score", "robust_score") if c in present), None)
    if score:
        order.append(f"{score} desc nulls last")
    select = ", ".join(f'"{c}"' for c in cols)
    sql = f"select {select} from {INCIDENTS}"
    if where:
        sql += " where " + " and ".join(where)
    if order:
        sql += " order by " + ", ".join(order)
    rows = m.rows(sql, params)
    for r in rows:
        for k, v in r.items():
            if isinstance(v, str):
                r[k] = PSEUDONYM.sub("(pseudonymised)", v)
            elif isinstance(v, list):
                r[k] = [PSEUDONYM.sub("(pseudonymised)", x) if isinstance(x, str) else x for x in v]
    active = sum(1 for r in rows if r.get("status") == "active")
    return {"columns": cols, "rows": rows[:limit], "total": len(rows), "active": active, "days": days}


# ---------------------------------------------------------------- freshness

# Where each feed's latest data shows in the marts, when the published copy has no load report.
FEED_SIGNALS: tuple[tuple[str, str, str], ...] = (
    ("impressions", UNWANTED, "max(date_day)"),
    ("prevalence_samples", PREV, "max(date_day)"),
    ("reports", REPORT_SLA, "max(received_at)"),
    ("review_events", REPORT_SLA, "max(first_decision_at)"),
    ("enforcement_actions", ACTIONS, "max(decided_at)"),
    ("appeals", APPEALS, "greatest(max(filed_at), max(resolved_at))"),
    ("rule_hits", "marts.fct_rule_performance_daily", "max(date_day)"),
    ("content", "marts.dim_content", "max(created_at)"),
)
FEEDS_WITHOUT_MART_SIGNAL = ("accounts", "qa_audits", "moderators", "monthly_active_recipients")


def freshness(m: Marts, as_of: datetime) -> dict[str, Any]:
    recon = next(
        (t for t in ("quarantine.rpt_load_reconciliation", "marts.rpt_load_reconciliation") if m.has(t, "feed")),
        None,
    )
    if recon:
        cols = m.columns(recon)
        day = next((c for c in ("delivered_dt", "_delivered_dt", "delivery_day", "date_day") if c in cols), None)
        measures = [
            c for c in ("files", "unreadable_files", "raw_records", "clean", "quarantined", "duplicates") if c in cols
        ]
        if day:
            sums = "".join(f", sum({c}) filter (where {day} = last_day) as {c}" for c in measures)
            rows = m.rows(
                f"""with r as (select *, max({day}) over (partition by feed) as last_day from {recon})
                    select feed, max({day}) as latest {sums} from r group by feed order by feed"""
            )
            return {"source": recon, "rows": _with_lag(rows, as_of), "measures": measures, "unknown": []}
    rows = []
    for feed, table, expr in FEED_SIGNALS:
        col = re.findall(r"max\((\w+)\)", expr)
        if m.has(table, *col):
            latest = m.one(f"select {expr} as latest from {table}").get("latest")
            rows.append({"feed": feed, "latest": latest, "from": f"{table.split('.')[1]}.{', '.join(col)}"})
    unknown = [f for f, t, e in FEED_SIGNALS if f not in {r["feed"] for r in rows}] + list(FEEDS_WITHOUT_MART_SIGNAL)
    return {"source": "latest event in the marts", "rows": _with_lag(rows, as_of), "measures": [], "unknown": unknown}


def _with_lag(rows: list[dict[str, Any]], as_of: datetime) -> list[dict[str, Any]]:
    for r in rows:
        latest = _as_datetime(r.get("latest"))
        r["lag_days"] = None if latest is None else max((as_of.date() - latest.date()).days, 0)
    return rows


# ---------------------------------------------------------------- everything


def load(paths: DataPaths, *, period_type: str = "month", trend_days: int = 91) -> DashboardData:
    if period_type not in PERIOD_TYPES:
        raise UserError(f"--period must be one of {', '.join(PERIOD_TYPES)}, not {period_type!r}")
    with open_warehouse(paths) as (con, source, path):
        m = Marts(con)
        missing = [t.split(".")[1] for t in REQUIRED if not m.has(t)]
        as_of = data_as_of(m)
        as_of_day = as_of.date()
        week, period = window_of("week", as_of_day), window_of(period_type, as_of_day)
        targets, targets_source = load_targets(m)
        return DashboardData(
            as_of=as_of,
            source=source,
            source_path=path,
            week=week,
            period=period,
            tiles=build_tiles(m, week, period, targets),
            trends=trends(m, as_of_day, trend_days),
            breakdowns=breakdowns(m, period),
            breaches=open_breaches(m, as_of),
            incidents=incidents(m, as_of),
            freshness=freshness(m, as_of),
            targets=targets,
            targets_source=targets_source,
            missing=missing,
        )
