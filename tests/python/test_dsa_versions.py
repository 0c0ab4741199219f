"""Report exports are immutable versions; a changed re-export is marked a restatement."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from orchestration.dsa.html import render_html
from orchestration.dsa.period import parse_period
from orchestration.dsa.report import previous_publication, write_version
from orchestration.dsa.templates import ReportInputs, fill_report


def _inputs(notices: int, publication: date = date(2026, 8, 1)) -> ReportInputs:
    return ReportInputs(
        period=parse_period("2026-H1"),
        provider_type="online_platform",
        service="Example service",
        provider_name="Example provider",
        publication_date=publication,
        category_facts={4: [{"row_level": "total", "notices": notices}]},
    )


def _export(inputs: ReportInputs, exports: Path):
    return write_version(fill_report(inputs), inputs, exports)


def test_versions_are_new_immutable_directories(tmp_path: Path) -> None:
    first = _export(_inputs(5), tmp_path)
    assert first.version == 1 and first.restatement_of is None
    assert first.out_dir == tmp_path / "dsa" / "2026-H1" / "v1"
    files = sorted(p.name for p in first.out_dir.iterdir())
    assert len([f for f in files if f.endswith(".csv")]) == 11
    assert {"report.html", "manifest.json", "figures.json"} <= set(files)
    for p in first.out_dir.iterdir():
        assert not os.access(p, os.W_OK) or os.geteuid() == 0
        assert (p.stat().st_mode & 0o222) == 0  # read-only for everyone
    v1_bytes = {p.name: p.read_bytes() for p in first.out_dir.iterdir()}

    # Same figures, another day: a new version, not a restatement.
    second = _export(_inputs(5, publication=date(2026, 8, 2)), tmp_path)
    assert second.version == 2 and second.restatement_of is None and second.changes == []
    assert not (second.out_dir / "RESTATEMENT.md").exists()

    # Changed figures: a restatement of the latest version, listing what changed.
    third = _export(_inputs(7), tmp_path)
    assert third.version == 3 and third.restatement_of == 2
    changed = [(c["part"], c["column"], c["old"], c["new"]) for c in third.changes]
    assert (4, "Number of notices received ", "5", "7") in changed
    restatement = (third.out_dir / "RESTATEMENT.md").read_text()
    assert "Restatement of v2" in restatement and "`5` → `7`" in restatement
    manifest = json.loads((third.out_dir / "manifest.json").read_text())
    assert manifest["restatement_of"] == 2 and manifest["version"] == 3
    assert "Restatement of v2" in (third.out_dir / "report.html").read_text()

    # The first version was never touched.
    assert {p.name: p.read_bytes() for p in first.out_dir.iterdir()} == v1_bytes


def test_previous_publication_is_the_latest_earlier_period(tmp_path: Path) -> None:
    _export(_inputs(5, publication=date(2026, 8, 1)), tmp_path)
    later = parse_period("2026-H2")
    assert previous_publication(tmp_path, later) == date(2026, 8, 1)
    assert previous_publication(tmp_path, parse_period("2026-H1")) is None


def test_html_is_self_contained() -> None:
    inputs = _inputs(5)
    report = fill_report(inputs)
    html = render_html(
        report.parts,
        title="t",
        period_text=inputs.period.template_text,
        provider_type="online_platform",
        version=1,
        restatement_of=None,
        changes=[],
        warnings=[],
        generated_at="now",
    )
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "<link" not in html and "@import" not in html
    for number in range(1, 12):
        assert f"id='part{number}'" in html
    assert html.count("<table>") == 11
