"""The DSA report built from the simulated xs warehouse: consistency of every part.

Builds the `dsa` models for the period in a private copy of the xs data dir (the fixture's own
warehouse is never written), exports the report, and checks the figures against each other and
against the marts.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from orchestration.dsa.report import export_report, latest_period_with_data
from orchestration.dsa.sor import candidate_days, run_export
from orchestration.dsa.sor_validate import validate
from orchestration.dsa.templates import (
    CATEGORY_COL,
    CATEGORY_MEASURES,
    LANGUAGES,
    MEMBER_STATES,
    collapse_to_skeleton,
    load_template,
    template_path,
    template_skeleton,
)
from orchestration.errors import UserError
from orchestration.paths import data_paths

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_copy(xs_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("dsa") / "data"
    shutil.copytree(xs_data_dir, target, ignore=shutil.ignore_patterns("*.wal", "exports", "state"))
    return target


@pytest.fixture(scope="module")
def period(data_copy: Path):
    return latest_period_with_data(data_paths(data_copy), "online_platform")


@pytest.fixture(scope="module")
def export(data_copy: Path, period):
    # two weeks of xs data cannot cover a year: the report is written marked partial
    return export_report(period, data_paths(data_copy), provider_type="online_platform", partial=True)


def _read(out_dir: Path, part: int) -> tuple[list[str], list[list[str]]]:
    with (out_dir / template_path(part).name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _num(text: str) -> float:
    return float(text) if text != "" else 0.0


def _marts(data_copy: Path) -> duckdb.DuckDBPyConnection:
    paths = data_paths(data_copy)
    return duckdb.connect(str(paths.warehouse), read_only=True)


def test_export_is_complete_and_matches_the_official_skeletons(export) -> None:
    assert export.version == 1 and export.warnings == []
    for part in range(1, 12):
        header, rows = _read(export.out_dir, part)
        assert header == load_template(part).header
        skeleton = collapse_to_skeleton(part, header, rows)
        expected = template_skeleton(part)
        if part == 8:
            # Only the documented reading of the per-language accuracy groups differs.
            diff = [(a, b) for a, b in zip(skeleton, expected, strict=True) if a != b]
            assert all(a[4] != b[4] and a[:4] + a[5:] == b[:4] + b[5:] for a, b in diff)
        elif part == 3 and not any(r[5] not in ("TOTAL",) for r in rows):
            # No member state sent an order: the per-state rows are all removed.
            assert skeleton == [r for r in expected if r[5] == "TOTAL"]
        else:
            assert skeleton == expected, part


def _category_tree(rows: list[list[str]], scope_col: int | None):
    """parent rows and their sub-category rows, per scope."""
    parents: dict[tuple[str, str], list[str]] = {}
    children: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    totals: dict[str, list[str]] = {}
    parent = ""
    for row in rows:
        scope = row[scope_col] if scope_col is not None else "TOTAL"
        code = row[CATEGORY_COL]
        if code == "TOTAL":
            totals[scope] = row
        elif code.startswith("STATEMENT_CATEGORY_"):
            parent = code
            parents[(parent, scope)] = row
        else:
            children[(parent, scope)].append(row)
    return parents, children, totals


@pytest.mark.parametrize("part", [3, 4, 5, 6])
def test_parent_equals_sum_of_subcategories_and_total_equals_sum_of_categories(export, part: int) -> None:
    header, rows = _read(export.out_dir, part)
    n_label = CATEGORY_COL + 2 + (1 if part == 3 else 0)
    count_cols = [n_label + i for i, (_, kind) in enumerate(CATEGORY_MEASURES[part]) if kind == "count"]
    parents, children, totals = _category_tree(rows, 5 if part == 3 else None)
    checked = 0
    for (parent, scope), prow in parents.items():
        kids = children.get((parent, scope), [])
        for col in count_cols:
            if kids:
                assert _num(prow[col]) == sum(_num(k[col]) for k in kids), (part, parent, scope, header[col])
                checked += 1
    for scope, trow in totals.items():
        for col in count_cols:
            assert _num(trow[col]) == sum(_num(p[col]) for (c, s), p in parents.items() if s == scope), (
                part, scope, header[col])  # fmt: skip
    assert checked > 0
    if part == 3:
        # The TOTAL scope equals the sum over the member states that sent orders.
        by_code: dict[tuple[str, int], dict[str, list[str]]] = defaultdict(dict)
        occurrence: dict[tuple[str, str], int] = defaultdict(int)
        for row in rows:
            key = (row[CATEGORY_COL] + row[CATEGORY_COL + 1], row[5])
            occurrence[key] += 1
            by_code[(key[0], occurrence[key])][row[5]] = row
        for scopes in by_code.values():
            states = [r for s, r in scopes.items() if s != "TOTAL"]
            if states:
                for col in count_cols:
                    assert _num(scopes["TOTAL"][col]) == sum(_num(r[col]) for r in states)


@pytest.mark.parametrize("part", [5, 6])
def test_restriction_types_add_up_to_measures(export, part: int) -> None:
    header, rows = _read(export.out_dir, part)
    first = header.index("Visibility restriction Removal")
    last = header.index("Account restriction Termination")
    for row in rows:
        if row[5] == "":
            continue
        assert sum(_num(v) for v in row[first : last + 1]) == _num(row[5]), row[3]
        assert _num(row[6]) <= _num(row[5])  # solely automated is a subset


def test_part4_notices_equal_the_periods_dsa_notices_in_the_marts(export, data_copy, period) -> None:
    header, rows = _read(export.out_dir, 4)
    total = next(r for r in rows if r[CATEGORY_COL] == "TOTAL")
    with _marts(data_copy) as con:
        notices, tf, median = con.execute(
            """
            select count(*), count(*) filter (where reporter_type = 'trusted_flagger'),
                   quantile_cont(hours_to_action, 0.5)
            from marts.fct_report_sla
            where is_dsa_notice and reporter_type != 'authority'
              and received_at >= ? and received_at < ?::date + 1
            """,
            [period.start, period.end],
        ).fetchone()
    assert notices > 0
    assert int(total[header.index("Number of notices received ")]) == notices
    assert int(total[header.index("Number of notices received from Trusted flaggers")]) == tf
    # Median time in hours, the same as the SLA mart's hours_to_action (rounded to 2 decimals).
    assert abs(float(total[header.index("Median time to take action")]) - float(median)) < 0.01


def test_medians_are_hours_and_ratios_are_in_unit_interval(export) -> None:
    for part in (3, 4, 7):
        header, rows = _read(export.out_dir, part)
        cols = [i for i, h in enumerate(header) if h.startswith("Median time")]
        if part == 7:
            cols = [header.index("Value")]
            rows = [r for r in rows if r[5] == "Median time"]
        for row in rows:
            for col in cols:
                if row[col] != "":
                    assert 0 <= float(row[col]) < 24 * 366  # hours within a year
    header, rows = _read(export.out_dir, 8)
    ratios = [r for r in rows if r[4].startswith("Accuracy of the automated means")]
    assert ratios
    filled = [float(r[6]) for r in ratios if r[6] != ""]
    assert filled and all(0.0 <= v <= 1.0 for v in filled)
    _, rows7 = _read(export.out_dir, 7)
    for r in rows7:
        if r[5] == "Percentage of outcomes implemented" and r[6] != "":
            assert 0.0 <= float(r[6]) <= 1.0


def test_part8_has_a_row_per_automated_system_and_a_pooled_row(export, data_copy, period) -> None:
    """Annex II asks for one row per automated system: each repeats the template's indicator and
    scope text exactly, its context starts `<detector> v<version>:`, and the pooled row says so."""
    header, rows = _read(export.out_dir, 8)
    ind, scope, value, ctx = (header.index(c) for c in ("Indicator", "Scope", "Value", "Contextual Information"))
    template_texts = {(r[ind], r[scope]) for r in load_template(8).rows}
    with _marts(data_copy) as con:
        systems = con.execute(
            """
            select detector_id || ' v' || detector_version, sample_precision, review_precision,
                   true_positive_samples
            from marts.fct_automated_means_quality
            where period_type = 'year' and period_start = ? and detector_id != 'all'
            order by 1
            """,
            [period.start],
        ).fetchall()
    assert len(systems) >= 3
    precision_rows = [r for r in rows if r[ind] == "Accuracy of the automated means - Precision" and r[scope] == "Total number"]
    assert precision_rows[0][ctx].startswith("Pooled over all automated detectors: ")
    by_system = {r[ctx].split(":")[0]: r for r in precision_rows[1:]}
    assert sorted(by_system) == [name for name, *_ in systems]
    for name, sample_precision, review_precision, flagged_violating in systems:
        row = by_system[name]
        assert (row[ind], row[scope]) in template_texts
        expected = sample_precision if flagged_violating >= 10 else review_precision
        assert abs(float(row[value]) - float(expected)) < 5e-5
        assert ("sample-weighted" if flagged_violating >= 10 else "human-review precision") in row[ctx]
        assert "95% interval" in row[ctx]
    for indicator in ("Accuracy of the automated means - Accuracy", "Accuracy of the automated means - Recall"):
        total = [r for r in rows if r[ind] == indicator and r[scope] == "Total number"]
        assert len(total) == 1 + len(systems)
        assert all("95% interval" in r[ctx] for r in total)


def test_part8_measures_add_up(export, data_copy, period) -> None:
    _, rows = _read(export.out_dir, 8)
    value = {(r[4].strip(), r[5].strip()): r[6] for r in rows}
    solely = int(value[("Number of measures solely taken by automated means", "Total number")])
    not_solely = int(value[("Number of measures not taken by automated means", "Total number")])
    with _marts(data_copy) as con:
        (measures,) = con.execute(
            """
            select count(*) from marts.fct_enforcement_actions
            where is_eea_scope and decided_at >= ? and decided_at < ?::date + 1
            """,
            [period.start, period.end],
        ).fetchone()
    assert solely + not_solely == measures
    own = int(value[("Number of measures solely taken by automated means", "Own-initiative")])
    _, rows5 = _read(export.out_dir, 5)
    _, rows6 = _read(export.out_dir, 6)
    total5 = next(r for r in rows5 if r[3] == "TOTAL")
    total6 = next(r for r in rows6 if r[3] == "TOTAL")
    assert own == int(total5[6]) + int(total6[6])


def test_part7_outcomes_fit_in_totals(export) -> None:
    _, rows = _read(export.out_dir, 7)
    values: dict[str, dict[str, str]] = defaultdict(dict)
    for r in rows:
        values[r[4].strip()][r[5]] = r[6]
    complaints = values["Number of complaints submitted to the internal-complaints mechanism"]
    outcomes = sum(_num(complaints[k]) for k in ("Decisions upheld", "Decisions partially reversed",
                                                  "Decisions reversed", "Decision omitted"))  # fmt: skip
    assert outcomes <= _num(complaints["Total number"])
    by_basis = [
        v["Total number"] for k, v in values.items() if k.startswith("Complaint regarding a decision to ")
    ]
    assert sum(_num(v) for v in by_basis) == _num(complaints["Total number"])


def test_blank_applicable_figures_always_say_why(export) -> None:
    for part in (3, 4, 5, 6):
        header, rows = _read(export.out_dir, part)
        n = len(CATEGORY_MEASURES[part])
        first = len(header) - 2 * n
        for row in rows:
            for i in range(n):
                if row[first + i] == "":
                    assert row[first + n + i].strip(), (part, row[3], header[first + i])
    for part in (7, 8):
        header, rows = _read(export.out_dir, part)
        for row in rows:
            if not row[0].startswith("Only for VLOPs") and row[6] == "":
                assert row[7].strip(), (part, row[4], row[5])


def test_a_period_the_data_does_not_cover_is_refused_or_marked_partial(export, data_copy, period) -> None:
    """dsa.md, coverage: two weeks of deliveries (2026-10-18..31) cannot stand for the year 2026."""
    paths = data_paths(data_copy)
    with _marts(data_copy) as con:
        first, last = con.execute(
            f"select min(delivered_dt), max(delivered_dt) from read_parquet('{paths.raw_zone}/ledger.parquet') "
            "where feed in ('reports', 'review_events', 'enforcement_actions', 'rule_hits', 'appeals', "
            "'prevalence_samples')"
        ).fetchone()
    with pytest.raises(UserError) as refused:
        export_report(period, paths, provider_type="online_platform", build=False)
    message = str(refused.value)
    assert "\n" not in message
    assert f"data from {first} to {last}" in message and "--partial" in message
    versions = sorted(p.name for p in export.out_dir.parent.iterdir() if p.name.startswith("v"))
    assert versions == [export.out_dir.name], "a refused report must not write a version"
    note = f"partial: data from {first} to {last}"
    assert export.partial == note
    manifest = json.loads((export.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["partial"] == note
    assert manifest["coverage"] == {"start": str(first), "end": str(last), "max_lateness_days": 14,
                                    "is_complete": False}  # fmt: skip
    assert f"Partial report — {note}" in (export.out_dir / "report.html").read_text(encoding="utf-8")
    _, rows11 = _read(export.out_dir, 11)
    assert rows11[0][4].startswith(note)


def test_online_platform_leaves_vlop_parts_blank(export) -> None:
    for part in (9, 10):
        _, rows = _read(export.out_dir, part)
        assert all(all(v == "" for v in r[6:]) for r in rows)


def test_vlop_report_fills_human_resources_and_recipients(data_copy: Path) -> None:
    paths = data_paths(data_copy)
    period = latest_period_with_data(paths, "vlop")
    result = export_report(period, paths, provider_type="vlop", partial=True)
    assert result.out_dir.parent.name == period.label and "-H" in period.label
    _, rows9 = _read(result.out_dir, 9)
    value = {(r[4].strip(), r[5]): r[6] for r in rows9}
    internal = int(value[("Number of internal moderators employed by the provider", "Total number")])
    external = int(value[("Number of external moderators contracted by the provider", "Total number")])
    total = int(value[("Number of total moderators with sufficient linguistic expertise", "Total number")])
    assert internal + external == total > 0
    per_language = [
        int(value[("Number of total moderators with sufficient linguistic expertise", lang)])
        for lang in LANGUAGES
    ]
    assert max(per_language) <= total
    _, rows10 = _read(result.out_dir, 10)
    assert [r[5] for r in rows10] == ["TOTAL", *MEMBER_STATES]
    states = [int(r[6]) for r in rows10[1:]]
    # The EU total is the delivered de-duplicated EU figure, not the sum of member states.
    with _marts(data_copy) as con:
        eu_average = con.execute(
            "select round(avg(recipients)) from staging.stg_platform__monthly_active_recipients "
            "where country = 'EU' and month >= ? and month <= ?",
            [period.start, period.end],
        ).fetchone()[0]
    assert int(rows10[0][6]) == int(eu_average)
    assert int(rows10[0][6]) < sum(states)
    _, rows8 = _read(result.out_dir, 8)
    assert all(r[6] != "" or r[7] != "" for r in rows8 if r[5] in LANGUAGES)


def test_statements_of_reasons_for_the_simulated_days(data_copy: Path) -> None:
    paths = data_paths(data_copy)
    days = candidate_days(paths)
    assert days
    total_valid = 0
    for day in days:
        result = run_export(day, paths)
        total_valid += result.valid
        out = Path(result.out_dir)
        for batch in (out / "batches").glob("batch-*.json"):
            body = json.loads(batch.read_text())
            assert set(body) == {"statements"} and 1 <= len(body["statements"]) <= 100
            assert all(validate(s) == [] for s in body["statements"])
    assert total_valid > 0
    # Re-running every day mints nothing new.
    again = [run_export(day, paths) for day in days]
    assert sum(r.minted for r in again) == 0 and sum(r.newly_batched for r in again) == 0
