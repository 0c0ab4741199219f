"""The dashboard as one self-contained HTML page: inline CSS, inline SVG, a few lines of inline JS.

Rendering only: every figure, interval, status and change comes computed from the dashboard models
(data.py); here they are formatted for people (percent strings, rounding for display, "≤ X") and
drawn. Arithmetic is allowed only in the fmt_* formatting helpers (tests/python/test_dashboard.py).

Nothing is fetched: no CDN, no font, no image URL; the page opens from disk anywhere. The JS only
checks that every chart was drawn and marks the page (`data-charts-drawn`) for the browser test.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from html import escape
from typing import Any

from orchestration.dashboard import charts
from orchestration.dashboard.data import DashboardData, Measure, Tile
from orchestration.dashboard.status import AMBER, GREEN, NONE, RED, Target, find_target

PERIOD_CHANGE = {"month": "m/m", "half_year": "h/h", "year": "y/y"}
STATUS_TEXT = {GREEN: "on target", AMBER: "watch", RED: "off target", NONE: "no target"}


# ---------------------------------------------------------------- formatting


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "per_10k":
        return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    if unit == "days":
        return f"{value:.0f} d"
    return f"{value:,.0f}"


def fmt_count(value: float | None) -> str:
    if value is None:
        return "n/a"
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div * 10 or (div > 1e3 and abs(value) >= div):
            return f"{value / div:.1f}{suffix}" if abs(value) < div * 100 else f"{value / div:.0f}{suffix}"
    return f"{value:,.0f}"


def display(measure: Measure, unit: str) -> str:
    """What people read: "≤ X" when only the upper bound is supported; no rate at all when the
    effective sample is too small or labels are still missing."""
    if measure.incomplete:
        return "incomplete"
    if measure.suppressed:
        return "insufficient sample"
    if measure.value is None:
        return "n/a"
    if measure.upper_bound_only and measure.hi is not None:
        return f"≤ {fmt_value(measure.hi, unit)}"
    return fmt_value(measure.value, unit)


def shown_value(measure: Measure) -> float | None:
    if measure.suppressed or measure.incomplete:
        return None
    return measure.hi if measure.upper_bound_only and measure.hi is not None else measure.value


def target_text(target: Target | None, unit: str) -> str:
    if target is None:
        return "no target set"
    op, red_op = ("≤", ">") if target.lower_is_better else ("≥", "<")
    suffix = " per 10k impressions" if unit == "per_10k" else ""
    return (
        f"target {op} {fmt_value(target.target, unit)} · red {red_op} {fmt_value(target.red_threshold, unit)}{suffix}"
    )


def fmt_pct(x: float) -> str:
    return f"{x:.0%}"


# ---------------------------------------------------------------- tiles


def fmt_change(change: dict[str, Any], unit: str) -> str:
    """Shares change in percentage points; per-10k values and counts in percent."""
    delta, relative = change["change_delta"], change["change_relative"]
    if delta is None:
        return "n/a"
    if change["is_change_flat"]:
        return "■ 0.0 pp" if unit == "share" else "■ 0%"
    arrow = "▲" if delta > 0 else "▼"
    if unit == "share":
        return f"{arrow} {abs(delta) * 100:.1f} pp"
    if relative is None:
        return f"{arrow} {abs(delta):,.1f}"
    return f"{arrow} {abs(relative):.1%}" if abs(relative) < 0.1 else f"{arrow} {abs(relative):.0%}"


def _change_html(current: Measure, unit: str, label: str) -> str:
    """The change of a window against the one before, as fct_dashboard_tiles states it."""
    change = current.change
    if change.get("change_blocked_reason") == "no_rate":
        return f'<span class="chg flat" title="no rate to compare">— {escape(label)}</span>'
    if change.get("change_blocked_reason") == "upper_bound_only":
        # A bound moving says little: compare only when both windows support a point estimate.
        return f'<span class="chg flat" title="too few violating samples to compare">— {escape(label)}</span>'
    if not change:
        return f'<span class="chg flat">n/a {escape(label)}</span>'
    delta = change["change_delta"]
    return (
        f'<span class="chg {change["change_sentiment"]}" data-delta="{"" if delta is None else delta}">'
        f"{escape(fmt_change(change, unit))} {escape(label)}</span>"
    )


def tile_html(tile: Tile, data: DashboardData) -> str:
    target = tile.target
    status = tile.status
    w = tile.week
    badge = "no data" if w.value is None else STATUS_TEXT[status]
    big = display(w, tile.unit)
    unit_label = {"per_10k": "per 10k", "share": ""}.get(tile.unit, "")
    lines: list[str] = []
    if tile.key == "unwanted_impressions":
        count = w.extra.get("numerator")
        big_html = (
            f'<div class="value" data-value="{"" if count is None else count}">{escape(fmt_count(count))}'
            f'<span class="unit"> impressions</span></div>'
            f'<div class="sub" data-rate="{"" if w.value is None else w.value}">{escape(big)} per 10k impressions'
            f" · {escape(fmt_count(w.extra.get('impressions')))} served</div>"
        )
        after = w.extra.get("unwanted_after_signal_share")
        if count and after is not None:
            lines.append(f"{fmt_pct(after)} after a first signal (avoidable)")
    else:
        big_html = (
            f'<div class="value" data-value="{"" if w.value is None else w.value}" '
            f'data-upper-bound-only="{str(w.upper_bound_only).lower()}">{escape(big)}'
            f'<span class="unit"> {escape(unit_label)}</span></div>'
        )
        if w.incomplete:
            big_html += '<div class="sub">labels still pending in a sampling stratum: no estimate yet</div>'
        elif w.suppressed:
            big_html += (
                f'<div class="sub" data-suppressed="true">effective sample below 30 '
                f"({w.n or 0:,.0f} labelled samples): no rate shown</div>"
            )
        elif w.lo is not None and w.hi is not None and not w.upper_bound_only:
            big_html += (
                f'<div class="sub">95% interval {escape(fmt_value(w.lo, tile.unit))}–'
                f"{escape(fmt_value(w.hi, tile.unit))}</div>"
            )
        elif w.upper_bound_only:
            big_html += (
                f'<div class="sub">upper bound only: {w.extra.get("numerator") or 0} violating samples '
                f"(fewer than 10)</div>"
            )
    if w.n is not None and tile.unit == "share":
        lines.append(f"n = {w.n:,.0f}")
    if tile.metric == "sla_compliance" and w.extra.get("open_breached") is not None:
        lines.append(f"{w.extra['open_breached']:,} still open past target")
    if tile.key == "spam_prevalence" and w.extra.get("label_completeness") is not None and not w.incomplete:
        lines.append(f"labels {fmt_pct(w.extra['label_completeness'])} complete")
    period_name = data.period.label()
    prev_period_name = data.prev_period.label()
    changes = (
        f'{_change_html(tile.week, tile.unit, "w/w")}'
        f"{_change_html(tile.period, tile.unit, PERIOD_CHANGE[data.period.kind])}"
    )
    period_line = (
        f"{escape(period_name)}: {escape(display(tile.period, tile.unit))} · "
        f"{escape(prev_period_name)}: {escape(display(tile.prev_period, tile.unit))}"
    )
    spark = charts.sparkline(f"spark-{tile.key}", f"{tile.label}: last {len(tile.weekly)} weeks", tile.weekly)
    return f"""
<div class="tile status-{status}" data-tile="{escape(tile.key)}" data-status="{status}">
  <div class="tile-head"><span class="dot" aria-hidden="true"></span><span class="name">{escape(tile.label)}</span>
    <span class="badge">{badge}</span></div>
  {big_html}
  <div class="changes">{changes}</div>
  <div class="period">{period_line}</div>
  <div class="target">{escape(target_text(target, tile.unit))}</div>
  <div class="spark">{spark}</div>
  <div class="note">{escape(" · ".join([*lines, tile.note]))}</div>
</div>"""


SEVERITY = (RED, AMBER, GREEN)  # the group's badge shows the worst status of its rows


def sla_group_html(tiles: list[Tile], data: DashboardData) -> str:
    """One wide tile with a row per published SLA (each with its own status and changes)."""
    rows = []
    statuses = []
    for tile in tiles:
        target = tile.target
        lower = target.lower_is_better if target else False
        status = tile.status
        statuses.append(status)
        w = tile.week
        op = "≤" if lower else "≥"
        rows.append(
            f'<tr class="status-{status}" data-tile="{escape(tile.key)}" data-status="{status}" '
            f'data-value="{"" if w.value is None else w.value}">'
            f'<td><span class="dot" title="{STATUS_TEXT[status]}"></span></td>'
            f'<td class="label">{escape(tile.label)}<br><span class="muted">target {op} '
            f'{escape(fmt_value(target.target, tile.unit)) if target else "—"}</span></td>'
            f'<td class="num strong">{escape(display(w, tile.unit))}</td>'
            f'<td class="num">{"" if w.n is None else f"{w.n:,.0f}"}</td>'
            f'<td class="num">{w.extra.get("open_breached") or 0:,}</td>'
            f"<td>{_change_html(tile.week, tile.unit, '')}</td>"
            f"<td>{_change_html(tile.period, tile.unit, '')}</td></tr>"
        )
    worst = next((s for s in SEVERITY if s in statuses), NONE)
    off = statuses.count(RED)
    badge = f"{off} of {len(statuses)} off target" if off else STATUS_TEXT[worst]
    return f"""
<div class="tile wide status-{worst}" data-tile-group="published_slas" data-status="{worst}">
  <div class="tile-head"><span class="dot" aria-hidden="true"></span><span class="name">SLA compliance by published SLA</span>
    <span class="badge">{escape(badge)}</span></div>
  <div class="sla-wrap"><table class="sla-table"><thead><tr><th></th><th>SLA (current target)</th><th>week</th>
    <th title="reports decided">decided</th><th title="reports still open past their target">open late</th>
    <th>w/w</th><th>{PERIOD_CHANGE[data.period.kind]}</th></tr></thead>
  <tbody>{"".join(rows)}</tbody></table></div>
  <div class="note">compliant / decided for reports received in the week, per published SLA in
  reference.sla_targets; statuses against each SLA's row in the targets seed (else its default)</div>
</div>"""


# ---------------------------------------------------------------- charts from the data


def _d(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def _hidden(row: dict[str, Any]) -> bool:
    """A prevalence cell people must not read as a rate (suppressed or incomplete)."""
    return bool(row.get("is_suppressed") or row.get("is_incomplete"))


def _prevalence_points(rows: list[dict[str, Any]]) -> list[charts.Point]:
    return [
        charts.Point(
            _d(r["date_day"]), r["metric_value"], r["ci_low"], r["ci_high"],
            hollow=bool(r.get("is_upper_bound_only")),
            note=f" · {r.get('n') or 0} labelled, {r.get('numerator') or 0} violating",
        )
        for r in rows
    ]


def _share_points(rows: list[dict[str, Any]]) -> list[charts.Point]:
    return [
        charts.Point(_d(r["date_day"]), r["metric_value"], r["ci_low"], r["ci_high"], note=f" · n = {r['n'] or 0:,.0f}")
        for r in rows
    ]


def _sla_points(rows: list[dict[str, Any]]) -> list[charts.Point]:
    return [
        charts.Point(
            _d(r["date_day"]), r["metric_value"], r["ci_low"], r["ci_high"],
            note=f" · {r['decided'] or 0:,} decided, {r['open_breached'] or 0:,} open past target, "
            f"{r['open_within_target'] or 0:,} open within target",
        )
        for r in rows
    ]


def _count_points(rows: list[dict[str, Any]]) -> list[charts.Point]:
    return [charts.Point(_d(r["date_day"]), r["metric_value"] or 0.0) for r in rows]


def _share_fmt(x: float) -> str:
    return f"{x:.0%}"


def _per10k_fmt(x: float) -> str:
    return f"{x:g}" if x >= 1 or x == 0 else f"{x:.2f}"


def _line(series: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rows of a single-line series."""
    return next(iter(series.values()), [])


def trend_charts(data: DashboardData) -> list[tuple[str, str, str]]:
    """(title, caption, svg) for each trend chart."""
    t = data.trends
    s = t["series"]
    tg = data.targets
    out: list[tuple[str, str, str]] = []
    prev_t = find_target(tg, "spam_prevalence_per_10k", "all")
    daily = _line(s.get("prevalence_daily", {}))
    daily_shown = t["prevalence_daily_shown"]
    if "prevalence_weekly" in s:
        caption = "ISO weeks, pooled samples; band = 95% interval; open circle = upper bound only (≤)"
        if daily and not daily_shown:
            caption += (
                f"; daily estimates not shown: {t['prevalence_days_upper_bound_only']} of {t['prevalence_days']} "
                "days have fewer than 10 violating samples"
            )
        out.append((
            "Spam prevalence per 10k impressions, weekly", caption,
            charts.time_chart(
                "trend-prevalence-weekly", "Spam prevalence per 10k impressions, weekly",
                [("all surfaces", _prevalence_points(_line(s["prevalence_weekly"])))], fmt=_per10k_fmt,
                target=prev_t.target if prev_t else None, red_threshold=prev_t.red_threshold if prev_t else None,
            ),
        ))
    if daily_shown:
        out.append((
            "Spam prevalence per 10k impressions, daily",
            "band = 95% interval; recent days are provisional until labelling catches up",
            charts.time_chart(
                "trend-prevalence-daily", "Spam prevalence per 10k impressions, daily",
                [("all surfaces", _prevalence_points(daily))], fmt=_per10k_fmt,
                target=prev_t.target if prev_t else None,
            ),
        ))
    if "unwanted_daily" in s:
        parts = s["unwanted_daily"]
        series = [(part, _count_points(rows)) for part, rows in parts.items()
                  if part != "other" or any(r["metric_value"] for r in rows)]
        out.append((
            "Unwanted impressions per day",
            "by the day the impressions happened; past days grow as later actions land",
            charts.time_chart("trend-unwanted", "Unwanted impressions per day", series, fmt=fmt_count, stacked_bars=True),
        ))
    sla_t = find_target(tg, "sla_compliance", "overall")
    if "sla_daily" in s:
        out.append((
            "SLA compliance by day received",
            "share of decided reports decided within target (compliant / decided); band = 95% Wilson interval",
            charts.time_chart(
                "trend-sla", "SLA compliance by day received", [("all reports", _sla_points(_line(s["sla_daily"])))],
                fmt=_share_fmt, y_cap=1.0, target=sla_t.target if sla_t else None,
                red_threshold=sla_t.red_threshold if sla_t else None,
            ),
        ))
    if "backlog_daily" in s:
        series = [(part, _count_points(rows)) for part, rows in s["backlog_daily"].items()]
        out.append((
            "Open report backlog by age",
            "open reports at the end of each day (fct_sla_compliance_daily)",
            charts.time_chart("trend-backlog", "Open report backlog by age", series, fmt=fmt_count, stacked_bars=True),
        ))
    pro_t = find_target(tg, "proactive_rate", "all")
    if "proactive_weekly" in s:
        out.append((
            "Proactive rate, weekly",
            "items first actioned in the week, actioned before any external report; band = 95% Wilson interval",
            charts.time_chart(
                "trend-proactive", "Proactive rate, weekly",
                [("all policies", _share_points(_line(s["proactive_weekly"])))],
                fmt=_share_fmt, y_cap=1.0, target=pro_t.target if pro_t else None,
                red_threshold=pro_t.red_threshold if pro_t else None,
            ),
        ))
    app_t = find_target(tg, "appeal_overturn_rate", "all")
    if "overturn_weekly" in s:
        out.append((
            "Appeal overturn rate, weekly",
            "appeals resolved in the week that reversed the decision; band = 95% Wilson interval",
            charts.time_chart(
                "trend-overturn", "Appeal overturn rate, weekly",
                [("resolved appeals", _share_points(_line(s["overturn_weekly"])))],
                fmt=_share_fmt, y_cap=1.0, target=app_t.target if app_t else None,
                red_threshold=app_t.red_threshold if app_t else None,
            ),
        ))
    return out


def breakdown_charts(data: DashboardData) -> list[tuple[str, str, str]]:
    b = data.breakdowns
    window = b["window"].label(with_coverage=True)
    out: list[tuple[str, str, str]] = []
    prev_t = find_target(data.targets, "spam_prevalence_per_10k", "all")
    for dim in ("surface", "country"):
        key = f"prevalence_by_{dim}"
        if key not in b:
            continue
        bars = [
            charts.Bar(
                str(r["category"]), None if _hidden(r) else r["metric_value"],
                None if _hidden(r) else r["ci_low"],
                None if _hidden(r) else r["ci_high"],
                note=f" · {r.get('n') or 0} labelled samples" + (" · insufficient sample" if _hidden(r) else ""),
                hollow=bool(r.get("is_upper_bound_only")),
            )
            for r in b[key]
        ]
        which = "" if dim == "surface" else f"the {b[key][0]['labels_shown']} countries with the most samples; "
        out.append((
            f"Spam prevalence by {dim}",
            f"per 10k impressions, {window}; {which}whiskers = 95% interval; dashed bar = upper bound only (≤)",
            charts.bar_chart(f"bd-prevalence-{dim}", f"Spam prevalence by {dim}", bars, fmt=_per10k_fmt,
                             target=prev_t.target if prev_t else None),
        ))
    for dim, title in (("surface", "Unwanted impressions by surface"), ("country", "Unwanted impressions by country")):
        key = f"unwanted_by_{dim}"
        if key in b:
            bars = [
                charts.Bar(
                    str(r["category"]), r["metric_value"] or 0.0,
                    note="" if r["unwanted_per_10k"] is None else f" · {r['unwanted_per_10k']:.1f} per 10k impressions",
                )
                for r in b[key]
            ]
            head = b[key][0]
            more = head["labels_total"] > head["labels_shown"]
            caption = f"{window}" + (f"; top {head['labels_shown']} of {head['labels_total']}" if more else "")
            out.append((title, caption, charts.bar_chart(f"bd-unwanted-{dim}", title, bars, fmt=fmt_count)))
    sla_t = find_target(data.targets, "sla_compliance", "overall")
    for dim, title in (("queue", "SLA compliance by queue"), ("vendor", "SLA compliance by vendor"),
                       ("reporter_type", "SLA compliance by reporter type")):
        key = f"sla_by_{dim}"
        if key in b:
            bars = [
                charts.Bar(
                    str(r["category"]), r["metric_value"], r["ci_low"], r["ci_high"],
                    note=f" · {r['decided'] or 0:,} decided, {r['open_breached'] or 0:,} open past target",
                )
                for r in b[key]
            ]
            colors = [STATUS_COLOR[r["status"]] for r in b[key]]
            out.append((
                title, f"reports received {window}; whiskers = 95% Wilson interval; colour = status vs overall target",
                charts.bar_chart(f"bd-sla-{dim.replace('_', '-')}", title, bars, fmt=_share_fmt,
                                 target=sla_t.target if sla_t else None, colors=colors),
            ))
    return out


STATUS_COLOR = {GREEN: "#2f855a", AMBER: "#c88a12", RED: "#c53030", NONE: charts.SERIES[0]}


# ---------------------------------------------------------------- tables


def fmt_cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    if isinstance(value, list):
        return ", ".join(fmt_cell(v) for v in value)
    return str(value)


def breaches_html(data: DashboardData) -> str:
    br = data.breaches
    if not br["total"]:
        return '<p class="ok" data-open-breaches="0">No open SLA breaches.</p>'
    cols = [*br["columns"], "age_hours", "overdue_hours"]
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(fmt_cell(r.get(c)))}</td>" for c in cols) + "</tr>" for r in br["rows"]
    )
    by_type = ", ".join(f"{escape(k)}: {v:,}" for k, v in br["by_reporter"])
    more = f" (the {len(br['rows'])} most overdue shown)" if br["total"] > len(br["rows"]) else ""
    return (
        f'<p data-open-breaches="{br["total"]}"><strong>{br["total"]:,}</strong> reports are open past their '
        f"target{more}. By reporter type: {by_type}.</p>"
        f'<div class="scroll"><table class="breaches"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )


def incidents_html(data: DashboardData) -> str:
    inc = data.incidents
    if not inc["rows"]:
        return f'<p class="ok" data-incidents="0">No incident active or with activity in the last {inc["days"]} days.</p>'
    cols = inc["columns"]
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(fmt_cell(r.get(c)))}</td>" for c in cols) + "</tr>" for r in inc["rows"]
    )
    more = f"; the {len(inc['rows'])} first shown" if inc["total"] > len(inc["rows"]) else ""
    return (
        f'<p data-incidents="{inc["total"]}"><strong>{inc["active"]:,}</strong> active; {inc["total"]:,} active or '
        f'with activity in the last {inc["days"]} days{more}.</p>'
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )


def freshness_html(data: DashboardData) -> str:
    fr = data.freshness
    lag_t = find_target(data.targets, "feed_lag_days", "*")
    measures = fr["measures"]
    head = "<th>feed</th><th>latest data</th><th>behind as-of</th><th>status</th>" + "".join(
        f"<th>{escape(c.replace('_', ' '))} (latest delivery)</th>" for c in measures
    )
    body = []
    for r in fr["rows"]:
        status = r["status"]
        cells = [
            f"<td>{escape(r['feed'])}</td>",
            f"<td>{escape(fmt_cell(r['latest_delivered_dt']))}</td>",
            f"<td>{'—' if r['lag_days'] is None else str(r['lag_days']) + ' d'}</td>",
            f'<td><span class="pill status-{status}">{STATUS_TEXT[status]}</span></td>',
        ]
        cells.extend(f"<td>{escape(fmt_cell(r.get(c)))}</td>" for c in measures)
        body.append(f'<tr data-feed="{escape(r["feed"])}">' + "".join(cells) + "</tr>")
    note = ""
    return (
        f'<p class="note">Source: {escape(fr["source"])}. Default {escape(target_text(lag_t, "days"))}; '
        "monthly feeds have their own (see Targets).</p>"
        f'<table class="freshness"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{note}'
    )


def targets_html(data: DashboardData) -> str:
    rows = "".join(
        f"<tr><td>{escape(t.metric)}</td><td>{escape(t.scope)}</td><td>{escape(t.direction.replace('_', ' '))}</td>"
        f"<td>{escape(fmt_value(t.target, t.unit))}</td><td>{escape(fmt_value(t.red_threshold, t.unit))}</td>"
        f"<td>{escape(t.description)}</td></tr>"
        for t in sorted(data.targets.values(), key=lambda t: (t.metric, t.scope))
    )
    return (
        f'<table class="targets"><thead><tr><th>metric</th><th>scope</th><th>direction</th><th>green at</th>'
        f"<th>red beyond</th><th>meaning</th></tr></thead><tbody>{rows}</tbody></table>"
        f'<p class="note">From <code>{escape(data.targets_source)}</code>. Amber between the two thresholds. '
        f"A prevalence shown as an upper bound (≤) is at worst amber.</p>"
    )


def _figure(title: str, caption: str, svg: str) -> str:
    return (
        f'<figure class="card"><h3>{escape(title)}</h3>{svg}'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


# ---------------------------------------------------------------- page

CSS = """
:root { --ink:#1f2933; --muted:#6b7785; --line:#e3e8ee; --bg:#f5f7fa; --green:#2f855a; --amber:#c88a12;
  --red:#c53030; --none:#94a3b8; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color:var(--ink); background:var(--bg); }
header { background:#14213d; color:#fff; padding:18px 28px; display:flex; flex-wrap:wrap; gap:8px 32px;
  align-items:baseline; }
header h1 { margin:0; font-size:22px; font-weight:650; }
header .meta { color:#cbd5e1; font-size:13px; }
header .meta strong { color:#fff; }
main { padding:20px 28px 40px; max-width:1480px; margin:0 auto; }
h2 { font-size:17px; margin:28px 0 10px; }
h3 { font-size:14px; margin:0 0 6px; }
.tiles { display:grid; grid-template-columns:repeat(auto-fill, minmax(255px, 1fr)); gap:14px; }
.tile { background:#fff; border:1px solid var(--line); border-top:5px solid var(--none); border-radius:8px;
  padding:12px 14px; }
.tile.status-green { border-top-color:var(--green); } .tile.status-amber { border-top-color:var(--amber); }
.tile.status-red { border-top-color:var(--red); }
.tile-head { display:flex; align-items:center; gap:6px; font-weight:600; }
.tile-head .name { flex:1; }
.dot { width:10px; height:10px; border-radius:50%; background:var(--none); display:inline-block; }
.status-green .dot { background:var(--green); } .status-amber .dot { background:var(--amber); }
.status-red .dot { background:var(--red); }
.badge, .pill { font-size:11px; text-transform:uppercase; letter-spacing:.04em; padding:1px 7px; border-radius:9px;
  background:#eef1f5; color:var(--muted); font-weight:600; white-space:nowrap; }
.status-green .badge, .pill.status-green { background:#e3f4ea; color:var(--green); }
.status-amber .badge, .pill.status-amber { background:#fbf0d9; color:#8a5d00; }
.status-red .badge, .pill.status-red { background:#fde4e4; color:var(--red); }
.value { font-size:30px; font-weight:700; margin:6px 0 0; letter-spacing:-.01em; }
.value .unit { font-size:13px; font-weight:500; color:var(--muted); white-space:nowrap; }
.sub, .period, .target, .note, figcaption { color:var(--muted); font-size:12px; }
.changes { margin:6px 0 2px; display:flex; gap:10px; flex-wrap:wrap; font-size:12.5px; font-weight:600; }
.chg.good { color:var(--green); } .chg.bad { color:var(--red); } .chg.flat { color:var(--muted); }
.spark { margin-top:6px; }
.tile.wide { grid-column: span 2; }
.sla-wrap { overflow-x:auto; }
.tile .sla-table tr.status-green .dot { background:var(--green); }
.tile .sla-table tr.status-amber .dot { background:var(--amber); }
.tile .sla-table tr.status-red .dot { background:var(--red); }
.tile .sla-table tr.status-none .dot { background:var(--none); }
.sla-table { margin:8px 0 6px; font-size:12px; }
.sla-table th, .sla-table td { padding:4px 5px; }
.sla-table td.label { white-space:normal; min-width:120px; }
.sla-table th { background:none; color:var(--muted); font-weight:600; border-bottom:1px solid var(--line); }
.num { text-align:right; font-variant-numeric: tabular-nums; }
.strong { font-weight:700; }
.muted { color:var(--muted); }
@media (max-width: 700px) { .tile.wide { grid-column: span 1; } }
.grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(440px, 1fr)); gap:14px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 14px; margin:0; }
.card svg.chart { width:100%; height:auto; display:block; }
.tile svg.chart { display:block; }
table { border-collapse:collapse; width:100%; background:#fff; font-size:12.5px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
th { background:#eef1f5; font-weight:600; }
.scroll { overflow-x:auto; border:1px solid var(--line); border-radius:8px; }
.missing { background:#fff7e6; border:1px solid #f3d19c; padding:8px 12px; border-radius:6px; }
.ok { color:var(--green); font-weight:600; }
footer { color:var(--muted); font-size:12px; padding:0 28px 28px; max-width:1480px; margin:0 auto; }
code { font-size:12px; }
"""

# Marks the page once every chart has content, so a headless browser can tell "drawn" from "broken".
JS = """
(function () {
  var charts = document.querySelectorAll('svg.chart');
  var drawn = 0, broken = [];
  charts.forEach(function (svg) {
    var box = svg.getBBox();
    var marks = svg.querySelectorAll('path, rect, circle, polygon, line, text').length;
    var ok = marks > 0 && box.width > 0 && box.height > 0;
    svg.setAttribute('data-drawn', ok ? 'true' : 'false');
    if (ok) { drawn += 1; } else { broken.push(svg.id); }
  });
  document.body.setAttribute('data-charts-total', String(charts.length));
  document.body.setAttribute('data-charts-drawn', String(drawn));
  document.body.setAttribute('data-charts-broken', broken.join(' '));
  document.body.setAttribute('data-page-height', String(document.documentElement.scrollHeight));
  document.body.setAttribute('data-ready', 'true');
})();
"""


def page_summary(data: DashboardData) -> dict[str, Any]:
    """The tile values as data, inline in the page (machine-readable record of what was shown)."""

    def measure(m: Measure, unit: str) -> dict[str, Any]:
        return {"value": m.value, "ci_low": m.lo, "ci_high": m.hi, "upper_bound_only": m.upper_bound_only,
                "n": m.n, "display": display(m, unit), "status": m.status, **m.extra}

    return {
        "as_of": data.as_of.isoformat(),
        "source": data.source,
        "week": [data.week.start.isoformat(), data.week.end.isoformat()],
        "period": [data.period.start.isoformat(), data.period.end.isoformat()],
        "tiles": [
            {
                "key": t.key, "label": t.label, "metric": t.metric, "scope": t.scope, "unit": t.unit,
                "status": t.status,
                "week": measure(t.week, t.unit), "previous_week": measure(t.prev_week, t.unit),
                "period": measure(t.period, t.unit), "previous_period": measure(t.prev_period, t.unit),
            }
            for t in data.tiles
        ],
        "open_breaches": data.breaches["total"],
    }


def render(data: DashboardData, built_at: datetime) -> str:
    per_sla = [t for t in data.tiles if t.metric == "sla_compliance" and t.scope != "overall"]
    parts = []
    for t in data.tiles:
        if t in per_sla:
            continue
        parts.append(tile_html(t, data))
        if t.key == "sla_overall" and per_sla:
            parts.append(sla_group_html(per_sla, data))
    tiles = "".join(parts)
    trends = "".join(_figure(*c) for c in trend_charts(data))
    breakdowns = "".join(_figure(*c) for c in breakdown_charts(data))
    incidents = f'<section id="incidents"><h2>Current incidents</h2>{incidents_html(data)}</section>'
    summary = json.dumps(page_summary(data), default=str, ensure_ascii=False).replace("</", "<\\/")
    as_of = data.as_of.strftime("%Y-%m-%d %H:%M UTC")
    trend_from = data.trends["start"]
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Integrity at a glance — data as of {escape(as_of)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
  <h1>Integrity at a glance</h1>
  <span class="meta">Data as of <strong id="as-of" data-as-of="{escape(data.as_of.isoformat())}">{escape(as_of)}</strong></span>
  <span class="meta">Week: <strong>{escape(data.week.label(with_coverage=True))}</strong></span>
  <span class="meta">Period: <strong>{escape(data.period.label(with_coverage=True))}</strong></span>
  <span class="meta">Built {escape(built_at.strftime("%Y-%m-%d %H:%M UTC"))} from the {escape(data.source)} warehouse</span>
</header>
<main>
<section id="tiles"><h2>Headline</h2><div class="tiles">{tiles}</div>
<p class="note">Tile values are for the week; changes compare with the previous week (w/w) and
{escape(data.period.label(with_coverage=True))} with {escape(data.prev_period.label())}
({PERIOD_CHANGE[data.period.kind]}). Shares change in percentage points (pp), other values in percent;
a change shown in red is a change for the worse.</p></section>
<section id="trends"><h2>Trends since {escape(trend_from.strftime("%b %d, %Y"))}</h2><div class="grid">{trends}</div></section>
<section id="breakdowns"><h2>Breakdowns, {escape(data.period.label(with_coverage=True))}</h2><div class="grid">{breakdowns}</div></section>
<section id="breaches"><h2>Open SLA breaches</h2>{breaches_html(data)}</section>
{incidents}
<section id="freshness"><h2>Freshness of every feed</h2>{freshness_html(data)}</section>
<section id="targets"><h2>Targets</h2>{targets_html(data)}</section>
</main>
<footer>Aggregates from the warehouse marts only; no personal data (pseudonymised keys, free text, emails
and IPs never reach this page). Metric definitions: the marts' documentation in the dbt project.
This page is kept as {escape(data.as_of_date.isoformat())}.html beside index.html: the record of what was shown.</footer>
<script type="application/json" id="dashboard-data">{summary}</script>
<script>{JS}</script>
</body>
</html>
"""
