"""`integrity sor-export --date D`: statements of reasons for the actions decided on day D.

Writes under `<data>/exports/sor/<D>/`:

    statements.jsonl        every valid statement for the day (one JSON object a line)
    batches/batch-NNNN.json API request bodies `{"statements": [...]}`, at most 100 each; only
                            statements never batched before go into new batch files
    quarantine.jsonl        statements the validator held back, with the rule each one broke
    manifest.json           counts: candidates, exempt by reason, valid, quarantined, batched

Re-running a day is safe: the puid ledger (`<data>/state/sor_puid_ledger.sqlite`) gives every
action the puid it already had, and batches already written are never rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from orchestration.dsa.period import parse_day
from orchestration.dsa.sor_ledger import PuidLedger
from orchestration.dsa.sor_mapping import SorSettings, build_statement, exemption
from orchestration.dsa.sor_validate import Violation, validate
from orchestration.dsa.warehouse import database_with, fetch_dicts, read_only
from orchestration.paths import DataPaths, data_paths

BATCH_SIZE = 100
CANDIDATES = ("dsa", "dsa_sor_candidates")


@dataclass
class SorExportResult:
    day: str
    out_dir: str
    candidates: int = 0
    exempt: dict[str, int] = field(default_factory=dict)
    valid: int = 0
    quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    minted: int = 0
    newly_batched: int = 0
    batch_files: list[str] = field(default_factory=list)
    source: str = ""


def batches(statements: list[dict], size: int = BATCH_SIZE) -> list[dict]:
    """API request bodies of 1..size statements each."""
    if not 1 <= size <= 100:
        raise ValueError("the API takes 1 to 100 statements per request")
    return [{"statements": statements[i : i + size]} for i in range(0, len(statements), size)]


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def export_statements(
    rows: list[dict],
    day: date,
    exports_root: Path,
    ledger: PuidLedger,
    settings: SorSettings | None = None,
    *,
    source: str = "",
) -> SorExportResult:
    """Map, validate, batch and write the statements for the actions in `rows` (decided on `day`)."""
    settings = settings or SorSettings()
    out_dir = exports_root / "sor" / day.isoformat()
    result = SorExportResult(day=day.isoformat(), out_dir=str(out_dir), candidates=len(rows), source=source)

    rows = sorted(rows, key=lambda r: str(r["action_id"]))
    exempt = Counter()
    todo = []
    for row in rows:
        reason = exemption(row, settings)
        if reason:
            exempt[reason] += 1
        else:
            todo.append(row)
    result.exempt = dict(sorted(exempt.items()))

    puids, result.minted = ledger.puids_for([str(r["action_id"]) for r in todo], day.isoformat())
    valid: list[dict] = []
    quarantine: list[dict] = []
    reasons = Counter()
    seen: set[str] = set()
    for row in todo:
        stmt = build_statement(row, puids[str(row["action_id"])], settings)
        problems: list[Violation] = validate(stmt)
        if stmt["puid"] in seen:
            problems.append(Violation("puid_unique", "puid", f"puid {stmt['puid']!r} is used twice"))
        seen.add(stmt["puid"])
        if problems:
            reasons.update(p.rule for p in problems)
            quarantine.append(
                {"action_id": str(row["action_id"]), "puid": stmt["puid"],
                 "violations": [p.as_dict() for p in problems], "statement": stmt}
            )  # fmt: skip
        else:
            valid.append(stmt)
    result.valid, result.quarantined = len(valid), len(quarantine)
    result.quarantine_reasons = dict(sorted(reasons.items()))

    # Only statements never sent in a batch before go into new batch files.
    already = ledger.batched([s["puid"] for s in valid])
    new = [s for s in valid if s["puid"] not in already]
    batch_dir = out_dir / "batches"
    existing = sorted(batch_dir.glob("batch-*.json")) if batch_dir.exists() else []
    next_no = 1 + max((int(p.stem.split("-")[1]) for p in existing), default=0)
    for offset, body in enumerate(batches(new)):
        name = f"batch-{next_no + offset:04d}.json"
        _write_atomic(batch_dir / name, json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        ledger.mark_batched([s["puid"] for s in body["statements"]], f"{day.isoformat()}/batches/{name}")
        result.batch_files.append(f"batches/{name}")
    result.newly_batched = len(new)

    _write_atomic(out_dir / "statements.jsonl", _jsonl(valid))
    _write_atomic(out_dir / "quarantine.jsonl", _jsonl(quarantine))
    manifest = asdict(result) | {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "all_batch_files": sorted(p.name for p in batch_dir.glob("batch-*.json"))
        if batch_dir.exists()
        else [],
        "settings": asdict(settings),
    }
    _write_atomic(out_dir / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return result


def load_candidates(paths: DataPaths, day: date) -> tuple[list[dict], str]:
    db = database_with(paths, *CANDIDATES)
    with read_only(db) as con:
        rows = fetch_dicts(
            con,
            "select * from dsa.dsa_sor_candidates where decision_date = ? order by action_id",
            [day],
        )
    return rows, str(db)


def candidate_days(paths: DataPaths) -> list[date]:
    """Every decision day that has candidate actions (for the demo and the daily asset)."""
    db = database_with(paths, *CANDIDATES)
    with read_only(db) as con:
        return [
            r[0]
            for r in con.execute(
                "select distinct decision_date from dsa.dsa_sor_candidates order by 1"
            ).fetchall()
        ]


def run_export(
    day: date, paths: DataPaths | None = None, settings: SorSettings | None = None
) -> SorExportResult:
    paths = paths or data_paths()
    rows, source = load_candidates(paths, day)
    with PuidLedger.for_state_dir(paths.state) as ledger:
        return export_statements(rows, day, paths.exports, ledger, settings, source=source)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", required=True, help="decision day YYYY-MM-DD")
    parser.add_argument(
        "--include-exempt",
        action="store_true",
        help="also submit, voluntarily, statements Art. 17 does not require "
        "(deceptive high-volume commercial content, actions on Art. 9 orders)",
    )
    parser.add_argument("--terms-url", default=os.environ.get("INTEGRITY_TERMS_URL"),
                        help="public terms-and-conditions URL cited for terms-based decisions")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    day = parse_day(args.date)
    settings = SorSettings(
        include_deceptive_commercial=args.include_exempt,
        include_authority_orders=args.include_exempt,
        decision_ground_reference_url=args.terms_url,
    )
    result = run_export(day, settings=settings)
    exempt = ", ".join(f"{k} {v}" for k, v in result.exempt.items()) or "none"
    print(
        f"statements of reasons for {result.day}: {result.candidates} actions, exempt: {exempt}; "
        f"{result.valid} valid, {result.quarantined} quarantined, {result.newly_batched} new in "
        f"{len(result.batch_files)} batch file(s) -> {result.out_dir}"
    )
    return 0
