"""The semantic layer (models/semantic/, `integrity metrics`) on a published copy of the xs warehouse:
every metric equals the figure computed here independently from the marts, the published target
never writes to the file, and user errors end in one line and a non-zero exit.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration import metrics
from orchestration.cli import main
from orchestration.paths import PROJECT_DIR, data_paths
from orchestration.publish import publish


@pytest.fixture(scope="module")
def readers_dir(xs_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose published/ is a fresh publish of the xs warehouse (never the test data dir)."""
    root = tmp_path_factory.mktemp("readers")
    (root / "warehouse.duckdb").symlink_to(xs_data_dir / "warehouse.duckdb")
    publish(data_paths(root))
    return root


@pytest.fixture(scope="module")
def layer(readers_dir: Path):
    opened = metrics.open_semantic_layer(data_paths(readers_dir))
    yield opened
    opened.close()


def _marts(readers_dir: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data_paths(readers_dir).published), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _by_key(result: metrics.QueryResult) -> dict:
    """{group-by values: {column: value}} of a query result."""
    groups = [c for c in result.columns if "__" in c or c == "metric_time"]
    out = {}
    for row in result.rows:
        named = dict(zip(result.columns, row, strict=True))
        key = tuple(_day(named[g]) if g.startswith("metric_time") else named[g] for g in groups)
        out[key] = named
    return out


def _close(a, b, tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


def test_sla_compliance_by_month_and_reporter_type_equals_the_marts(layer, readers_dir: Path):
    result = metrics.query(
        layer,
        ["sla_compliance", "sla_reports", "sla_compliant_reports", "sla_open_breached_reports",
         "sla_open_within_target_reports", "sla_basis_reports"],
        ["metric_time__month", "report__reporter_type"],
    )
    got = _by_key(result)
    # from the per-report mart: compliant / (decided + open and already breached)
    per_report = _marts(readers_dir, """
        select date_trunc('month', received_date)::date, reporter_type, count(*),
               count(*) filter (where sla_status = 'compliant'),
               count(*) filter (where sla_status = 'open_breached'),
               count(*) filter (where sla_status = 'open_within_target'),
               count(*) filter (where first_decision_at is not null or sla_status = 'open_breached')
        from marts.fct_report_sla group by all
    """)
    # and from the daily mart's cohort counts, which compute the rate their own way
    daily = _marts(readers_dir, """
        select date_trunc('month', date_day)::date, reporter_type,
               sum(compliant) / nullif(sum(decided) + sum(open_breached), 0), sum(reports)
        from marts.fct_sla_compliance_daily group by all
    """)
    assert per_report and set(got) == {(r[0], r[1]) for r in per_report}
    for month, reporter_type, reports, compliant, open_breached, open_within, basis in per_report:
        row = got[(month, reporter_type)]
        assert row["sla_reports"] == reports
        assert row["sla_compliant_reports"] == compliant
        assert row["sla_open_breached_reports"] == open_breached
        assert row["sla_open_within_target_reports"] == open_within
        assert row["sla_basis_reports"] == basis
        assert _close(row["sla_compliance"], compliant / basis if basis else None)
    for month, reporter_type, rate, reports in daily:
        if reports:
            assert _close(got[(month, reporter_type)]["sla_compliance"], rate)
    assert any(r[4] for r in per_report), "the xs data should hold an open breach that the rate counts"


def test_unwanted_impressions_by_week_and_surface_equal_the_marts(layer, readers_dir: Path):
    result = metrics.query(
        layer,
        ["unwanted_impressions", "impressions", "unwanted_per_10k", "unwanted_share",
         "unwanted_impressions_avoidable", "unwanted_avoidable_share"],
        ["metric_time__week", "unwanted_cell__surface"],
    )
    got = _by_key(result)
    expected = _marts(readers_dir, """
        select date_trunc('week', date_day)::date, surface, sum(unwanted_impressions), sum(impressions),
               sum(unwanted_after_signal)
        from marts.fct_unwanted_impressions_daily group by all
    """)
    assert expected and set(got) == {(r[0], r[1]) for r in expected}
    for week, surface, unwanted, impressions, avoidable in expected:
        row = got[(week, surface)]
        assert row["unwanted_impressions"] == unwanted and row["impressions"] == impressions
        assert row["unwanted_impressions_avoidable"] == avoidable
        assert _close(row["unwanted_per_10k"], 10000.0 * unwanted / impressions if impressions else None)
        assert _close(row["unwanted_share"], unwanted / impressions if impressions else None)
        assert _close(row["unwanted_avoidable_share"], avoidable / unwanted if unwanted else None)
    assert sum(r[2] for r in expected) > 0


def test_spam_prevalence_pools_weight_sums_as_the_rollup_does(layer, readers_dir: Path):
    result = metrics.query(
        layer,
        ["spam_prevalence", "spam_prevalence_per_10k", "spam_prevalence_weight",
         "spam_prevalence_weight_violating", "spam_prevalence_labelled_samples",
         "spam_prevalence_violating_samples", "spam_prevalence_incomplete_days"],
        ["metric_time__week"],
    )
    got = _by_key(result)
    sums = _marts(readers_dir, """
        select date_trunc('week', date_day)::date, sum(sum_weights), sum(sum_weights_violating),
               sum(labelled_samples), sum(violating_samples), count(*) filter (where is_incomplete)
        from marts.fct_spam_prevalence_daily where surface = 'all' group by all
    """)
    rollup = dict(_marts(readers_dir, """
        select period_start, prevalence from marts.fct_spam_prevalence_rollup
        where period_type = 'week' and surface = 'all'
    """))
    assert sums and set(got) == {(r[0],) for r in sums}
    for week, w, wy, labelled, violating, incomplete in sums:
        row = got[(week,)]
        assert _close(row["spam_prevalence_weight"], w) and _close(row["spam_prevalence_weight_violating"], wy)
        assert row["spam_prevalence_labelled_samples"] == labelled
        assert row["spam_prevalence_violating_samples"] == violating
        assert row["spam_prevalence_incomplete_days"] == incomplete
        point = None if incomplete else float(wy) / float(w)
        assert _close(row["spam_prevalence"], point)
        assert _close(row["spam_prevalence_per_10k"], None if point is None else 10000.0 * point)
        # the published weekly figure (pooled samples, 8 decimals): the same estimate, or none
        published = rollup[week]
        if published is None:
            assert row["spam_prevalence"] is None
        else:
            assert abs(row["spam_prevalence"] - float(published)) <= 5.1e-9


def test_spam_prevalence_by_surface_equals_the_rollup_surface_rows(layer, readers_dir: Path):
    """Equal to the published monthly surface figure wherever the daily mart has a row for every day
    the rollup saw samples on. A surface-day whose samples are all unlabelled has no daily row, so
    the semantic layer cannot see that it makes the month incomplete (docs/semantic-layer.md)."""
    got = _by_key(metrics.query(
        layer, ["spam_prevalence_by_surface"], ["metric_time__month", "prevalence_cell__surface"]
    ))
    rollup = _marts(readers_dir, """
        with daily as (
            select date_trunc('month', date_day)::date as month_start, surface, count(*) as days
            from marts.fct_spam_prevalence_daily where surface <> 'all' group by all
        )
        select r.period_start, r.surface, r.prevalence, r.days_with_samples = coalesce(d.days, 0)
        from marts.fct_spam_prevalence_rollup as r
        left join daily as d on r.period_start = d.month_start and r.surface = d.surface
        where r.period_type = 'month' and r.surface <> 'all' and r.labelled_samples > 0
    """)
    assert rollup
    compared = 0
    for month, surface, published, every_day_has_a_row in rollup:
        value = got[(month, surface)]["spam_prevalence_by_surface"]
        if not every_day_has_a_row:
            assert published is None  # the only way the two can differ
            continue
        compared += 1
        if published is None:
            assert value is None
        else:
            assert abs(value - float(published)) <= 5.1e-9
    assert compared > 0


def test_proactive_rate_and_appeals_by_month_equal_the_marts(layer, readers_dir: Path):
    proactive = _by_key(metrics.query(
        layer, ["proactive_rate", "actioned_targets", "proactive_targets"],
        ["metric_time__month", "proactive_cell__policy_area"],
    ))
    expected = _marts(readers_dir, """
        select date_trunc('month', date_day)::date, policy_area, sum(actioned_items), sum(proactive_items)
        from marts.fct_proactive_rate_daily group by all
    """)
    assert expected and set(proactive) == {(r[0], r[1]) for r in expected}
    for month, area, actioned, proactive_items in expected:
        row = proactive[(month, area)]
        assert row["actioned_targets"] == actioned and row["proactive_targets"] == proactive_items
        assert _close(row["proactive_rate"], proactive_items / actioned)

    appeals = _by_key(metrics.query(
        layer, ["appeal_rate", "appeal_overturn_rate", "appeal_partial_overturn_rate", "resolved_appeals",
                "reversed_appeals", "enforcement_actions"],
        ["metric_time__month"],
    ))
    expected = _marts(readers_dir, """
        select date_trunc('month', date_day)::date, sum(actions), sum(appealed_actions),
               sum(resolved_appeals), sum(reversed), sum(partially_reversed)
        from marts.fct_appeal_outcomes_daily group by all
    """)
    assert expected and set(appeals) == {(r[0],) for r in expected}
    for month, actions, appealed, resolved, reversed_, partial in expected:
        row = appeals[(month,)]
        assert row["enforcement_actions"] == actions and row["resolved_appeals"] == resolved
        assert _close(row["appeal_rate"], appealed / actions)
        assert _close(row["appeal_overturn_rate"], reversed_ / resolved if resolved else None)
        assert _close(row["appeal_partial_overturn_rate"], partial / resolved if resolved else None)


def test_one_day_of_sla_equals_the_daily_marts_rate(layer, readers_dir: Path):
    """The daily mart's own compliance_rate (8 decimals) for one day x reporter type x channel x queue."""
    day, reporter_type, channel, queue, rate = _marts(readers_dir, """
        select date_day, reporter_type, channel, queue, compliance_rate from marts.fct_sla_compliance_daily
        where compliance_rate is not null and queue is not null order by reports desc, date_day limit 1
    """)[0]
    where = [
        f"{{{{ Dimension('report__reporter_type') }}}} = '{reporter_type}'",
        f"{{{{ Dimension('report__channel') }}}} = '{channel}'",
        f"{{{{ Dimension('report__queue') }}}} = '{queue}'",
    ]
    got = _by_key(metrics.query(layer, ["sla_compliance"], ["metric_time__day"], where=where))
    assert abs(got[(day,)]["sla_compliance"] - float(rate)) <= 5.1e-9


def _digest(path: Path) -> tuple[str, int, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns, path.stat().st_size


def test_cli_query_writes_csv_and_never_writes_the_published_file(readers_dir: Path, tmp_path: Path, capsys):
    published = data_paths(readers_dir).published
    before = _digest(published)
    # another reader holds the file open read-only the whole time
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(published)!r}, read_only=True); print('open', flush=True); "
         "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        out = tmp_path / "sla.csv"
        code = main([
            "metrics", "--data-dir", str(readers_dir), "query", "--metrics", "sla_compliance,sla_reports",
            "--group-by", "metric_time__month", "--csv", str(out),
        ])
        assert code == 0, capsys.readouterr()
        assert holder.poll() is None
    finally:
        holder.kill()
        holder.wait()
    rows = list(csv.DictReader(out.open()))
    assert rows and set(rows[0]) == {"metric_time__month", "sla_compliance", "sla_reports"}
    (month_rate,) = _marts(readers_dir, """
        select count(*) filter (where sla_status = 'compliant')
               / count(*) filter (where first_decision_at is not null or sla_status = 'open_breached')
        from marts.fct_report_sla
    """)[0]
    if len(rows) == 1:  # the xs data is one month
        assert abs(float(rows[0]["sla_compliance"]) - month_rate) <= 5e-9
    time.sleep(0.01)
    assert _digest(published) == before
    assert sorted(p.name for p in published.parent.iterdir()) == ["warehouse.duckdb"]  # no .wal, no lock file


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, INTEGRITY_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "metrics", *args],
        env=env, cwd=PROJECT_DIR, text=True, capture_output=True, timeout=300,
    )


def test_unknown_metric_is_one_clear_line_and_a_non_zero_exit(readers_dir: Path):
    proc = _cli("query", "--metrics", "sla_complaince", "--group-by", "metric_time__month", data_dir=readers_dir)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        "integrity metrics: error: unknown metric 'sla_complaince'; did you mean sla_compliance, sla_compliant_reports?"
    ], proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_no_published_copy_is_one_clear_line(tmp_path: Path):
    proc = _cli("list", data_dir=tmp_path)
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines() == [
        f"integrity metrics: error: nothing published yet at {tmp_path / 'published' / 'warehouse.duckdb'}: "
        "run `integrity run` (or publish after `integrity build`)"
    ]


def test_bad_group_by_is_a_user_error(layer):
    with pytest.raises(metrics.UserError, match="MetricFlow could not run the query"):
        metrics.query(layer, ["sla_compliance"], ["report__no_such_dimension"])


def test_list_names_every_metric_of_the_spec(layer):
    names = {name for name, *_ in metrics.list_metrics(layer)}
    assert {
        "spam_prevalence", "spam_prevalence_weight", "spam_prevalence_weight_violating",
        "spam_prevalence_labelled_samples", "spam_prevalence_violating_samples", "unwanted_impressions",
        "unwanted_per_10k", "sla_compliance", "sla_open_breached_reports", "proactive_rate",
        "appeal_overturn_rate", "appeal_rate",
    } <= names
