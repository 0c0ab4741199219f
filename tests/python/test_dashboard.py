"""Leadership dashboard: status rules, charts, pages built from small warehouses, and the rule that
the dashboard's Python computes no statistic.

`small_warehouse` writes a DuckDB file with the marts' shapes (columns as in models/marts/*.sql)
and hand-chosen values, then builds the dashboard models (models/marts/dashboard/) on it from their
SQL as dbt compiled it (`$DBT_TARGET_PATH/compiled`), so every tile can be recomputed here from the
marts independently of the dashboard code. One test builds on the simulated xs warehouse (conftest)
against the real marts.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import duckdb
import jinja2
import pytest
from helpers_warehouse import built_manifest_path, skip_or_fail

from orchestration.dashboard import charts
from orchestration.dashboard import data as dashboard_data
from orchestration.dashboard.build import build_dashboard
from orchestration.dashboard.data import PSEUDONYM
from orchestration.dashboard.render import fmt_change
from orchestration.dashboard.status import AMBER, GREEN, NONE, RED, TARGETS_CSV, find_target, targets_from_csv
from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, data_paths

AS_OF = datetime(2026, 10, 31, 18, 0, 0)
START = date(2026, 9, 1)
SURFACES = ("home", "search", "radio")
COUNTRIES = ("DE", "FR", "SE", "PL")
DASHBOARD = PROJECT_DIR / "orchestration" / "dashboard"


# ---------------------------------------------------------------- status rules (macro dashboard_status)


def rag(value: float | None, target: tuple[str, float, float] | None, *, upper_bound_only: bool = False) -> str:
    """The status the macro dashboard_status gives, evaluated in DuckDB (the rule lives in SQL)."""
    source = (PROJECT_DIR / "macros" / "metrics" / "dashboard_status.sql").read_text()
    macro = jinja2.Environment().from_string(source).module.dashboard_status  # type: ignore[attr-defined]
    sql = macro("v", "t", "r", "d", "u")
    direction, goal, red = target if target else (None, None, None)
    con = duckdb.connect()
    got = con.execute(
        f"select {sql} from (select ?::double as v, ?::double as t, ?::double as r, ?::varchar as d, ?::boolean as u)",
        [value, goal, red, direction, upper_bound_only],
    ).fetchone()[0]
    con.close()
    return got


LOWER, HIGHER = "lower_is_better", "higher_is_better"


def _rt(t: object) -> tuple[str, float, float]:
    return (t.direction, t.target, t.red_threshold)  # type: ignore[attr-defined]


def test_rag_lower_is_better_edges() -> None:
    t = (LOWER, 10, 20)
    assert rag(10, t) == GREEN  # at the target is on target
    assert rag(10.01, t) == AMBER
    assert rag(20, t) == AMBER  # at the red threshold is not yet red
    assert rag(20.01, t) == RED
    assert rag(None, t) == NONE
    assert rag(5, None) == NONE


def test_rag_higher_is_better_edges() -> None:
    t = (HIGHER, 0.95, 0.90)
    assert rag(0.95, t) == GREEN
    assert rag(0.93, t) == AMBER
    assert rag(0.90, t) == AMBER
    assert rag(0.8999, t) == RED


def test_upper_bound_only_is_green_or_at_worst_amber() -> None:
    t = (LOWER, 10, 20)
    assert rag(8, t, upper_bound_only=True) == GREEN  # "≤ 8" proves the target is met
    assert rag(50, t, upper_bound_only=True) == AMBER  # "≤ 50" proves nothing bad


def _change(delta: float | None, relative: float | None, flat: bool) -> dict[str, object]:
    return {"change_delta": delta, "change_relative": relative, "is_change_flat": flat}


def test_change_is_formatted_from_the_model() -> None:
    # fct_dashboard_tiles gives the delta, the relative change and whether it is flat; render formats.
    assert fmt_change(_change(-0.02, -0.0210526, False), "share") == "▼ 2.0 pp"
    assert fmt_change(_change(2.0, 0.2, False), "per_10k") == "▲ 20%"
    assert fmt_change(_change(0.5, 0.05, False), "per_10k") == "▲ 5.0%"
    assert fmt_change(_change(None, None, True), "share") == "n/a"
    assert fmt_change(_change(3.0, None, False), "per_10k") == "▲ 3.0"
    assert fmt_change(_change(0.0001, 0.001, True), "share") == "■ 0.0 pp"


def test_targets_seed_is_valid_and_has_every_tile_metric() -> None:
    targets = targets_from_csv(TARGETS_CSV)
    for metric, scope in (
        ("spam_prevalence_per_10k", "all"),
        ("unwanted_impressions_per_10k", "all"),
        ("sla_compliance", "overall"),
        ("proactive_rate", "all"),
        ("appeal_overturn_rate", "all"),
    ):
        assert (metric, scope) in targets
    for t in targets.values():
        # green must be reachable before red
        assert (t.target <= t.red_threshold) if t.lower_is_better else (t.target >= t.red_threshold)
    assert find_target(targets, "sla_compliance", "some_new_sla") == targets[("sla_compliance", "*")]
    assert find_target(targets, "sla_compliance", "trusted_flagger") == targets[("sla_compliance", "trusted_flagger")]


# ---------------------------------------------------------------- charts


def test_time_chart_draws_band_line_and_targets() -> None:
    pts = [charts.Point(date(2026, 10, d), 5.0 + d % 3, 3.0, 9.0) for d in range(1, 15)]
    svg = charts.time_chart("c1", "Prevalence", [("all", pts)], target=6.0, red_threshold=8.0)
    assert svg.startswith('<svg class="chart" id="c1"') and svg.endswith("</svg>")
    assert 'class="band"' in svg and 'class="line"' in svg and svg.count('class="mark"') == 14
    assert svg.count('class="ref"') == 2 and 'data-empty="false"' in svg


def test_chart_without_data_says_so() -> None:
    svg = charts.time_chart("c2", "Nothing", [("all", [])])
    assert 'data-empty="true"' in svg and "no data" in svg
    assert 'data-empty="true"' in charts.bar_chart("c3", "Nothing", [])


def test_bar_chart_shows_upper_bound_as_le() -> None:
    svg = charts.bar_chart(
        "c4", "By surface",
        [charts.Bar("home", 2.0, 1.0, 3.0), charts.Bar("radio", 0.5, 0.0, 7.5, hollow=True)],
    )
    assert "≤ 7.5" in svg and svg.count('class="mark"') == 2


def test_stacked_bars_sum_per_day() -> None:
    a = [charts.Point(date(2026, 10, d), 10.0) for d in (1, 2)]
    b = [charts.Point(date(2026, 10, d), 5.0) for d in (1, 2)]
    svg = charts.time_chart("c5", "Stacked", [("a", a), ("b", b)], stacked_bars=True)
    assert svg.count('class="mark"') == 4 and "2026-10-01 · b: 5" in svg


# ---------------------------------------------------------------- a small warehouse


def make_small_warehouse(path: Path, *, as_of: datetime = AS_OF) -> Path:
    """Marts with the real column names and deterministic values (Sep 1 – Oct 31 2026)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema reference")
    con.execute(f"create table reference.dashboard_targets as select * from read_csv('{TARGETS_CSV}', header=true)")
    params = {"start": START, "end": as_of.date(), "as_of": as_of}
    con.execute(
        """
        create table days as select d::date as date_day from range($start::date, $end::date + 1, interval 1 day) t(d)
        """,
        {"start": params["start"], "end": params["end"]},
    )
    # Prevalence: per 10k between 10 and 30; few violating samples on 'radio' (upper bound only).
    measures = """
        labelled_samples, violating_samples, 3 as unlabelable_samples, 0 as pending_samples,
        0.97 as label_completeness, per_10k / 10000 as prevalence, ci_low_per_10k / 10000 as ci_low,
        ci_high_per_10k / 10000 as ci_high, labelled_samples * 0.8 as n_eff, labelled_samples * 50.0 as sum_weights,
        per_10k, ci_low_per_10k, ci_high_per_10k, violating_samples < 10 as is_upper_bound_only,
        labelled_samples * 0.8 < 30 as is_suppressed, false as is_incomplete
    """
    con.execute(
        f"""
        create table marts.fct_spam_prevalence_daily as
        with cells as (
            select date_day, surface, 200 + (hash(date_day, surface) % 50)::int as labelled_samples,
                   case when surface = 'radio' then 3 else 12 + (hash(surface, date_day) % 10)::int end
                       as violating_samples,
                   round(10 + (hash(date_day) % 2000) / 100.0, 4) as per_10k
            from days cross join (select unnest(['all', 'home', 'search', 'radio']) as surface)
        ),
        banded as (
            select *, round(per_10k * 0.6, 4) as ci_low_per_10k, round(per_10k * 1.5, 4) as ci_high_per_10k
            from cells
        )
        select date_day, surface, {measures} from banded
        """
    )
    con.execute(
        f"""
        create table marts.fct_spam_prevalence_rollup as
        with periods as (
            select distinct 'week' as period_type, date_trunc('week', date_day)::date as period_start from days
            union all select distinct 'month', date_trunc('month', date_day)::date from days
            union all select distinct 'half_year', make_date(year(date_day), case when month(date_day) <= 6 then 1 else 7 end, 1) from days
            union all select distinct 'year', date_trunc('year', date_day)::date from days
        ),
        cells as (
            select period_type, period_start, surface,
                   1000 + (hash(period_start, surface, period_type) % 500)::int as labelled_samples,
                   case when surface = 'radio' then 4 else 40 + (hash(period_type, period_start) % 20)::int end
                       as violating_samples,
                   round(12 + (hash(period_start, period_type, surface) % 1500) / 100.0, 4) as per_10k
            from periods cross join (select unnest(['all', 'home', 'search', 'radio']) as surface)
        ),
        banded as (
            select *, round(per_10k * 0.8, 4) as ci_low_per_10k, round(per_10k * 1.25, 4) as ci_high_per_10k
            from cells
        )
        select period_type, period_start, period_start as period_end, surface, 5 as days_with_samples, {measures}
        from banded
        """
    )
    con.execute(
        """
        create table marts.fct_spam_prevalence_by_country as
        select r.period_type, r.period_start, r.period_end, c.country,
               r.* exclude (period_type, period_start, period_end, surface, days_with_samples)
        from marts.fct_spam_prevalence_rollup r
        cross join (select unnest(['DE', 'FR', 'SE', 'PL']) as country) c
        where r.surface = 'all' and r.period_type <> 'week'
        """
    )
    con.execute(
        """
        create table marts.fct_unwanted_impressions_daily as
        with cells as (
            select date_day, surface, country,
                   (100000 + hash(date_day, surface, country) % 50000)::bigint as impressions
            from days
            cross join (select unnest(['home', 'search', 'radio']) as surface)
            cross join (select unnest(['DE', 'FR', 'SE', 'PL']) as country)
        )
        select date_day, surface, country, impressions,
               (impressions // 1000 + hash(country) % 40)::bigint as unwanted_impressions,
               (impressions // 2000)::bigint as unwanted_before_signal,
               (impressions // 1000 + hash(country) % 40 - impressions // 2000)::bigint as unwanted_after_signal,
               $as_of::timestamp as as_of
        from cells
        """,
        {"as_of": as_of},
    )
    # Reports: 40 a day, statuses decided by a hash; 'open_*' only in the last days.
    con.execute(
        """
        create table marts.fct_report_sla as
        with reports as (
            select 'r-' || lpad(i::varchar, 6, '0') as report_id, i,
                   $start::timestamp + to_seconds(i * 1300) as received_at
            from range(0, 4000) t(i)
        ),
        shaped as (
            select *,
                   ['user', 'trusted_flagger', 'authority', 'user', 'internal'][1 + i % 5] as reporter_type,
                   ['spam', 'safety', 'ip'][1 + i % 3] as policy_area,
                   ['spam_queue', 'safety_queue', 'legal_queue'][1 + (i // 7) % 3] as queue,
                   ['vendor_a', 'vendor_b'][1 + i % 2] as vendor,
                   hash(report_id) % 100 as roll
            from reports where received_at <= $as_of::timestamp
        ),
        targeted as (
            select *,
                   -- ids as int_reports_sla_targets_matched writes them; the user target changed on Oct 1
                   case reporter_type
                        when 'user' then 'user/*/*/*/' || if(received_at < '2026-10-01', '2024-01-01', '2026-10-01')
                        when 'trusted_flagger' then 'trusted_flagger/*/*/*/2024-01-01'
                        when 'authority' then 'authority/authority_portal/*/*/2024-01-01'
                        else 'internal/escalation/P1/*/2024-01-01' end as sla_target_id,
                   case when reporter_type = 'user' and received_at < '2026-10-01' then 48.0
                        when reporter_type = 'internal' then 72.0 else 24.0 end as target_hours,
                   reporter_type <> 'internal' as is_published_sla,
                   case when roll < 85 then roll % 20 + 1.0 when roll < 92 then 100.0 else null end as hours_taken
            from shaped
        ),
        decided as (
            select *,
                   case when hours_taken is not null
                             and received_at + to_seconds((hours_taken * 3600)::bigint) <= $as_of::timestamp
                        then received_at + to_seconds((hours_taken * 3600)::bigint) end as first_decision_at,
                   epoch($as_of::timestamp - received_at) / 3600.0 as age_hours
            from targeted
        )
        select report_id, 'content' as target_type, 'p_0123456789abcdef0123' as target_id, reporter_type,
               'form' as channel, null::varchar as priority, 'spam_links' as reason_code, policy_area, queue,
               vendor, 'DE' as country, reporter_type = 'authority' as is_dsa_notice, sla_target_id,
               target_hours, is_published_sla, 'review' as decided_by, received_at,
               received_at::date as received_date, first_decision_at, first_decision_at as first_action_at,
               epoch(first_decision_at - received_at) / 3600.0 as hours_to_decision,
               epoch(first_decision_at - received_at) / 3600.0 as hours_to_action,
               case when first_decision_at is null then age_hours end as open_hours,
               case when first_decision_at is not null and epoch(first_decision_at - received_at) / 3600.0 <= target_hours
                        then 'compliant'
                    when first_decision_at is not null then 'breached'
                    when age_hours > target_hours then 'open_breached'
                    else 'open_within_target' end as sla_status,
               false as is_breach, $as_of::timestamp as as_of
        from decided
        """,
        {"start": START, "as_of": as_of},
    )
    con.execute(
        """
        create table marts.fct_sla_compliance_daily as
        select received_date as date_day, reporter_type, channel, queue, count(*) as reports,
               count(first_decision_at) as decided, count(*) filter (where sla_status = 'compliant') as compliant,
               count(*) filter (where sla_status like '%breached') as breached, 0.9 as compliance_rate,
               1.0 as p50_hours, 2.0 as p90_hours, 3.0 as max_hours, 1 as open_lt_1h, 2 as open_1h_4h,
               0 as open_4h_24h, 1 as open_1d_3d, 0 as open_3d_7d, 0 as open_gt_7d,
               count(*) filter (where sla_status = 'open_breached') as open_breaches
        from marts.fct_report_sla group by all
        """
    )
    con.execute(
        """
        create table marts.fct_proactive_rate_daily as
        select date_day, policy_area, actioned_items, (actioned_items * (60 + hash(date_day) % 35) // 100)::bigint
               as proactive_items, 0.0 as proactive_rate
        from (select date_day, policy_area, (20 + hash(date_day, policy_area) % 30)::bigint as actioned_items
              from days cross join (select unnest(['spam', 'safety']) as policy_area))
        """
    )
    con.execute("update marts.fct_proactive_rate_daily set proactive_rate = proactive_items / actioned_items")
    con.execute(
        """
        create table marts.fct_enforcement_actions as
        select 'a-' || i as action_id, $start::timestamp + to_seconds(i * 5000) as decided_at,
               $start::timestamp + to_seconds(i * 5000) as effective_at, 'remove' as action_type
        from range(0, 1000) t(i) where $start::timestamp + to_seconds(i * 5000) <= $as_of::timestamp
        """,
        {"start": START, "as_of": as_of},
    )
    con.execute(
        """
        create table marts.fct_appeals as
        select 'ap-' || i as appeal_id, 'a-' || i as action_id, 'internal' as route,
               case when i % 9 = 0 then null when i % 4 = 0 then 'reversed' when i % 13 = 0 then 'omitted'
                    else 'upheld' end as outcome,
               i % 9 <> 0 as is_resolved, i % 9 <> 0 and i % 4 = 0 as is_reversed,
               $start::timestamp + to_seconds(i * 6000) as filed_at,
               case when i % 9 <> 0 then $start::timestamp + to_seconds(i * 6000 + 86400) end as resolved_at,
               24.0 as hours_to_resolve
        from range(0, 900) t(i) where $start::timestamp + to_seconds(i * 6000 + 86400) <= $as_of::timestamp
        """,
        {"start": START, "as_of": as_of},
    )
    # No incident yet (test_incidents_section_lists_current_incidents adds some), and the load
    # reconciliation the freshness section reads: reports delivered up to the as-of day, impressions
    # two days behind, moderators on the first of the month.
    con.execute(
        """
        create table marts.fct_incidents (incident_id varchar, incident_type varchar, series_type varchar,
            series_key varchar, link_domains varchar[], first_seen_at timestamp, first_activity_at timestamp,
            last_activity_at timestamp, first_action_at timestamp, items bigint, accounts bigint,
            actioned_items bigint, impressions bigint, anomaly_days integer, peak_score decimal(18, 8),
            status varchar, top_contributors varchar[])
        """
    )
    con.execute("create schema quarantine")
    con.execute(
        """
        create table quarantine.rpt_load_reconciliation as
        select feed, delivered_dt::date as delivered_dt, 1::bigint as files, 0::bigint as empty_files,
               0::bigint as unreadable_files, 10::bigint as raw_records, 9::bigint as clean,
               1::bigint as quarantined, 0::bigint as duplicates, 0::bigint as superseded, 0::bigint as held
        from (values ('reports', $as_of::date), ('reports', $as_of::date - 1), ('impressions', $as_of::date - 2),
                     ('moderators', date_trunc('month', $as_of::date)::date)) t(feed, delivered_dt)
        """,
        {"as_of": as_of},
    )
    con.close()
    build_dashboard_models(path)
    return path


def _compiled_dashboard_models() -> list[tuple[str, str, str]]:
    """(schema, name, SQL) of the dashboard models in build order, as dbt compiled them."""
    manifest = json.loads(built_manifest_path().read_text())
    target = Path(os.environ["DBT_TARGET_PATH"])
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n.get("resource_type") == "model"}
    out = []
    first = ("int_dashboard_windows", "dim_dashboard_target")
    for name in (*first, *(m for m in dashboard_data.MODELS if m not in first)):
        node = nodes[name]
        compiled = target / "compiled" / node["package_name"] / node["original_file_path"]
        if not compiled.exists():
            message = f"{compiled} is missing: build the project (`integrity build`) with DBT_TARGET_PATH={target}"
            skip_or_fail(message)
        out.append((node["schema"], name, compiled.read_text()))
    return out


def build_dashboard_models(path: Path) -> None:
    """(Re)build the dashboard models over a hand-made warehouse (file name warehouse.duckdb, the
    catalog the compiled SQL names), as `dbt build` would over the real marts."""
    assert path.name == "warehouse.duckdb"
    con = duckdb.connect(str(path))
    for schema, name, sql in _compiled_dashboard_models():
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create or replace table {schema}.{name} as {sql}")
    con.close()


@pytest.fixture
def small_data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    make_small_warehouse(root / "published" / "warehouse.duckdb")
    return root


class _Tiles(HTMLParser):
    """Collects each tile's text and data attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tiles: dict[str, dict[str, object]] = {}
        self._current: str | None = None
        self._tag = "div"
        self._depth = 0
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for attr in ("src", "href"):
            if a.get(attr):
                self.srcs.append(f"{tag}[{attr}]={a[attr]}")
        if tag in ("div", "tr") and "data-tile" in a:
            self._current, self._tag = a["data-tile"], tag
            self._depth = 0
            self.tiles[self._current] = {"status": a["data-status"], "text": "", "attrs": []}
        if self._current and tag == self._tag:
            self._depth += 1
        if self._current:
            self.tiles[self._current]["attrs"].append(a)  # type: ignore[union-attr]

    def handle_endtag(self, tag: str) -> None:
        if self._current and tag == self._tag:
            self._depth -= 1
            if self._depth == 0:
                self._current = None

    def handle_data(self, data: str) -> None:
        if self._current:
            self.tiles[self._current]["text"] += data  # type: ignore[operator]


def parse(html: str) -> _Tiles:
    p = _Tiles()
    p.feed(html)
    return p


def tile_attr(tile: dict[str, object], name: str) -> str:
    return next(a[name] for a in tile["attrs"] if name in a)  # type: ignore[union-attr]


def value_text(html: str, key: str) -> str:
    """The big number of a tile, as displayed."""
    found = re.search(rf'data-tile="{key}".*?<div class="value"[^>]*>(.*?)<span', html, re.S)
    assert found, key
    return found.group(1)


def summary(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1).replace("<\\/", "</"))


# ---------------------------------------------------------------- building pages


def test_builds_index_and_dated_copy(small_data: Path) -> None:
    index = build_dashboard(data_paths(small_data))
    assert index == small_data / "dashboard" / "index.html"
    dated = small_data / "dashboard" / "2026-10-31.html"
    assert dated.read_text() == index.read_text()
    html = index.read_text()
    assert "Data as of" in html and "2026-10-31 18:00 UTC" in html
    assert "published warehouse" in html


def test_tile_values_equal_the_marts(small_data: Path) -> None:
    html = build_dashboard(data_paths(small_data)).read_text()
    tiles = parse(html).tiles
    con = duckdb.connect(str(small_data / "published" / "warehouse.duckdb"), read_only=True)
    week_start, week_end = date(2026, 10, 26), date(2026, 11, 2)

    per_10k, lo, hi = con.execute(
        "select per_10k, ci_low_per_10k, ci_high_per_10k from marts.fct_spam_prevalence_rollup "
        "where period_type = 'week' and period_start = ? and surface = 'all'",
        [week_start],
    ).fetchone()
    prev = tiles["spam_prevalence"]
    assert float(tile_attr(prev, "data-value")) == pytest.approx(per_10k)
    assert f"{per_10k:.1f}" in prev["text"] and f"95% interval {lo:.1f}–{hi:.1f}" in prev["text"]
    assert value_text(html, "spam_prevalence") == f"{per_10k:.1f}"

    unwanted, impressions = con.execute(
        "select sum(unwanted_impressions), sum(impressions) from marts.fct_unwanted_impressions_daily "
        "where date_day between ? and ?",
        [week_start, date(2026, 11, 1)],
    ).fetchone()
    uw = tiles["unwanted_impressions"]
    assert float(tile_attr(uw, "data-value")) == unwanted
    assert float(tile_attr(uw, "data-rate")) == pytest.approx(unwanted / impressions * 10_000)

    compliant, known = con.execute(
        "select count(*) filter (where sla_status = 'compliant'), "
        "count(*) filter (where sla_status in ('compliant', 'breached', 'open_breached')) "
        "from marts.fct_report_sla where received_at >= ? and received_at < ?",
        [week_start, week_end],
    ).fetchone()
    sla = tiles["sla_overall"]
    assert float(tile_attr(sla, "data-value")) == pytest.approx(compliant / known)
    assert f"{compliant / known * 100:.1f}%" in sla["text"]

    # One row per published SLA, a changed target (user: 48 h, then 24 h) staying one SLA.
    for scope, id_prefix in (("authority_authority_portal", "authority/authority_portal/*/*/"),
                             ("trusted_flagger", "trusted_flagger/*/*/*/"), ("user", "user/*/*/*/")):
        c, k = con.execute(
            "select count(*) filter (where sla_status = 'compliant'), "
            "count(*) filter (where sla_status in ('compliant', 'breached', 'open_breached')) "
            "from marts.fct_report_sla where received_at >= ? and received_at < ? and starts_with(sla_target_id, ?)",
            [week_start, week_end, id_prefix],
        ).fetchone()
        assert float(tile_attr(tiles[f"sla_{scope}"], "data-value")) == pytest.approx(c / k)
        assert tiles[f"sla_{scope}"]["status"] == rag(c / k, _rt(find_target(targets_from_csv(), "sla_compliance", scope)))
    assert sorted(k for k in tiles if k.startswith("sla_")) == [
        "sla_authority_authority_portal", "sla_overall", "sla_trusted_flagger", "sla_user",
    ]  # internal targets are not published SLAs
    assert "user (24 h)" in html

    proactive, actioned = con.execute(
        "select sum(proactive_items), sum(actioned_items) from marts.fct_proactive_rate_daily "
        "where date_day >= ? and date_day < ?",
        [week_start, week_end],
    ).fetchone()
    assert float(tile_attr(tiles["proactive_rate"], "data-value")) == pytest.approx(proactive / actioned)

    reversed_, resolved = con.execute(
        "select count(*) filter (where is_reversed), count(*) from marts.fct_appeals "
        "where is_resolved and resolved_at >= ? and resolved_at < ?",
        [week_start, week_end],
    ).fetchone()
    assert float(tile_attr(tiles["appeal_overturn_rate"], "data-value")) == pytest.approx(reversed_ / resolved)

    # Week-over-week for SLA compliance is in percentage points, from the previous ISO week.
    pc, pk = con.execute(
        "select count(*) filter (where sla_status = 'compliant'), "
        "count(*) filter (where sla_status in ('compliant', 'breached', 'open_breached')) "
        "from marts.fct_report_sla where received_at >= ? and received_at < ?",
        [date(2026, 10, 19), week_start],
    ).fetchone()
    delta = compliant / known - pc / pk
    assert f"{abs(delta) * 100:.1f} pp w/w" in sla["text"]
    # Status against the seed's target.
    status = rag(compliant / known, _rt(targets_from_csv()[("sla_compliance", "overall")]))
    assert sla["status"] == status
    con.close()


def test_upper_bound_only_prevalence_shows_le(small_data: Path) -> None:
    db = small_data / "published" / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "update marts.fct_spam_prevalence_rollup set violating_samples = 4, is_upper_bound_only = true, "
        "per_10k = 3.0, ci_low_per_10k = 0.5, ci_high_per_10k = 261.3 "
        "where period_type = 'week' and period_start = '2026-10-26' and surface = 'all'"
    )
    con.close()
    build_dashboard_models(db)
    html = build_dashboard(data_paths(small_data)).read_text()
    tile = parse(html).tiles["spam_prevalence"]
    assert value_text(html, "spam_prevalence") == "≤ 261.3"  # the bound, not the point estimate
    assert tile_attr(tile, "data-upper-bound-only") == "true"
    # A bound above the red threshold (200) cannot prove red.
    assert tile["status"] == AMBER
    assert summary(html)["tiles"][0]["week"]["display"] == "≤ 261.3"


def test_page_is_self_contained_and_has_no_personal_data(small_data: Path) -> None:
    html = build_dashboard(data_paths(small_data)).read_text()
    parsed = parse(html)
    assert parsed.srcs == []  # no script src, no stylesheet link, no image URL at all
    assert not re.search(r"https?://", html)
    assert "@import" not in html and "url(" not in html
    assert not PSEUDONYM.search(html)  # fct_report_sla.target_id holds one in this warehouse
    assert html.count("<svg") >= 15


def test_sections_present(small_data: Path) -> None:
    html = build_dashboard(data_paths(small_data)).read_text()
    for section in ("tiles", "trends", "breakdowns", "breaches", "freshness", "targets"):
        assert f'<section id="{section}">' in html
    assert 'data-incidents="0"' in html  # no incident in this warehouse
    for chart in ("trend-prevalence-weekly", "trend-unwanted", "trend-sla", "trend-proactive", "trend-overturn",
                  "bd-prevalence-surface", "bd-prevalence-country", "bd-unwanted-country", "bd-sla-queue",
                  "bd-sla-vendor", "bd-sla-reporter-type"):
        assert f'id="{chart}"' in html
    con = duckdb.connect(str(small_data / "published" / "warehouse.duckdb"), read_only=True)
    open_breached = con.execute("select count(*) from marts.fct_report_sla where sla_status = 'open_breached'").fetchone()[0]
    con.close()
    assert open_breached > 0 and f'data-open-breaches="{open_breached}"' in html
    assert 'data-feed="impressions"' in html and 'data-feed="reports"' in html


def test_incidents_section_lists_current_incidents(small_data: Path) -> None:
    db = small_data / "published" / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        """
        insert into marts.fct_incidents by name
        select * from (values
            ('anomaly:a', 'anomaly', 'link_domain', 'beatz-promo.top', ['beatz-promo.top'],
             timestamp '2026-10-26 00:00', timestamp '2026-10-31 17:00', null::timestamp, 0, 15, null, null, 3,
             27.0, 'active', ['account:p_1a6be5f8d299117932de']),
            ('anomaly:b', 'anomaly', 'reports', 'spam:US', [], timestamp '2026-10-22 00:00',
             timestamp '2026-10-24 23:59', null, 15, 0, null, null, 3, 8.0, 'ended', ['content:pls_2b28b9e6']),
            ('anomaly:c', 'anomaly', 'reports', 'spam:FR', [], timestamp '2026-09-02 00:00',
             timestamp '2026-09-04 23:59', null, 15, 0, null, null, 3, 9.0, 'ended', [])
        ) t(incident_id, incident_type, series_type, series_key, link_domains, first_seen_at, last_activity_at,
            first_action_at, items, accounts, actioned_items, impressions, anomaly_days, peak_score, status,
            top_contributors)
        """
    )
    con.close()
    build_dashboard_models(db)
    html = build_dashboard(data_paths(small_data)).read_text()
    assert '<section id="incidents">' in html and "beatz-promo.top" in html and "spam:US" in html
    assert "spam:FR" not in html  # ended weeks ago: not current
    assert 'data-incidents="2"' in html and "<strong>1</strong> active" in html
    assert html.index("beatz-promo.top") < html.index("spam:US")  # active first
    assert not PSEUDONYM.search(html)


def test_prefers_published_copy_and_falls_back_to_main(tmp_path: Path) -> None:
    root = tmp_path / "data"
    make_small_warehouse(root / "warehouse.duckdb", as_of=datetime(2026, 10, 30, 12, 0))
    html = build_dashboard(data_paths(root)).read_text()
    assert "main (no published copy yet)" in html and (root / "dashboard" / "2026-10-30.html").exists()
    make_small_warehouse(root / "published" / "warehouse.duckdb")
    html = build_dashboard(data_paths(root)).read_text()
    assert "from the published warehouse" in html and (root / "dashboard" / "2026-10-31.html").exists()


def test_clear_error_without_a_warehouse(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="integrity build"):
        build_dashboard(data_paths(tmp_path / "nothing"))


def test_clear_error_when_the_warehouse_has_no_marts_yet(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir()
    duckdb.connect(str(root / "warehouse.duckdb")).execute("create schema raw; create table raw.t(x int)").close()
    with pytest.raises(UserError, match="run `integrity build`"):
        build_dashboard(data_paths(root))


def test_cli_reports_missing_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orchestration.cli import main

    assert main(["dashboard", "--data-dir", str(tmp_path / "nothing")]) == 2
    assert "no warehouse" in capsys.readouterr().err


def test_cli_builds(small_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orchestration.cli import main

    assert main(["dashboard", "--data-dir", str(small_data)]) == 0
    assert "index.html" in capsys.readouterr().out


def test_a_missing_dashboard_model_is_one_clear_error(small_data: Path) -> None:
    con = duckdb.connect(str(small_data / "published" / "warehouse.duckdb"))
    con.execute("drop table marts.fct_dashboard_trends")
    con.close()
    with pytest.raises(UserError, match=r"fct_dashboard_trends missing .*: run `integrity build`$"):
        build_dashboard(data_paths(small_data))


def test_targets_come_from_the_dashboard_target_model(small_data: Path) -> None:
    con = duckdb.connect(str(small_data / "published" / "warehouse.duckdb"))
    con.execute("update marts.dim_dashboard_target set target = 0.5 where metric = 'proactive_rate'")
    con.close()
    html = build_dashboard(data_paths(small_data)).read_text()
    assert "marts.dim_dashboard_target" in html and "<td>proactive_rate</td><td>all</td><td>higher is better</td><td>50.0%</td>" in html


# ---------------------------------------------------------------- the simulated warehouse


def test_dashboard_on_simulated_xs_warehouse(xs_data_dir: Path, tmp_path: Path) -> None:
    """The real marts: the page builds and the prevalence and SLA tiles equal what the marts say."""
    from orchestration.dashboard.build import build

    paths = data_paths(xs_data_dir)
    result = build(paths, out_dir=tmp_path / "dashboard")
    assert result.seconds < 10  # the budget is 10 s at scale s; xs takes about one
    html = result.index.read_text()
    db = paths.published if paths.published.exists() else paths.warehouse
    con = duckdb.connect(str(db), read_only=True)
    as_of = con.execute("select max(as_of) from marts.fct_report_sla").fetchone()[0]
    # the ISO week holding the as-of date, worked out here independently of the models
    week_start = as_of.date() - timedelta(days=as_of.weekday())
    week = SimpleNamespace(start=week_start, end=week_start + timedelta(days=7))
    tiles = parse(html).tiles
    row = con.execute(
        "select per_10k, ci_high_per_10k, is_upper_bound_only, is_incomplete, is_suppressed "
        "from marts.fct_spam_prevalence_rollup "
        "where period_type = 'week' and period_start = ? and surface = 'all'",
        [week.start],
    ).fetchone()
    tile = tiles["spam_prevalence"]
    if row is None:
        assert "n/a" in tile["text"]
    elif row[3]:  # a stratum of the week still has no label: no estimate is shown
        assert "incomplete" in tile["text"] and "no estimate yet" in tile["text"]
    elif row[4]:
        assert "insufficient sample" in tile["text"]
    elif row[2]:
        assert f"≤ {row[1]:.1f}" in tile["text"] or f"≤ {row[1]:.2f}" in tile["text"]
    else:
        assert float(tile_attr(tile, "data-value")) == pytest.approx(row[0])
    compliant, known = con.execute(
        "select count(*) filter (where sla_status = 'compliant'), "
        "count(*) filter (where sla_status in ('compliant', 'breached', 'open_breached')) "
        "from marts.fct_report_sla where received_at >= ? and received_at < ?",
        [week.start, week.end],
    ).fetchone()
    # the same figure as the daily SLA mart's definition (compliant / (decided + open past target),
    # by day received)
    daily_compliant, daily_decided = con.execute(
        "select sum(compliant), sum(decided + open_breached) from marts.fct_sla_compliance_daily "
        "where date_day >= ? and date_day < ?",
        [week.start, week.end],
    ).fetchone()
    assert (compliant, known) == (daily_compliant, daily_decided)
    if known:
        assert float(tile_attr(tiles["sla_overall"], "data-value")) == pytest.approx(compliant / known)
    open_breached = con.execute("select count(*) from marts.fct_report_sla where sla_status = 'open_breached'").fetchone()[0]
    con.close()
    assert f'data-open-breaches="{open_breached}"' in html
    assert (tmp_path / "dashboard" / f"{as_of.date().isoformat()}.html").exists()
    assert not re.search(r"https?://", html) and not PSEUDONYM.search(html)
    shutil.rmtree(tmp_path / "dashboard")


# ---------------------------------------------------------------- Dagster


def test_dagster_asset_rebuilds_after_publish(small_data: Path) -> None:
    import dagster as dg

    from orchestration.assets.dashboard import DASHBOARD_KEY, leadership_dashboard
    from orchestration.assets.publish import PUBLISHED_KEY
    from orchestration.resources import WarehouseResource

    assert leadership_dashboard.asset_deps[DASHBOARD_KEY] == {PUBLISHED_KEY}
    result = dg.materialize([leadership_dashboard], resources={"warehouse": WarehouseResource(data_dir=str(small_data))})
    assert result.success
    meta = result.asset_materializations_for_node(leadership_dashboard.op.name)[0].metadata
    assert meta["data_as_of"].value == "2026-10-31T18:00:00"
    assert (small_data / "dashboard" / "index.html").exists() and (small_data / "dashboard" / "2026-10-31.html").exists()


def test_definitions_include_the_dashboard_in_the_main_job() -> None:
    from orchestration.assets.dashboard import DASHBOARD_KEY
    from orchestration.definitions import MAIN_JOB, defs

    job = defs.resolve_job_def(MAIN_JOB)
    assert DASHBOARD_KEY in job.asset_layer.executable_asset_keys


def test_daily_prevalence_hidden_when_mostly_upper_bounds(small_data: Path) -> None:
    html = build_dashboard(data_paths(small_data)).read_text()
    assert 'id="trend-prevalence-daily"' in html
    con = duckdb.connect(str(small_data / "published" / "warehouse.duckdb"))
    con.execute("update marts.fct_spam_prevalence_daily set violating_samples = 2, is_upper_bound_only = true")
    con.close()
    build_dashboard_models(small_data / "published" / "warehouse.duckdb")
    html = build_dashboard(data_paths(small_data)).read_text()
    assert 'id="trend-prevalence-daily"' not in html
    assert "daily estimates not shown: 61 of 61 days have fewer than 10 violating samples" in html


# ---------------------------------------------------------------- no statistics in Python
#
# The dashboard's figures are computed in the dashboard models; the Python selects and renders.
# Two checks keep it that way: an AST check of the dashboard modules, and a check of every SQL the
# dashboard runs. Each has a self-test proving it catches a bad snippet.

# Data-reading modules: no arithmetic at all (string building aside), no statistics.
STRICT_MODULES = ("data.py", "status.py")
# Rendering and the build: arithmetic only inside formatting helpers (fmt_*: rounding, percent
# strings, k/M/B) and the build's own timing (elapsed).
RENDER_MODULES = {"render.py": "fmt_", "build.py": "elapsed"}
# Pixel geometry (scales, ticks, stacking heights) is rendering too: only the statistics names are banned.
GEOMETRY_MODULES = ("charts.py",)
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult)
BANNED_IMPORTS = {"math", "statistics", "numpy", "pandas", "scipy", "fractions", "cmath", "dateutil"}
BANNED_CALLS = {"sum", "min", "max", "abs", "round", "pow", "divmod", "timedelta", "relativedelta"}
STATISTICS = re.compile(
    r"(?i:wilson|(^|_)ratio|sqrt|(^|_)mean($|_)|median|quantile|percentile|stdev|variance|zscore)|^rag$|^Change$"
)


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp):
        return _string_building(node.op, node.left, node.right)
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _string_building(op: ast.operator, left: ast.AST, right: ast.AST) -> bool:
    """`"a" + f"b"`, `"%s" % x` or `path / "file.html"`: building text or paths, not arithmetic."""
    return (isinstance(op, ast.Add | ast.Div) and (_is_text(left) or _is_text(right))) or (
        isinstance(op, ast.Mod) and _is_text(left)
    )


def statistics_in_python(source: str, *, arithmetic_allowed_in: str | None = None, geometry: bool = False) -> list[str]:
    """Why `source` computes something it should read from the models (empty when clean).

    `arithmetic_allowed_in`: a function-name prefix (fmt_) whose bodies may do display arithmetic.
    `geometry`: pixel geometry module - arithmetic and math allowed, statistics names still banned."""
    problems: list[str] = []
    tree = ast.parse(source)
    allowed: set[int] = set()
    if arithmetic_allowed_in:
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef) and fn.name.startswith(arithmetic_allowed_in):
                allowed |= {id(n) for n in ast.walk(fn)}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for name in names:
                if name.split(".")[0] in BANNED_IMPORTS and not geometry:
                    problems.append(f"line {line}: imports {name}")
                if STATISTICS.search(name.split(".")[-1]):
                    problems.append(f"line {line}: imports {name}")
        if isinstance(node, ast.FunctionDef) and STATISTICS.search(node.name):
            problems.append(f"line {line}: defines {node.name}()")
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if STATISTICS.search(name):
                problems.append(f"line {line}: uses {name}")
        if geometry or id(node) in allowed:
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BANNED_CALLS:
            problems.append(f"line {line}: calls {node.func.id}()")
        arithmetic = isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ARITHMETIC)
        if isinstance(node, ast.BinOp) and arithmetic and not _string_building(node.op, node.left, node.right):
            problems.append(f"line {line}: arithmetic {type(node.op).__name__} ({ast.unparse(node)})")
        if isinstance(node, ast.AugAssign) and arithmetic and not (isinstance(node.op, ast.Add) and _is_text(node.value)):
            problems.append(f"line {line}: arithmetic {type(node.op).__name__}= ({ast.unparse(node)})")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and not isinstance(node.operand, ast.Constant):
            problems.append(f"line {line}: negation ({ast.unparse(node)})")
    return problems


def test_dashboard_python_computes_no_statistic() -> None:
    problems = []
    for name in STRICT_MODULES:
        problems += [f"{name}: {p}" for p in statistics_in_python((DASHBOARD / name).read_text())]
    for name, prefix in RENDER_MODULES.items():
        source = (DASHBOARD / name).read_text()
        problems += [f"{name}: {p}" for p in statistics_in_python(source, arithmetic_allowed_in=prefix)]
    for name in GEOMETRY_MODULES:
        problems += [f"{name}: {p}" for p in statistics_in_python((DASHBOARD / name).read_text(), geometry=True)]
    assert not problems, "compute it in models/marts/dashboard/ instead:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "snippet",
    [
        "import math\n",
        "from math import sqrt\n",
        "def wilson(k, n):\n    return k\n",
        "from orchestration.dashboard.data import wilson\n",
        "def rate(row):\n    return row['compliant'] / row['decided']\n",
        "def delta(a, b):\n    return a - b\n",
        "def total(rows):\n    return sum(r['n'] for r in rows)\n",
        "def share(rows):\n    x = rows[0]\n    x *= 100\n    return x\n",
        "def worst(rows):\n    return max(r['overdue_hours'] for r in rows)\n",
        "from datetime import timedelta\nstart = timedelta(days=7)\n",
        "def hi(p, n):\n    return (p + 1.96 ** 2 / (2 * n))\n",
    ],
)
def test_the_python_checker_catches_a_statistic(snippet: str) -> None:
    assert statistics_in_python(snippet)


def test_the_python_checker_allows_formatting() -> None:
    clean = (
        "def label(w):\n    return f\"week {w.start:%b %d}\" + ' to date' if w.days_covered < w.days_in_window else ''\n"
        "def fmt_pct(x):\n    return f'{x * 100:.0f}%'\n"
    )
    assert statistics_in_python(clean, arithmetic_allowed_in="fmt_") == []
    assert statistics_in_python("def pct(x):\n    return f'{x * 100:.0f}%'\n", arithmetic_allowed_in="fmt_")


def sql_problems(sql: str) -> list[str]:
    """Why a query the dashboard runs is more than a plain selection of a dashboard model."""
    import sqlglot
    from sqlglot import expressions as exp

    if sql == "select table_name from information_schema.tables where table_schema = ?":
        return []  # the one catalogue lookup: are the dashboard models there
    problems = []
    tree = sqlglot.parse_one(sql, read="duckdb")
    if not isinstance(tree, exp.Select):
        return [f"not a select: {sql}"]
    tables = list(tree.find_all(exp.Table))
    if len(tables) != 1 or tables[0].db != "marts" or tables[0].name not in dashboard_data.MODELS:
        problems.append(f"reads {[t.sql() for t in tables]}, not one dashboard model: {sql}")
    for kind in (exp.Join, exp.Subquery, exp.Window, exp.Group, exp.Having, exp.Union, exp.Distinct, exp.Limit):
        if tree.find(kind):
            problems.append(f"{kind.__name__.lower()} in: {sql}")
    for func in tree.find_all(exp.Func):
        if isinstance(func, exp.Connector | exp.Predicate):
            continue  # `and`, comparisons: a where clause
        problems.append(f"function {func.sql()} in: {sql}")
    for op in tree.find_all(exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.IntDiv, exp.Pow, exp.DPipe):
        problems.append(f"arithmetic {op.sql()} in: {sql}")
    for projection in tree.expressions:
        if not isinstance(projection, exp.Column):
            problems.append(f"projection {projection.sql()} is not a plain column: {sql}")
    return problems


@pytest.mark.parametrize(
    "sql",
    [
        "select sum(compliant) / sum(decided) as rate from marts.fct_dashboard_tiles",
        "select count(*) from marts.fct_dashboard_open_breaches",
        "select metric_value * 100 as pct from marts.fct_dashboard_tiles",
        "select metric_value from marts.fct_report_sla",
        "select metric_value from marts.fct_dashboard_tiles where window_start >= current_date - 7",
        "select t.metric_value from marts.fct_dashboard_tiles t join marts.dim_dashboard_target d on 1 = 1",
        "select date_trunc('week', date_day) as w from marts.fct_dashboard_trends",
        "select metric_value from marts.fct_dashboard_tiles group by metric_value",
        "select metric_value, row_number() over () from marts.fct_dashboard_tiles",
    ],
)
def test_the_sql_checker_catches_a_computation(sql: str) -> None:
    assert sql_problems(sql)


def test_every_sql_the_dashboard_runs_only_selects_dashboard_models(
    small_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []
    real_run = dashboard_data.Marts._run

    def recording(self: dashboard_data.Marts, sql: str, params: list[object]) -> list[tuple[object, ...]]:
        ran.append(sql)
        return real_run(self, sql, params)

    monkeypatch.setattr(dashboard_data.Marts, "_run", recording)
    build_dashboard(data_paths(small_data))
    assert len(ran) >= 8  # the catalogue lookup and every model
    assert {t for sql in ran for t in dashboard_data.MODELS if f"marts.{t} " in f"{sql} "} == set(dashboard_data.MODELS)
    problems = [p for sql in ran for p in sql_problems(sql)]
    assert not problems, "\n".join(problems)
    # and the accepted shape really is accepted
    assert sql_problems("select metric_value, ci_low from marts.fct_dashboard_tiles where window_kind = ? "
                        "and windows_back <= ? order by tile_order, windows_back") == []
