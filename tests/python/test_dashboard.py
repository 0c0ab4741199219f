"""Leadership dashboard: status rules, charts, and pages built from small warehouses.

`small_warehouse` writes a DuckDB file with the marts' shapes (columns as in models/marts/*.sql)
and hand-chosen values, so every tile can be recomputed here independently of the dashboard code.
The last test builds on the simulated xs warehouse (conftest) against the real marts.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from orchestration.dashboard import charts
from orchestration.dashboard.build import build_dashboard
from orchestration.dashboard.data import PSEUDONYM, previous, wilson, window_of
from orchestration.dashboard.status import (
    AMBER,
    GREEN,
    HIGHER,
    LOWER,
    NONE,
    RED,
    TARGETS_CSV,
    Change,
    Target,
    find_target,
    rag,
    targets_from_csv,
)
from orchestration.errors import UserError
from orchestration.paths import data_paths

AS_OF = datetime(2026, 10, 31, 18, 0, 0)
START = date(2026, 9, 1)
SURFACES = ("home", "search", "radio")
COUNTRIES = ("DE", "FR", "SE", "PL")


# ---------------------------------------------------------------- status rules


def _t(direction: str, target: float, red: float) -> Target:
    return Target("m", "all", direction, target, red, "share")


def test_rag_lower_is_better_edges() -> None:
    t = _t(LOWER, 10, 20)
    assert rag(10, t) == GREEN  # at the target is on target
    assert rag(10.01, t) == AMBER
    assert rag(20, t) == AMBER  # at the red threshold is not yet red
    assert rag(20.01, t) == RED
    assert rag(None, t) == NONE
    assert rag(5, None) == NONE


def test_rag_higher_is_better_edges() -> None:
    t = _t(HIGHER, 0.95, 0.90)
    assert rag(0.95, t) == GREEN
    assert rag(0.93, t) == AMBER
    assert rag(0.90, t) == AMBER
    assert rag(0.8999, t) == RED


def test_upper_bound_only_is_green_or_at_worst_amber() -> None:
    t = _t(LOWER, 10, 20)
    assert rag(8, t, upper_bound_only=True) == GREEN  # "≤ 8" proves the target is met
    assert rag(50, t, upper_bound_only=True) == AMBER  # "≤ 50" proves nothing bad


def test_change_describe_and_sentiment() -> None:
    assert Change(0.93, 0.95).describe("share") == "▼ 2.0 pp"
    assert Change(0.93, 0.95).sentiment(lower_is_better=False) == "bad"
    assert Change(12.0, 10.0).describe("per_10k") == "▲ 20%"
    assert Change(12.0, 10.0).sentiment(lower_is_better=True) == "bad"
    assert Change(8.0, 10.0).sentiment(lower_is_better=True) == "good"
    assert Change(None, 10.0).describe("share") == "n/a"
    assert Change(3.0, 0.0).describe("per_10k") == "▲ 3.0"


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


def test_sla_scope_from_the_matched_target_id() -> None:
    from orchestration.dashboard.data import sla_scope_of

    assert sla_scope_of("trusted_flagger/*/*/*/2024-01-01") == ("trusted_flagger", "trusted flagger")
    assert sla_scope_of("*/*/*/safety/2024-01-01") == ("safety", "safety")
    assert sla_scope_of("user/dsa_notice_form/*/*/2024-01-01") == ("user_dsa_notice_form", "user · dsa notice form")
    assert sla_scope_of("*/*/*/*/2024-01-01") == ("default", "all reports (default)")
    assert sla_scope_of("authority") == ("authority", "authority")


def test_windows() -> None:
    week = window_of("week", date(2026, 10, 31))
    assert (week.start, week.end) == (date(2026, 10, 26), date(2026, 11, 2))
    assert previous(week).start == date(2026, 10, 19)
    assert week.label(date(2026, 10, 31)).endswith("to date (6 of 7 days)")
    month = window_of("month", date(2026, 10, 31))
    assert (month.start, month.end, previous(month).start) == (date(2026, 10, 1), date(2026, 11, 1), date(2026, 9, 1))
    half = window_of("half_year", date(2026, 10, 31))
    assert (half.start, previous(half).start) == (date(2026, 7, 1), date(2026, 1, 1))


def test_wilson_matches_known_value() -> None:
    lo, hi = wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4)
    assert hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 0) == (None, None)


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
    con.close()
    return path


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
        assert tiles[f"sla_{scope}"]["status"] == rag(c / k, find_target(targets_from_csv(), "sla_compliance", scope))
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
    status = rag(compliant / known, targets_from_csv()[("sla_compliance", "overall")])
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
    assert 'id="incidents"' not in html  # no fct_incidents in this warehouse
    for chart in ("trend-prevalence-weekly", "trend-unwanted", "trend-sla", "trend-proactive", "trend-overturn",
                  "bd-prevalence-surface", "bd-prevalence-country", "bd-unwanted-country", "bd-sla-queue",
                  "bd-sla-vendor", "bd-sla-reporter-type"):
        assert f'id="{chart}"' in html
    con = duckdb.connect(str(small_data / "published" / "warehouse.duckdb"), read_only=True)
    open_breached = con.execute("select count(*) from marts.fct_report_sla where sla_status = 'open_breached'").fetchone()[0]
    con.close()
    assert open_breached > 0 and f'data-open-breaches="{open_breached}"' in html
    assert 'data-feed="impressions"' in html and 'data-feed="reports"' in html


def test_incidents_section_appears_with_the_mart(small_data: Path) -> None:
    con = duckdb.connect(str(small_data / "published" / "warehouse.duckdb"))
    con.execute(
        """
        create table marts.fct_incidents as
        select * from (values
            ('anomaly:a', 'anomaly', 'link_domain', 'beatz-promo.top', ['beatz-promo.top'],
             timestamp '2026-10-26 00:00', timestamp '2026-10-31 17:00', null::timestamp, 0, 15, null, null, 3,
             27.0, 'active', ['account:p_1a6be5f8d299117932de']),
            ('anomaly:b', 'anomaly', 'reports', 'spam:US', [], timestamp '2026-10-22 00:00',
             timestamp '2026-10-24 23:59', null, 15, 0, null, null, 3, 8.0, 'ended', ['content:pls_2b28b9e6']),
            ('anomaly:c', 'anomaly', 'reports', 'spam:FR', [], timestamp '2026-09-02 00:00',
             timestamp '2026-09-04 23:59', null, 15, 0, null, null, 3, 9.0, 'ended', [])
        ) t(incident_id, incident_type, series_type, series_key, link_domains, first_seen_at, last_activity_at,
            first_action_at, items, accounts, actioned_items, impressions, anomaly_days, peak_score, status, top_items)
        """
    )
    con.close()
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
    with pytest.raises(UserError, match="no marts with data yet"):
        build_dashboard(data_paths(root))


def test_cli_reports_missing_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orchestration.cli import main

    assert main(["dashboard", "--data-dir", str(tmp_path / "nothing")]) == 2
    assert "no warehouse" in capsys.readouterr().err


def test_cli_builds(small_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orchestration.cli import main

    assert main(["dashboard", "--data-dir", str(small_data)]) == 0
    assert "index.html" in capsys.readouterr().out


def test_missing_marts_are_named_not_fatal(small_data: Path) -> None:
    con = duckdb.connect(str(small_data / "published" / "warehouse.duckdb"))
    con.execute("drop table marts.fct_appeals")
    con.close()
    html = build_dashboard(data_paths(small_data)).read_text()
    assert "Not in the warehouse yet, so not shown: fct_appeals" in html


def test_targets_fall_back_to_the_seed_file(small_data: Path) -> None:
    con = duckdb.connect(str(small_data / "published" / "warehouse.duckdb"))
    con.execute("drop table reference.dashboard_targets")
    con.close()
    html = build_dashboard(data_paths(small_data)).read_text()
    assert "seeds/dashboard/targets.csv (not yet loaded" in html


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
    week = window_of("week", as_of.date())
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
    html = build_dashboard(data_paths(small_data)).read_text()
    assert 'id="trend-prevalence-daily"' not in html
    assert "daily estimates not shown: 61 of 61 days have fewer than 10 violating samples" in html
