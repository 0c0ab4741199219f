"""`integrity dsa-report --period P`: the DSA harmonised transparency report for a period.

1. builds the DSA period's dbt models for the period through the Dagster job `dsa_report`
   (`--vars dsa_period_start/dsa_period_end/provider_type`), unless `--no-build`;
2. reads them read-only and fills the 11 official CSV templates (`templates.py`);
3. writes a new immutable version `<data>/exports/dsa/<period>/v<N>/`: the 11 CSV parts under
   their official file names, `report.html` (same numbers, for review), `manifest.json`;
   when the figures differ from the previous version, the new one is a restatement:
   `RESTATEMENT.md` lists every changed figure and the manifest says which version it restates.

Earlier versions are never modified (their files are made read-only).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from orchestration.dsa.html import render_html
from orchestration.dsa.period import HELP, Period, parse_period
from orchestration.dsa.templates import (
    CATEGORY_COL,
    PROVIDER_TYPES,
    FilledReport,
    ReportInputs,
    fill_report,
)
from orchestration.dsa.warehouse import fetch_dicts, read_only
from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, DataPaths, data_paths

CATEGORY_MODELS = {
    3: "dsa_part3_orders",
    4: "dsa_part4_notices",
    5: "dsa_part5_own_initiative_illegal",
    6: "dsa_part6_own_initiative_tc",
}
INDICATOR_MODELS = {
    7: "dsa_part7_complaints",
    8: "dsa_part8_automated_means",
    9: "dsa_part9_human_resources",
    10: "dsa_part10_amar",
}
VERSION_RE = re.compile(r"^v(\d+)$")
PUBLICATION_ROW = "Date of the publication of the report"


@dataclass(frozen=True)
class Coverage:
    """The delivery days the warehouse's event feeds cover, and whether they cover the period."""

    start: date | None
    end: date | None
    max_lateness_days: int
    is_complete: bool

    @property
    def text(self) -> str:
        return f"data from {self.start} to {self.end}"

    def refusal(self, period: Period) -> str:
        needed_end = period.end + timedelta(days=self.max_lateness_days)
        return (
            f"the data does not cover {period.template_text}: the event feeds hold {self.text}, a complete "
            f"report needs deliveries from {period.start} to {needed_end} (events arrive up to "
            f"{self.max_lateness_days} days late); write it marked partial with --partial"
        )


@dataclass
class ReportExport:
    period: str
    version: int
    out_dir: Path
    restatement_of: int | None
    changes: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    partial: str | None = None


def default_provider_type() -> str:
    """The dbt var `provider_type` from dbt_project.yml (online_platform unless changed there)."""
    text = (PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    m = re.search(r"^\s*provider_type:\s*([A-Za-z_]+)", text, re.MULTILINE)
    return os.environ.get("INTEGRITY_PROVIDER_TYPE") or (m.group(1) if m else "online_platform")


@contextmanager
def writer_lock(paths: DataPaths, timeout_seconds: float = 3600) -> Iterator[None]:
    """The warehouse writer lock Dagster runs also take (`<data>/state/warehouse.writer.lock`).

    Building the period's dsa models writes to the warehouse: wait for a running pipeline
    instead of failing on DuckDB's file lock.
    """
    paths.state.mkdir(parents=True, exist_ok=True)
    with open(paths.state / "warehouse.writer.lock", "a") as handle:
        deadline = time.monotonic() + timeout_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise UserError("another run holds the warehouse writer lock; try again later") from None
                time.sleep(1.0)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def period_run_config(period: Period, provider_type: str) -> dict:
    """Run config of the `dbt_dsa_period` assets for one reporting period."""
    return {
        "ops": {"dbt_dsa_period": {"config": {"period": period.template_text, "provider_type": provider_type}}},
        "loggers": {"console": {"config": {"log_level": "WARNING"}}},
    }


def build_models(period: Period, provider_type: str, paths: DataPaths) -> None:
    """Rebuild the DSA period's dbt models for `period` through the Dagster job `dsa_period`
    (dbt with the period's vars; Dagster records the run and every test as an asset check)."""
    from orchestration.runner import run_job

    outcome, _ = run_job(paths, "dsa_period", period_run_config(period, provider_type), quiet=True)
    if not outcome.success:
        raise UserError(
            f"building the dsa models for {period.template_text} failed:\n" + "\n".join(outcome.failures)
        )


def load_inputs(db: Path, period: Period, provider_type: str) -> ReportInputs:
    inputs = ReportInputs(period=period, provider_type=provider_type)
    with read_only(db) as con:
        meta = fetch_dicts(con, "select * from dsa.dsa_report_period")
        if not meta:
            raise UserError("dsa.dsa_report_period is empty; rebuild the dsa models")
        built = meta[0]
        if (str(built["period_start"]), str(built["period_end"])) != (
            period.start.isoformat(),
            period.end.isoformat(),
        ):
            raise UserError(
                f"the dsa models were built for {built['period_start']}/{built['period_end']}, not "
                f"{period.template_text}; run without --no-build"
            )
        if built.get("provider_type") != provider_type:
            raise UserError(f"the dsa models were built for provider type {built.get('provider_type')!r}")
        if not built.get("has_data"):
            raise UserError(
                f"no moderation data in the warehouse for {period.template_text}: nothing to report for this period"
            )
        inputs.coverage = Coverage(
            start=built.get("coverage_start"),
            end=built.get("coverage_end"),
            max_lateness_days=int(built.get("max_lateness_days") or 0),
            is_complete=bool(built.get("is_complete")),
        )
        for part, model in CATEGORY_MODELS.items():
            inputs.category_facts[part] = fetch_dicts(con, f"select * from dsa.{model}")
        for part, model in INDICATOR_MODELS.items():
            inputs.indicator_facts[part] = fetch_dicts(con, f"select * from dsa.{model}")
        spine = fetch_dicts(con, "select * from dsa.dsa_category_spine")
    for row in spine:
        if row.get("keyword") == "KEYWORD_OTHER" and row.get("other_description"):
            inputs.other_descriptions.setdefault(row["category"], []).append(row["other_description"])
        note = row.get("note")
        if note:
            key = row["keyword"] or row["category"]
            if key == "KEYWORD_OTHER":
                key = f"{row['category']}/KEYWORD_OTHER"
            previous = inputs.category_notes.get(key)
            inputs.category_notes[key] = f"{previous} {note}" if previous else note
    return inputs


# --- versions ---------------------------------------------------------------------------------


def _versions(period_dir: Path) -> list[int]:
    if not period_dir.exists():
        return []
    return sorted(
        int(m.group(1)) for p in period_dir.iterdir() if (m := VERSION_RE.match(p.name)) and p.is_dir()
    )


def _figures(report: FilledReport) -> dict[str, list[list[str]]]:
    """Everything that counts as a figure: all rows, minus the publication date in Part 1."""
    out = {}
    for number, part in report.parts.items():
        rows = part.rows
        if number == 1:
            rows = [r for r in rows if r[2] != PUBLICATION_ROW]
        out[str(number)] = rows
    return out


def _digest(figures: dict[str, list[list[str]]]) -> str:
    return hashlib.sha256(json.dumps(figures, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _label(part: int, header: list[str], row: list[str]) -> str:
    if part in (3, 4, 5, 6):
        bits = [row[CATEGORY_COL], row[CATEGORY_COL + 1]] + ([row[5]] if part == 3 else [])
    elif part in (7, 8, 9, 10):
        bits = [row[header.index("Indicator")].strip(), row[header.index("Scope")].strip()]
        if "Section" in header:
            bits.insert(0, row[header.index("Section")].strip())
    else:
        bits = row[:4]
    return " / ".join(b for b in bits if b)


def _labelled(part: int, header: list[str], rows: list[list[str]]) -> dict[str, list[str]]:
    """Rows by a readable label; a label seen before (KEYWORD_OTHER under several parents) gets #n."""
    out: dict[str, list[str]] = {}
    parent = ""
    for row in rows:
        label = _label(part, header, row)
        if part in (3, 4, 5, 6) and row[CATEGORY_COL].startswith("STATEMENT_CATEGORY_"):
            parent = row[CATEGORY_COL]
        if part in (3, 4, 5, 6) and row[CATEGORY_COL].startswith("KEYWORD_"):
            label = f"{parent} / {label}"
        key, n = label, 1
        while key in out:
            n += 1
            key = f"{label} #{n}"
        out[key] = row
    return out


def diff_figures(old: dict, new: dict, headers: dict[str, list[str]]) -> list[dict]:
    """Every cell that differs between two versions' figures, by part, row label and column."""
    changes = []
    for part in sorted(set(old) | set(new), key=int):
        header = headers.get(part, [])
        a_rows = _labelled(int(part), header, old.get(part, []))
        b_rows = _labelled(int(part), header, new.get(part, []))
        for label in dict.fromkeys([*a_rows, *b_rows]):
            a, b = a_rows.get(label), b_rows.get(label)
            if a == b:
                continue
            if a is None or b is None:
                changes.append({"part": int(part), "row": label, "column": "(whole row)",
                                "old": "" if a is None else "present", "new": "" if b is None else "present"})  # fmt: skip
                continue
            for col, (x, y) in enumerate(zip(a, b, strict=False)):
                if x != y:
                    column = header[col] if col < len(header) else str(col)
                    changes.append({"part": int(part), "row": label, "column": column, "old": x, "new": y})
    return changes


def previous_publication(exports: Path, period: Period) -> date | None:
    """Publication date of the latest report for a period that ended before this one started."""
    best: date | None = None
    for manifest in (exports / "dsa").glob("*/v*/manifest.json"):
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            if date.fromisoformat(meta["period_end"]) < period.start:
                published = date.fromisoformat(meta["publication_date"])
                best = published if best is None or published > best else best
        except (KeyError, ValueError, OSError):
            continue
    return best


def write_version(
    report: FilledReport,
    inputs: ReportInputs,
    exports: Path,
    *,
    source: str = "",
) -> ReportExport:
    period_dir = exports / "dsa" / inputs.period.label
    period_dir.mkdir(parents=True, exist_ok=True)
    figures = _figures(report)
    digest = _digest(figures)
    headers = {str(n): p.header for n, p in report.parts.items()}

    versions = _versions(period_dir)
    previous = versions[-1] if versions else None
    restatement_of: int | None = None
    changes: list[dict] = []
    if previous is not None:
        prev_meta = json.loads((period_dir / f"v{previous}" / "manifest.json").read_text(encoding="utf-8"))
        if prev_meta.get("figures_digest") != digest:
            restatement_of = previous
            prev_figures = json.loads(
                (period_dir / f"v{previous}" / "figures.json").read_text(encoding="utf-8")
            )
            changes = diff_figures(prev_figures, figures, headers)

    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=period_dir))
    try:
        version = (previous or 0) + 1
        generated_at = datetime.now(UTC).isoformat(timespec="seconds")
        for part in report.parts.values():
            (tmp / part.filename).write_text(part.csv_text(), encoding="utf-8", newline="")
        (tmp / "figures.json").write_text(json.dumps(figures, ensure_ascii=False) + "\n", encoding="utf-8")
        title = f"DSA transparency report — {inputs.service or 'service'} — {inputs.period.template_text}"
        html = render_html(
            report.parts,
            title=title,
            period_text=inputs.period.template_text,
            provider_type=inputs.provider_type,
            version=version,
            restatement_of=restatement_of,
            changes=changes,
            warnings=report.warnings,
            generated_at=generated_at,
            partial=inputs.partial_note,
        )
        (tmp / "report.html").write_text(html, encoding="utf-8")
        if restatement_of is not None:
            lines = [
                f"# Restatement of v{restatement_of}",
                "",
                f"This version (v{version}, {generated_at}) restates the report for "
                f"{inputs.period.template_text} published as v{restatement_of}. Changed figures:",
                "",
                *(
                    f"- Part {c['part']} · {c['row']} · {c['column'].strip()}: "
                    f"`{c['old'] or '(blank)'}` → `{c['new'] or '(blank)'}`"
                    for c in changes
                ),  # fmt: skip
                "",
                "Reason: the warehouse data for the period changed (late-arriving events, corrections, "
                "or a change of method). Describe it here before publishing.",
                "",
            ]
            (tmp / "RESTATEMENT.md").write_text("\n".join(lines), encoding="utf-8")
        manifest = {
            "period": inputs.period.label,
            "period_start": inputs.period.start.isoformat(),
            "period_end": inputs.period.end.isoformat(),
            "provider_type": inputs.provider_type,
            "service": inputs.service,
            "provider_name": inputs.provider_name,
            "publication_date": (inputs.publication_date or date.today()).isoformat(),
            "version": version,
            "generated_at": generated_at,
            "figures_digest": digest,
            "restatement_of": restatement_of,
            "changed_figures": len(changes),
            "warnings": report.warnings,
            "partial": inputs.partial_note,
            "coverage": None
            if inputs.coverage is None
            else {
                "start": str(inputs.coverage.start),
                "end": str(inputs.coverage.end),
                "max_lateness_days": inputs.coverage.max_lateness_days,
                "is_complete": inputs.coverage.is_complete,
            },
            "source": source,
            "files": {
                p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(tmp.iterdir())
                if p.is_file()
            },
        }
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for p in tmp.iterdir():
            p.chmod(0o444)
        # Claim the version number atomically; a concurrent export takes the next one.
        while True:
            target = period_dir / f"v{version}"
            try:
                tmp.rename(target)
                break
            except OSError:
                if not target.exists():
                    raise
                version += 1
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return ReportExport(
        inputs.period.label, version, target, restatement_of, changes, report.warnings, inputs.partial_note
    )


def export_report(
    period: Period,
    paths: DataPaths | None = None,
    *,
    provider_type: str | None = None,
    service: str | None = None,
    provider_name: str | None = None,
    publication_date: date | None = None,
    build: bool = True,
    take_writer_lock: bool = True,
    partial: bool = False,
) -> ReportExport:
    """Build, fill and write a new version of the period's report. A period the data does not
    cover is refused with one UserError, unless `partial`: then it is written and marked
    "partial: data from D1 to D2" in the manifest, the HTML and Part 11."""
    paths = paths or data_paths()
    provider_type = provider_type or default_provider_type()
    if provider_type not in PROVIDER_TYPES:
        raise UserError(f"provider type must be one of {', '.join(PROVIDER_TYPES)}, not {provider_type!r}")
    if not paths.warehouse.exists():
        raise UserError(f"no warehouse at {paths.warehouse}; run `integrity build` first")
    if build:  # the job's dbt step takes the writer lock itself
        build_models(period, provider_type, paths)
    # Read under the writer lock: a pipeline run rebuilding the dsa models for its default period
    # would otherwise swap the figures under us (load_inputs checks which period was built).
    with writer_lock(paths) if take_writer_lock else nullcontext():
        inputs = load_inputs(paths.warehouse, period, provider_type)
    if inputs.coverage is not None and not inputs.coverage.is_complete:
        if not partial:
            raise UserError(inputs.coverage.refusal(period))
        inputs.partial_note = f"partial: {inputs.coverage.text}"
    inputs.service = service or os.environ.get("INTEGRITY_SERVICE_NAME", "Integrity demo audio platform")
    inputs.provider_name = provider_name or os.environ.get(
        "INTEGRITY_PROVIDER_NAME", "Integrity Demo Provider"
    )
    inputs.publication_date = publication_date or datetime.now(UTC).date()
    inputs.previous_publication_date = previous_publication(paths.exports, period)
    report = fill_report(inputs)
    return write_version(report, inputs, paths.exports, source=str(paths.warehouse))


def latest_period_with_data(paths: DataPaths, provider_type: str | None = None) -> Period:
    """The reporting period (year, or half-year for a VLOP) holding the latest decided action."""
    provider_type = provider_type or default_provider_type()
    with read_only(paths.warehouse) as con:
        row = con.execute("select max(decided_at)::date from marts.fct_enforcement_actions").fetchone()
    if not row or row[0] is None:
        raise UserError("no enforcement actions in the warehouse: no period with data")
    last: date = row[0]
    if provider_type == "vlop":
        return parse_period(f"{last.year}-H{1 if last.month <= 6 else 2}")
    return parse_period(str(last.year))


def file_report(
    period: Period,
    paths: DataPaths | None = None,
    *,
    period_text: str | None = None,
    provider_type: str | None = None,
    service: str | None = None,
    provider_name: str | None = None,
    publication_date: date | None = None,
    build: bool = True,
    partial: bool = False,
) -> ReportExport:
    """File the report through Dagster: job `dsa_report` (the period's dbt models, then the report
    asset), or the report asset alone without `build`. What went wrong ends in one UserError."""
    from orchestration.assets.dsa import REPORT_KEY
    from orchestration.runner import run_job

    paths = paths or data_paths()
    provider_type = provider_type or default_provider_type()
    if provider_type not in PROVIDER_TYPES:
        raise UserError(f"provider type must be one of {', '.join(PROVIDER_TYPES)}, not {provider_type!r}")
    if not paths.warehouse.exists():
        raise UserError(f"no warehouse at {paths.warehouse}; run `integrity build` first")
    report_config = {
        # the asked-for text (2026, 2026-H1) names the export folder as before
        "period": period_text or (period.label if "_" not in period.label else period.template_text),
        "provider_type": provider_type,
        "service": service or "",
        "provider_name": provider_name or "",
        "partial": partial,
        "publication_date": publication_date.isoformat() if publication_date else "",
    }
    config = period_run_config(period, provider_type)
    config["ops"]["exports__dsa_transparency_report"] = {"config": report_config}
    if not build:
        config["ops"].pop("dbt_dsa_period")
    outcome, result = run_job(
        paths, "dsa_report", config, asset_selection=None if build else [REPORT_KEY], quiet=True
    )
    if not outcome.success:
        messages = [f.split(": ", 1)[-1] for f in outcome.failures]
        raise UserError("\n".join(messages) or f"the dsa_report run {outcome.run_id[:8]} failed")
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        if materialization is not None and materialization.asset_key == REPORT_KEY:
            meta = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
            restates = meta.get("restatement_of")
            return ReportExport(
                period=period.label,
                version=int(meta["version"]),
                out_dir=Path(str(meta["path"])),
                restatement_of=None if restates in (None, "none") else int(restates),
                changes=[{}] * int(meta.get("changed_figures") or 0),
                warnings=list(meta.get("warnings") or []),
                partial=str(meta.get("partial") or "") or None,
            )
    raise UserError(f"the dsa_report run {outcome.run_id[:8]} wrote no report")


def write_latest_report(
    paths: DataPaths | None = None, provider_type: str | None = None, *, partial: bool = True
) -> ReportExport:
    """The report for the latest period with data (what `make demo` files: a demo's year is not
    covered by its few months of data, so it is written marked partial), through Dagster."""
    paths = paths or data_paths()
    provider_type = provider_type or default_provider_type()
    return file_report(
        latest_period_with_data(paths, provider_type), paths, provider_type=provider_type, partial=partial
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", required=True, help=f"{HELP}, or `latest` (the latest period with data)")
    parser.add_argument("--provider-type", choices=PROVIDER_TYPES, default=None,
                        help="default: the dbt var provider_type (dbt_project.yml)")  # fmt: skip
    parser.add_argument("--service", default=None, help="service name (default $INTEGRITY_SERVICE_NAME)")
    parser.add_argument(
        "--provider-name", default=None, help="provider name (default $INTEGRITY_PROVIDER_NAME)"
    )
    parser.add_argument("--publication-date", default=None, help="YYYY-MM-DD (default today, UTC)")
    parser.add_argument("--no-build", action="store_true", help="use the dsa models as already built")
    parser.add_argument(
        "--partial",
        action="store_true",
        help="write a period the data does not fully cover, marked partial (otherwise refused)",
    )


def run(args: argparse.Namespace) -> int:
    if args.period.strip().lower() == "latest":
        paths = data_paths()
        if not paths.warehouse.exists():
            raise UserError(f"no warehouse at {paths.warehouse}; run `integrity build` first")
        period = latest_period_with_data(paths, args.provider_type)
    else:
        period = parse_period(args.period)
    publication = None
    if args.publication_date:
        try:
            publication = date.fromisoformat(args.publication_date)
        except ValueError:
            raise UserError(f"bad --publication-date {args.publication_date!r}; use YYYY-MM-DD") from None
    from orchestration.dbt import prepare

    prepare()
    result = file_report(
        period,
        provider_type=args.provider_type,
        service=args.service,
        provider_name=args.provider_name,
        publication_date=publication,
        build=not args.no_build,
        partial=args.partial,
    )
    status = (
        f"restatement of v{result.restatement_of} ({len(result.changes)} changed figures)"
        if result.restatement_of is not None
        else "first version"
        if result.version == 1
        else "same figures as the previous version"
    )
    partial_text = f", {result.partial}" if result.partial else ""
    print(f"DSA report {period.template_text} v{result.version} ({status}{partial_text}) -> {result.out_dir}")
    for warning in result.warnings:
        print(f"  warning: {warning}")
    return 0
