"""The headline marts against the simulator's truth, on a scale-s platform (90 days, ~10M impression rows).

The simulator writes, beside the landing zone, what a perfect warehouse computes from exactly the files
it delivered (`<data>/truth/`, see docs/architecture.md). On a simulated-and-built warehouse:

- the 95% interval of fct_spam_prevalence_daily (surface `all`) covers the true daily prevalence on at
  least 90% of the days (a day without a row counts as not covered);
- fct_unwanted_impressions_daily equals the truth exactly, cell by cell (day × surface × country), in
  total, before and after the first signal;
- every report's SLA status (and target, first decision and first action) in fct_report_sla equals the
  truth's.

The exact checks (unwanted impressions, SLA) also run on the suite's xs warehouse (`xs_data_dir`, 14 days,
with faults), in every `make test`. The scale-s proof simulates and builds 90 days (about 17 minutes on
a busy two-core machine), more than `make test` can afford, so it is opt-in: set INTEGRITY_TRUTH_TEST=1,
or INTEGRITY_TRUTH_DATA_DIR to a data dir that already holds a simulated landing zone, its truth and a
built warehouse to reuse it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from helpers_warehouse import build_warehouse

from orchestration.paths import PROJECT_DIR

# The demo's world (`make demo`: scale s, default seed 42), with bad input delivered too.
SEED = os.environ.get("INTEGRITY_TRUTH_SEED", "42")
SIMULATION = ["--scale", "s", "--end-date", "2026-10-31", "--seed", SEED, "--faults"]
SELECT = ["resource_type:seed", "path:models/staging", "path:models/intermediate", "path:models/marts"]
MIN_COVERAGE = 0.90


def _connect(data_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set file_search_path = '{data_dir / 'truth'}'")
    return con


@pytest.fixture(scope="module")
def xs_truth(xs_data_dir: Path):
    assert (xs_data_dir / "truth" / "report_sla.parquet").exists(), "the xs data dir has no simulator truth"
    con = _connect(xs_data_dir)
    yield con
    con.close()


@pytest.fixture(scope="module")
def s_truth(tmp_path_factory: pytest.TempPathFactory):
    given = os.environ.get("INTEGRITY_TRUTH_DATA_DIR")
    if given and (Path(given) / "warehouse.duckdb").exists() and (Path(given) / "truth").is_dir():
        data_dir = Path(given)
    elif not os.environ.get("INTEGRITY_TRUTH_TEST"):
        pytest.skip("scale-s truth proof is opt-in (~17 min): set INTEGRITY_TRUTH_TEST=1")
    else:
        data_dir = tmp_path_factory.mktemp("truth-s") / "data"
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "orchestration.cli",
                "simulate",
                *SIMULATION,
                "--quiet",
                "--out",
                str(data_dir),
            ],
            check=True,
            cwd=PROJECT_DIR,
            env=dict(os.environ, INTEGRITY_DATA_DIR=str(data_dir)),
        )
        simulated = time.monotonic()
        build_warehouse(data_dir, select=SELECT)
        print(
            f"\ntruth fixture: simulate s {simulated - started:.0f}s, "
            f"ingest + dbt build {time.monotonic() - simulated:.0f}s"
        )
    con = _connect(data_dir)
    yield con
    con.close()


def check_prevalence_coverage(con: duckdb.DuckDBPyConnection) -> None:
    days, covered, with_row = con.execute(
        """
        select
            count(*),
            count(*) filter (
                where truth.true_prevalence between mart.ci_low - 1e-8 and mart.ci_high + 1e-8
            ),
            count(mart.date_day)
        from read_parquet('prevalence_daily.parquet') as truth
        left join marts.fct_spam_prevalence_daily as mart
            on truth.date_day = mart.date_day and mart.surface = 'all'
        where truth.surface = 'all'
        """
    ).fetchone()
    print(
        f"\nprevalence: interval covers the truth on {covered}/{days} days ({covered / days:.1%}); "
        f"{with_row} days have a row"
    )
    assert days >= 80
    assert covered / days >= MIN_COVERAGE


def check_unwanted_impressions(con: duckdb.DuckDBPyConnection) -> None:
    cells, differing, truth_total, mart_total = con.execute(
        """
        with truth as (select * from read_parquet('unwanted_impressions.parquet')),
        mart as (select * from marts.fct_unwanted_impressions_daily)
        select
            count(*),
            count(*) filter (
                where coalesce(truth.unwanted_impressions, 0) != coalesce(mart.unwanted_impressions, 0)
                or coalesce(truth.unwanted_before_signal, 0) != coalesce(mart.unwanted_before_signal, 0)
                or coalesce(truth.unwanted_after_signal, 0) != coalesce(mart.unwanted_after_signal, 0)
            ),
            sum(truth.unwanted_impressions)::bigint,
            sum(mart.unwanted_impressions)::bigint
        from truth
        full join mart using (date_day, surface, country)
        """
    ).fetchone()
    print(
        f"\nunwanted impressions: {cells - differing}/{cells} cells equal; total truth {truth_total}, "
        f"mart {mart_total}"
    )
    assert truth_total and truth_total > 0
    assert differing == 0
    assert truth_total == mart_total


def check_report_sla(con: duckdb.DuckDBPyConnection, min_reports: int) -> None:
    reports, in_both, same_status, same_target, same_decision, same_action = con.execute(
        """
        with truth as (select * from read_parquet('report_sla.parquet')),
        mart as (select * from marts.fct_report_sla)
        select
            count(*),
            count(truth.report_id) filter (where mart.report_id is not null),
            count(*) filter (where truth.sla_status = mart.sla_status),
            count(*) filter (where truth.target_hours = mart.target_hours),
            count(*) filter (where truth.decided_at::timestamp is not distinct from mart.first_decision_at),
            count(*) filter (where truth.actioned_at::timestamp is not distinct from mart.first_action_at)
        from truth
        full join mart using (report_id)
        """
    ).fetchone()
    statuses = con.execute(
        "select sla_status, count(*) from marts.fct_report_sla group by all order by all"
    ).fetchall()
    print(
        f"\nreport SLA: {same_status}/{reports} statuses equal ({dict(statuses)}); targets {same_target}, "
        f"first decisions {same_decision}, first actions {same_action}"
    )
    assert reports >= min_reports
    assert in_both == reports
    assert same_status == reports
    assert same_target == reports
    assert same_decision == reports
    assert same_action == reports
    assert {s for s, _ in statuses} >= {"compliant", "breached"}


def check_sla_compliance_daily(con: duckdb.DuckDBPyConnection) -> None:
    """The daily cohort figures against the truth's per-report statuses (metrics.md: compliance rate
    = compliant / (decided + open and already breached), open reports within target apart)."""
    cells, differing, open_breached = con.execute(
        """
        with truth as (
            select
                received_at::date as date_day,
                reporter_type,
                channel,
                count(*) as reports,
                count(*) filter (where sla_status = 'compliant') as compliant,
                count(*) filter (where sla_status = 'breached') as breached,
                count(*) filter (where sla_status = 'open_breached') as open_breached,
                count(*) filter (where sla_status = 'open_within_target') as open_within_target
            from read_parquet('report_sla.parquet')
            group by all
        ),
        mart as (
            select
                date_day, reporter_type, channel,
                sum(reports) as reports, sum(decided) as decided, sum(compliant) as compliant,
                sum(breached) as breached, sum(open_breached) as open_breached,
                sum(open_within_target) as open_within_target
            from marts.fct_sla_compliance_daily
            group by all
            having sum(reports) > 0
        )
        select
            count(*),
            count(*) filter (
                where truth.reports is distinct from mart.reports
                or truth.compliant is distinct from mart.compliant
                or truth.breached is distinct from mart.breached
                or truth.compliant + truth.breached is distinct from mart.decided
                or truth.open_breached is distinct from mart.open_breached
                or truth.open_within_target is distinct from mart.open_within_target
            ),
            sum(truth.open_breached)
        from truth
        full join mart using (date_day, reporter_type, channel)
        """
    ).fetchone()
    rates = con.execute(
        """
        select count(*) filter (where compliance_rate is distinct from round(
            compliant / nullif(decided + open_breached, 0), 8)::decimal(18, 8)),
            count(*) filter (where open_breached > 0 and compliance_rate = 1)
        from marts.fct_sla_compliance_daily
        """
    ).fetchone()
    print(f"\nSLA cohorts: {cells - differing}/{cells} cells equal the truth; {open_breached} open breaches")
    assert cells > 0
    assert differing == 0
    assert open_breached > 0, "the data should hold an open breach for the rate to be tested"
    assert rates == (0, 0)


def check_proactive_rate(con: duckdb.DuckDBPyConnection) -> None:
    cells, differing, actioned, proactive = con.execute(
        """
        select
            count(*),
            count(*) filter (
                where truth.actioned_items is distinct from mart.actioned_items
                or truth.proactive_items is distinct from mart.proactive_items
            ),
            sum(truth.actioned_items),
            sum(truth.proactive_items)
        from read_parquet('proactive_daily.parquet') as truth
        full join marts.fct_proactive_rate_daily as mart using (date_day, policy_area)
        """
    ).fetchone()
    print(f"\nproactive rate: {cells - differing}/{cells} cells equal the truth; {proactive}/{actioned} proactive")
    assert actioned > 0 and 0 < proactive < actioned
    assert differing == 0


def test_xs_unwanted_impressions_equal_truth(xs_truth: duckdb.DuckDBPyConnection):
    check_unwanted_impressions(xs_truth)


def test_xs_report_sla_equals_truth(xs_truth: duckdb.DuckDBPyConnection):
    check_report_sla(xs_truth, min_reports=50)


def test_xs_sla_compliance_cohorts_equal_truth(xs_truth: duckdb.DuckDBPyConnection):
    check_sla_compliance_daily(xs_truth)


def test_xs_proactive_rate_equals_truth(xs_truth: duckdb.DuckDBPyConnection):
    check_proactive_rate(xs_truth)


@pytest.mark.slow
def test_s_interval_covers_true_daily_prevalence(s_truth: duckdb.DuckDBPyConnection):
    check_prevalence_coverage(s_truth)


@pytest.mark.slow
def test_s_unwanted_impressions_equal_truth_exactly(s_truth: duckdb.DuckDBPyConnection):
    check_unwanted_impressions(s_truth)


@pytest.mark.slow
def test_s_every_report_sla_status_equals_truth(s_truth: duckdb.DuckDBPyConnection):
    check_report_sla(s_truth, min_reports=1000)


@pytest.mark.slow
def test_s_sla_compliance_cohorts_equal_truth(s_truth: duckdb.DuckDBPyConnection):
    check_sla_compliance_daily(s_truth)


@pytest.mark.slow
def test_s_proactive_rate_equals_truth(s_truth: duckdb.DuckDBPyConnection):
    check_proactive_rate(s_truth)
