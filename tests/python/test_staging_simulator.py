"""Staging against the simulator's manifest: every delivered record is accounted for, exactly.

The simulator (xs, 14 days, --faults) lists what it delivered in truth/manifest.json: records per file,
clean rows per feed, identical re-sends, impressions restatements and every injected fault with its
file and line. Staging must put each in its one place.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from helpers_warehouse import query

pytestmark = pytest.mark.slow

RECORD_REASONS = {
    "invalid_encoding",
    "malformed_json",
    "missing_required_field",
    "unparsable_timestamp",
    "impossible_timestamp",
    "unknown_enum_value",
    "invalid_type",
    "negative_count",
    "out_of_range",
    "unknown_reference",
    "conflicting_duplicate",
    "violating_without_policy",
}
# fault kinds the simulator may name differently from our reason codes
KIND_TO_REASON = {
    "non_utf8": "invalid_encoding",
    "non_utf8_bytes": "invalid_encoding",
    "bad_encoding": "invalid_encoding",
    "missing_field": "missing_required_field",
    "missing_required": "missing_required_field",
    "unknown_enum": "unknown_enum_value",
    "unparsable_ts": "unparsable_timestamp",
    "impossible_ts": "impossible_timestamp",
    "unknown_id": "unknown_reference",
    "unknown_ref": "unknown_reference",
}
FILE_KINDS = {"truncated_gzip", "not_parquet", "unreadable_csv", "corrupt_gzip", "not_gzip"}
EMPTY_KINDS = {"empty_file", "empty"}
DRIFT_KINDS = {"extra_column", "extra_field", "unknown_field", "schema_drift"}
DUPLICATE_KINDS = {"exact_duplicate", "duplicate", "resend", "identical_resend"}
RESTATEMENT_KINDS = {"restatement", "impressions_restatement"}


@pytest.fixture(scope="module")
def sim(xs_data_dir: Path) -> tuple[Path, dict]:
    manifest = json.loads((xs_data_dir / "truth" / "manifest.json").read_text())
    return xs_data_dir / "warehouse.duckdb", manifest



def _ledger(warehouse: Path) -> str:
    """The loader's ledger beside a warehouse, as a DuckDB relation."""
    return f"read_parquet('{warehouse.parent / 'raw' / 'ledger.parquet'}')"

def _reason(kind: str) -> str | None:
    kind = KIND_TO_REASON.get(kind, kind)
    return kind if kind in RECORD_REASONS else None


def test_every_fault_kind_is_understood(sim: tuple[Path, dict]) -> None:
    _, manifest = sim
    known = RECORD_REASONS | set(KIND_TO_REASON) | FILE_KINDS | EMPTY_KINDS | DRIFT_KINDS
    known |= DUPLICATE_KINDS | RESTATEMENT_KINDS
    unknown = sorted({f["kind"] for f in manifest["faults"]} - known)
    assert not unknown, f"fault kinds staging does not map yet: {unknown}"


def test_records_per_file_match_the_deliveries(sim: tuple[Path, dict]) -> None:
    warehouse, manifest = sim
    ledger = {
        path: (status, records)
        for path, status, records in query(warehouse, f"select path, status, records from {_ledger(warehouse)}")
    }
    unreadable = {f["file"] for f in manifest["faults"] if f["kind"] in FILE_KINDS}
    for delivery in manifest.get("deliveries", []):
        status, records = ledger[delivery["file"]]
        if delivery["file"] in unreadable:
            assert status == "unreadable", delivery["file"]
        else:
            assert records == delivery["records"], delivery["file"]


def test_clean_duplicates_and_restatements_per_feed(sim: tuple[Path, dict]) -> None:
    warehouse, manifest = sim
    totals = {
        feed: (clean, quarantined, duplicates, superseded)
        for feed, clean, quarantined, duplicates, superseded in query(
            warehouse,
            "select feed, sum(clean), sum(quarantined), sum(duplicates), sum(superseded)"
            " from quarantine.rpt_load_reconciliation group by feed",
        )
    }
    faults = manifest["faults"]
    extra_dups: Counter[str] = Counter()
    for f in faults:
        if f["kind"] in DUPLICATE_KINDS:
            extra_dups[f["feed"]] += f.get("count") or 1
    for feed, rows in manifest["rows"].items():
        clean, _, duplicates, superseded = totals.get(feed, (0, 0, 0, 0))
        # manifest rows count every version of a content item; staging keeps the latest
        kept_versions = clean + superseded if feed == "content" else clean
        assert kept_versions == rows, feed
        assert duplicates == manifest["resends"].get(feed, 0) + extra_dups[feed], feed
    restated = sum(r["rows"] for r in manifest.get("impressions_restatements", []))
    assert totals["impressions"][3] == restated
    assert sum(r[1] for r in totals.values()) == sum(
        (f.get("count") or 1) for f in faults if _reason(f["kind"])
    ), "quarantined records = record-level faults"


def test_each_record_fault_is_quarantined_with_its_reason(sim: tuple[Path, dict]) -> None:
    warehouse, manifest = sim
    by_feed: dict[str, dict[tuple[str, int], str]] = {}
    for f in manifest["faults"]:
        reason = _reason(f["kind"])
        if reason is None or f.get("line_no") is None:
            continue
        if f["feed"] not in by_feed:
            by_feed[f["feed"]] = {
                (file, line): code
                for file, line, code in query(
                    warehouse,
                    "select _source_file, _line_no, reason_code from quarantine.qrt_platform__records"
                    f" where _source_file like '{f['feed']}/%'",
                )
            }
        lines = f["line_no"] if isinstance(f["line_no"], list) else [f["line_no"]]
        assert len(lines) == (f.get("count") or 1), f
        for line_no in lines:
            assert by_feed[f["feed"]].get((f["file"], line_no)) == reason, (f, line_no)


def test_file_faults(sim: tuple[Path, dict]) -> None:
    warehouse, manifest = sim
    ledger = {
        path: (status, reason)
        for path, status, reason in query(warehouse, f"select path, status, reason from {_ledger(warehouse)}")
    }
    qrt_files = {row[0] for row in query(warehouse, "select source_file from quarantine.qrt_files")}
    for f in manifest["faults"]:
        if f["kind"] in FILE_KINDS:
            assert ledger[f["file"]][0] == "unreadable", f
            assert f["file"] in qrt_files
        elif f["kind"] in EMPTY_KINDS:
            assert ledger[f["file"]] == ("empty", None), f
    assert len(qrt_files) == sum(1 for f in manifest["faults"] if f["kind"] in FILE_KINDS)


def test_schema_drift_is_recorded(sim: tuple[Path, dict]) -> None:
    warehouse, manifest = sim
    for f in manifest["faults"]:
        if f["kind"] in DRIFT_KINDS:
            drifted = query(
                warehouse,
                f"select count(*) from staging.base_platform__{f['feed']}"
                f" where _source_file = '{f['file']}' and _extra_fields is not null",
            )
            assert drifted[0][0] > 0, f
