"""The DSA report models against the simulator's DSA truth (`<data>/truth/dsa_<YYYY>.parquet`).

The simulator writes, per calendar year of the simulated days, what a perfect warehouse reports
for that year from exactly the files it delivered, written from dsa.md and metrics.md, not from
the SQL (orchestration/simulator/truth_dsa.py). Here the `dsa` models are built for the year in a
private copy of the xs data dir and compared with it:

- Part 4: notices and trusted-flagger notices received, actions on notices by decision ground
  (counts exact), median hours to action (within 0.01 h);
- Parts 5 and 6: own-initiative measures, total and per DSA category, those solely automated and
  those after automated detection (exact);
- Part 7: complaints and out-of-court disputes filed, outcomes by kind (exact), median hours to
  resolve (within 0.01 h), share of implemented dispute outcomes;
- Part 8: measures and notices solely / not solely by automated means (exact); per automated
  system and pooled, the review-precision numerator and denominator and the enforcing hits, the
  sample counts (exact), sample precision, recall and accuracy (1e-6), in the operations mart
  (`fct_automated_means_quality`, year) and in the published Part 8 rows.
"""

from __future__ import annotations

import math
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from helpers_warehouse import at_stable_path

from orchestration.dsa.period import parse_period
from orchestration.dsa.report import build_models
from orchestration.paths import data_paths

pytestmark = pytest.mark.slow

YEAR = 2026  # the xs simulation covers 2026-10-18 .. 2026-10-31
HOURS_TOL = 0.01
RATE_TOL = 1e-6


@pytest.fixture(scope="module")
def data_copy(xs_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("dsa-truth") / "data"
    shutil.copytree(xs_data_dir, target, ignore=shutil.ignore_patterns("*.wal", "exports", "state"))
    with at_stable_path(target) as paths:
        build_models(parse_period(str(YEAR)), "online_platform", paths)
    return target


@pytest.fixture(scope="module")
def con(data_copy: Path):
    truth = data_copy / "truth" / f"dsa_{YEAR}.parquet"
    assert truth.exists(), f"the simulator wrote no DSA truth for {YEAR}"
    c = duckdb.connect(str(data_paths(data_copy).warehouse), read_only=True)
    c.execute("set TimeZone = 'UTC'")
    c.execute(f"create temp view truth as select * from read_parquet('{truth}')")
    period = c.execute("select period_start, period_end from dsa.dsa_report_period").fetchone()
    assert period == (date(YEAR, 1, 1), date(YEAR, 12, 31))
    yield c
    c.close()


def _truth(con, part: str, indicator: str, scope: str = "total", detector: str | None = None) -> float | None:
    rows = con.execute(
        "select value from truth where part = ? and indicator = ? and scope = ? and detector is not distinct from ?",
        [part, indicator, scope, detector],
    ).fetchall()
    assert len(rows) == 1, (part, indicator, scope, detector, rows)
    return rows[0][0]


def _num(v) -> float | None:
    return None if v is None else float(v)


def _close(got, want, tol: float) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return math.isclose(float(got), float(want), abs_tol=tol)


def _count(got) -> int:
    return 0 if got is None else int(got)


def test_truth_has_every_part(con) -> None:
    parts = {r[0] for r in con.execute("select distinct part from truth").fetchall()}
    assert parts == {"4", "5", "6", "7", "8"}
    # the xs year has something to compare in each part
    assert _truth(con, "4", "notices") > 0 and _truth(con, "4", "notices_acted") > 0
    assert _truth(con, "6", "measures") > 0 and _truth(con, "7", "complaints") > 0
    assert _truth(con, "8", "enforce_hits") > 0 and _truth(con, "8", "labelled_samples") > 0


def test_part4_notices_actions_and_median_time_to_action(con) -> None:
    got = con.execute(
        "select notices, notices_tf, actions_law, actions_law_tf, actions_terms, actions_terms_tf, "
        "median_hours_action, median_hours_action_tf from dsa.dsa_part4_notices where row_level = 'total'"
    ).fetchall()
    assert len(got) == 1
    g = got[0]
    counts = {
        ("notices", "total"): g[0], ("notices", "trusted_flagger"): g[1],
        ("actions_law", "total"): g[2], ("actions_law", "trusted_flagger"): g[3],
        ("actions_terms", "total"): g[4], ("actions_terms", "trusted_flagger"): g[5],
    }
    for (indicator, scope), value in counts.items():
        assert _count(value) == _truth(con, "4", indicator, scope), (indicator, scope)
    for scope, value in (("total", g[6]), ("trusted_flagger", g[7])):
        want = _truth(con, "4", "median_hours_action", scope)
        assert _close(_num(value), want, HOURS_TOL), (scope, value, want)


def test_part4_median_is_over_the_notices_acted_on_in_the_period(con) -> None:
    got = con.execute(
        "select count(*) filter (where first_action_at >= make_date(?, 1, 1) "
        "and first_action_at < make_date(? + 1, 1, 1)) from intermediate.int_dsa_notices where notice_kind = 'notice'",
        [YEAR, YEAR],
    ).fetchone()[0]
    assert got == _truth(con, "4", "notices_acted")


@pytest.mark.parametrize(("part", "model"), [("5", "dsa_part5_own_initiative_illegal"),
                                             ("6", "dsa_part6_own_initiative_tc")])
def test_parts5_6_own_initiative_measures(con, part: str, model: str) -> None:
    got = {
        (r[0] or "total"): (r[1], r[2])
        for r in con.execute(
            f"select category, measures, measures_solely_automated from dsa.{model} "
            "where row_level in ('total', 'category')"
        ).fetchall()
    }
    want = {
        r[0]: (int(r[1]), int(r[2]))
        for r in con.execute(
            "select scope, max(value) filter (where indicator = 'measures'), "
            "max(value) filter (where indicator = 'measures_solely_automated') "
            "from truth where part = ? group by scope",
            [part],
        ).fetchall()
    }
    got.setdefault("total", (0, 0))  # no measures at all: the model has no total row
    assert {k: (_count(a), _count(b)) for k, (a, b) in got.items()} == want
    ground = "illegal" if part == "5" else "terms"
    detected = con.execute(
        "select count(*) filter (where actions.automated_detection) from intermediate.int_dsa_own_initiative_measures as m "
        "inner join intermediate.int_dsa_actions as actions on m.action_id = actions.action_id where m.decision_ground = ?",
        [ground],
    ).fetchone()[0]
    assert detected == _truth(con, part, "measures_automated_detection")


def test_part7_complaints_and_disputes(con) -> None:
    got = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "select indicator, scope, figure from dsa.dsa_part7_complaints where indicator in ('complaints', 'disputes')"
        ).fetchall()
    }
    for indicator in ("complaints", "disputes"):
        for scope in ("total", "upheld", "partially_reversed", "reversed", "omitted"):
            assert _count(got[(indicator, scope)]) == _truth(con, "7", indicator, scope), (indicator, scope)
        want = _truth(con, "7", indicator, "median_hours")
        assert _close(_num(got[(indicator, "median_hours")]), want, HOURS_TOL), (indicator, want)
    want = _truth(con, "7", "disputes", "share_implemented")
    assert _close(_num(got[("disputes", "share_implemented")]), want, RATE_TOL)


def test_part8_measures_and_notices_by_automated_means(con) -> None:
    got = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "select indicator, scope, figure from dsa.dsa_part8_automated_means where detector is null "
            "and indicator in ('measures_solely_automated', 'measures_not_automated', "
            "'notices_solely_automated', 'notices_not_automated')"
        ).fetchall()
    }
    for indicator, scope in (
        ("measures_solely_automated", "total"), ("measures_not_automated", "total"),
        ("measures_solely_automated", "own_initiative"), ("measures_not_automated", "own_initiative"),
        ("notices_solely_automated", "nam_total"), ("notices_not_automated", "nam_total"),
        ("notices_solely_automated", "nam_trusted_flagger"), ("notices_not_automated", "nam_trusted_flagger"),
    ):
        assert _count(got[(indicator, scope)]) == _truth(con, "8", indicator, scope), (indicator, scope)
    # the cross-part identities of dsa.md hold in the truth too
    assert _truth(con, "8", "notices_solely_automated", "nam_total") + _truth(
        con, "8", "notices_not_automated", "nam_total") == _truth(con, "4", "notices")
    assert _truth(con, "8", "measures_solely_automated", "own_initiative") == _truth(
        con, "5", "measures_solely_automated") + _truth(con, "6", "measures_solely_automated")


def _detectors(con) -> list[str | None]:
    names = [r[0] for r in con.execute(
        "select distinct detector from truth where part = '8' and indicator = 'enforce_hits' order by 1"
    ).fetchall()]
    assert None in names and len(names) >= 2
    return names


def test_part8_automated_systems_in_the_operations_mart(con) -> None:
    mart = {
        (None if r[0] == "all" else f"{r[0]} v{r[1]}"): r[2:]
        for r in con.execute(
            "select detector_id, detector_version, enforce_hits, reviewed_hits, violating_hits, labelled_samples, "
            "spam_samples, flagged_samples, true_positive_samples, review_precision, sample_precision, recall, "
            "accuracy from marts.fct_automated_means_quality where period_type = 'year' and period_start = ?",
            [date(YEAR, 1, 1)],
        ).fetchall()
    }
    names = _detectors(con)
    assert sorted(mart, key=str) == sorted(names, key=str)
    counts = ["enforce_hits", "reviewed_hits", "violating_hits", "labelled_samples", "positive_samples",
              "flagged_samples", "flagged_positive_samples"]
    rates = ["review_precision", "sample_precision", "recall", "accuracy"]
    for name in names:
        row = mart[name]
        for i, indicator in enumerate(counts):
            assert _count(row[i]) == _truth(con, "8", indicator, detector=name), (name, indicator)
        for i, indicator in enumerate(rates, start=len(counts)):
            want = _truth(con, "8", indicator, detector=name)
            assert _close(_num(row[i]), want, RATE_TOL), (name, indicator, row[i], want)


def test_part8_published_precision_recall_accuracy_per_system(con) -> None:
    got = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "select indicator, detector, figure from dsa.dsa_part8_automated_means "
            "where scope = 'total' and indicator in ('precision', 'recall', 'accuracy')"
        ).fetchall()
    }
    for name in _detectors(con):
        # precision: sample-weighted with at least 10 flagged violating samples, else review-based (dsa_part8)
        basis = "sample_precision" if _truth(con, "8", "flagged_positive_samples", detector=name) >= 10 \
            else "review_precision"
        for indicator, truth_indicator in (("precision", basis), ("recall", "recall"), ("accuracy", "accuracy")):
            want = _truth(con, "8", truth_indicator, detector=name)
            assert _close(_num(got[(indicator, name)]), want, RATE_TOL), (name, indicator, got[(indicator, name)], want)
