"""The headline marts against the simulator's truth.

The simulator writes, beside the landing zone, what a perfect warehouse computes from exactly the files
it delivered (`<data>/truth/`, written from the specs, not from the SQL). On simulated-and-built
warehouses:

- prevalence: pooled over the seeds `make test-truth` builds (scale s, seeds 42, 43, 44), the 95%
  interval covers the true prevalence in at least 93% of the cells with an estimate, for day × surface,
  ISO week × surface and month × listener country cells; the exact 99% lower bound is printed;
- fct_unwanted_impressions_daily equals the truth exactly, cell by cell (day × surface × country), in
  total, before and after the first signal;
- every report's SLA status (and target, first decision and first action) in fct_report_sla equals the
  truth's; the daily cohorts (compliant, breached, open breached, open within target) too;
- the proactive rate's counts per day and policy area equal the truth's.

The exact checks also run on the suite's xs warehouse (`xs_data_dir`, 14 days, with faults), in every
`make test`. The scale-s proofs need one simulation and build per seed (`make test-truth` makes them
and passes their data dirs in INTEGRITY_TRUTH_DATA_DIRS); without it they skip.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import duckdb
import pytest

MIN_COVERAGE = 0.93  # pooled over seeds 42-44, 95% nominal


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


def _truth_dirs() -> list[Path]:
    """The scale-s data dirs `make test-truth` built (one per seed), from INTEGRITY_TRUTH_DATA_DIRS
    (comma-separated) or INTEGRITY_TRUTH_DATA_DIR; none: the proofs are opt-in and skip."""
    given = os.environ.get("INTEGRITY_TRUTH_DATA_DIRS") or os.environ.get("INTEGRITY_TRUTH_DATA_DIR") or ""
    return [Path(d) for d in given.split(",") if d.strip()]


@pytest.fixture(scope="module")
def s_truths():
    dirs = _truth_dirs()
    if not dirs:
        pytest.skip("the scale-s truth proofs run in `make test-truth` (INTEGRITY_TRUTH_DATA_DIRS)")
    for d in dirs:
        assert (d / "warehouse.duckdb").exists() and (d / "truth").is_dir(), f"{d} holds no built warehouse and truth"
    cons = [_connect(d) for d in dirs]
    yield cons
    for con in cons:
        con.close()


COVERAGE_SQL = {
    "day x surface": """
        select truth.true_prevalence as truth, mart.ci_low, mart.ci_high, mart.prevalence
        from read_parquet('prevalence_daily.parquet') as truth
        left join marts.fct_spam_prevalence_daily as mart using (date_day, surface)
    """,
    "week x surface": """
        with truth as (
            select date_trunc('week', date_day)::date as period_start, surface,
                   sum(spam_impressions) / sum(impressions) as truth
            from read_parquet('prevalence_daily.parquet')
            group by all
        )
        select truth.truth, mart.ci_low, mart.ci_high, mart.prevalence
        from truth
        left join marts.fct_spam_prevalence_rollup as mart
            on mart.period_type = 'week' and truth.period_start = mart.period_start and truth.surface = mart.surface
    """,
    "month x country": """
        with truth as (
            select date_trunc('month', date_day)::date as period_start, country,
                   sum(spam_impressions) / sum(impressions) as truth
            from read_parquet('prevalence_by_country.parquet')
            group by all
        )
        select truth.truth, mart.ci_low, mart.ci_high, mart.prevalence
        from truth
        left join marts.fct_spam_prevalence_by_country as mart
            on mart.period_type = 'month' and truth.period_start = mart.period_start
            and truth.country = mart.country
    """,
}


def _binomial_lower_bound(successes: int, n: int, confidence: float = 0.99) -> float:
    """One-sided exact (Clopper-Pearson) lower bound on a proportion, by bisection on the
    binomial tail: the p at which P(X >= successes | n, p) = 1 - confidence."""
    if successes == 0:
        return 0.0

    def upper_tail(p: float) -> float:
        return sum(
            math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                     + k * math.log(p) + (n - k) * math.log1p(-p))
            for k in range(successes, n + 1)
        )

    lo, hi = 0.0, successes / n
    for _ in range(60):
        mid = (lo + hi) / 2
        if upper_tail(mid) < 1 - confidence:
            lo = mid
        else:
            hi = mid
    return lo


def check_prevalence_coverage_pooled(cons: list[duckdb.DuckDBPyConnection], min_coverage: float) -> None:
    """Pooled over the seeds: the 95% interval covers the true prevalence in at least
    `min_coverage` of the cells that have an estimate, for each family of cells."""
    for family, sql in COVERAGE_SQL.items():
        cells = covered = without_estimate = 0
        for con in cons:
            for truth, low, high, estimate in con.execute(sql).fetchall():
                if estimate is None:
                    without_estimate += 1
                    continue
                cells += 1
                covered += float(low) - 1e-8 <= truth <= float(high) + 1e-8
        share = covered / cells
        bound = _binomial_lower_bound(covered, cells)
        print(
            f"\nprevalence coverage, {family}: {covered}/{cells} = {share:.1%} over {len(cons)} seed(s) "
            f"(99% lower bound {bound:.1%}); {without_estimate} true cells without an estimate"
        )
        assert cells >= (10 if family == "month x country" else 50) * len(cons)
        assert share >= min_coverage, family


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
def test_s_intervals_cover_true_prevalence_over_the_seeds(s_truths: list[duckdb.DuckDBPyConnection]):
    check_prevalence_coverage_pooled(s_truths, MIN_COVERAGE)


@pytest.mark.slow
def test_s_unwanted_impressions_equal_truth_exactly(s_truths: list[duckdb.DuckDBPyConnection]):
    for con in s_truths:
        check_unwanted_impressions(con)


@pytest.mark.slow
def test_s_every_report_sla_status_equals_truth(s_truths: list[duckdb.DuckDBPyConnection]):
    for con in s_truths:
        check_report_sla(con, min_reports=1000)


@pytest.mark.slow
def test_s_sla_compliance_cohorts_equal_truth(s_truths: list[duckdb.DuckDBPyConnection]):
    for con in s_truths:
        check_sla_compliance_daily(con)


@pytest.mark.slow
def test_s_proactive_rate_equals_truth(s_truths: list[duckdb.DuckDBPyConnection]):
    for con in s_truths:
        check_proactive_rate(con)
