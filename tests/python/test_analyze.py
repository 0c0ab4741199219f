"""`integrity analyze`: every analysis compiles with dbt and runs on a built xs warehouse."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import duckdb
import pytest

from orchestration import analyze
from orchestration.errors import UserError
from orchestration.paths import data_paths

HEADLINE_ANALYSES = {
    "weekly_spam_review",
    "breached_reports_to_follow_up",
    "campaign_by_link_domain",
    "prevalence_by_surface_and_country",
    "unwanted_impressions_by_detection_source",
    "appeal_overturns_by_policy",
}


def test_the_analyst_questions_are_there():
    assert set(analyze.available_analyses()) >= HEADLINE_ANALYSES


@pytest.fixture(scope="module")
def compiled(xs_data_dir: Path) -> dict[str, str]:
    return analyze.compile_analyses(analyze.available_analyses(), data_paths(xs_data_dir))


@pytest.mark.parametrize("name", analyze.available_analyses())
def test_every_analysis_runs(name: str, compiled: dict[str, str], xs_data_dir: Path):
    result = analyze.run_analysis(name, data_paths(xs_data_dir), sql=compiled[name])
    assert result.columns, f"{name} returned no columns"
    assert "{{" not in result.sql and "ref(" not in result.sql


def test_cli_writes_csv_and_prints(xs_data_dir: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("INTEGRITY_DATA_DIR", str(xs_data_dir))
    out = tmp_path / "weekly.csv"
    args = argparse.Namespace(name="weekly_spam_review", out=out, list=False, limit=5)
    assert analyze.run(args) == 0
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "week_start"
    assert 1 < len(rows) <= 9
    printed = capsys.readouterr().out
    assert "week_start" in printed and "prevalence_shown_per_10k" in printed


def test_weekly_review_matches_the_marts(compiled: dict[str, str], xs_data_dir: Path):
    """The weekly unwanted impressions are the daily mart's, summed by ISO week."""
    result = analyze.run_analysis(
        "weekly_spam_review", data_paths(xs_data_dir), sql=compiled["weekly_spam_review"]
    )
    col = result.columns.index("unwanted_impressions")
    con = duckdb.connect(str(result.database), read_only=True)
    try:
        by_week = dict(
            con.execute(
                "select date_trunc('week', date_day)::date, sum(unwanted_impressions)::bigint "
                "from marts.fct_unwanted_impressions_daily group by all"
            ).fetchall()
        )
    finally:
        con.close()
    for row in result.rows:
        assert row[col] == by_week[row[0]]


def test_unknown_analysis_lists_the_names(xs_data_dir: Path):
    with pytest.raises(UserError, match="weekly_spam_review"):
        analyze.run_analysis("no_such_analysis", data_paths(xs_data_dir))


def test_missing_warehouse_is_a_clear_error(tmp_path: Path):
    with pytest.raises(UserError, match="no warehouse.*weekly_spam_review"):
        analyze.run_analysis("weekly_spam_review", data_paths(tmp_path / "empty"))


def test_published_copy_is_preferred(tmp_path: Path):
    paths = data_paths(tmp_path)
    paths.published_dir.mkdir(parents=True)
    paths.warehouse.write_bytes(b"")
    paths.published.write_bytes(b"")
    assert analyze._database(paths) == (paths.published, True)
    paths.published.unlink()
    assert analyze._database(paths) == (paths.warehouse, False)
