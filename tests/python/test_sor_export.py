"""Statements of reasons: mapping, exemptions, puid ledger, batches, quarantine."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration.dsa.sor import batches, export_statements
from orchestration.dsa.sor_ledger import PuidLedger, mint_puid
from orchestration.dsa.sor_mapping import SorSettings, build_statement, eu_scope, exemption, source_type
from orchestration.dsa.sor_validate import enums, validate

DAY = date(2026, 10, 25)


def candidate(action_id: str = "act-1", **overrides: object) -> dict:
    row = {
        "action_id": action_id,
        "decision_date": DAY,
        "target_type": "content",
        "content_type": "track",
        "dsa_content_type": "CONTENT_TYPE_AUDIO",
        "dsa_content_type_other": None,
        "content_language": "de",
        "ean13": "4006381333931",
        "account_type": "artist",
        "action_type": "remove",
        "decision_visibility": "DECISION_VISIBILITY_CONTENT_REMOVED",
        "decision_monetary": None,
        "decision_provision": None,
        "decision_account": None,
        "decision_ground": "terms",
        "legal_ground": None,
        "policy_code": "spam_artificial_streaming",
        "policy_name": "Artificial streaming",
        "dsa_category": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "dsa_keyword": "KEYWORD_OTHER",
        "dsa_keyword_other": "Artificial streaming",
        "is_deceptive_high_volume_commercial": False,
        "source": "own_initiative",
        "initiative": "own_initiative",
        "is_trusted_flagger": False,
        "report_reporter_type": None,
        "report_is_dsa_notice": None,
        "automated_detection": True,
        "automated_decision": "fully",
        "territorial_scope": ["GLOBAL"],
        "content_created_at": datetime(2026, 10, 1, 12, 0),
        "decided_at": datetime(2026, 10, 25, 9, 0),
        "effective_at": datetime(2026, 10, 25, 9, 5),
        "end_at": None,
    }
    row.update(overrides)
    return row


def test_mapping_produces_a_valid_v2_statement() -> None:
    stmt = build_statement(candidate(), mint_puid("act-1"))
    assert validate(stmt) == []
    assert stmt["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert stmt["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert stmt["content_type"] == ["CONTENT_TYPE_AUDIO"]
    assert stmt["category_specification"] == ["KEYWORD_OTHER"]
    assert stmt["category_specification_other"] == "Artificial streaming"
    assert stmt["application_date"] == "2026-10-25"  # effective_at day
    assert stmt["content_date"] == "2026-10-01"  # created_at day
    assert stmt["territorial_scope"] == enums()["EUROPEAN_COUNTRY_CODES"]  # GLOBAL = all 30
    assert len(stmt["territorial_scope"]) == 30
    assert stmt["content_language"] == "DE"
    assert stmt["content_id"] == {"EAN-13": "4006381333931"}
    assert stmt["source_type"] == "SOURCE_VOLUNTARY"
    assert stmt["automated_detection"] == "Yes"
    assert stmt["automated_decision"] == "AUTOMATED_DECISION_FULLY"
    assert "source_identity" not in stmt


def test_illegal_ground_and_end_dates() -> None:
    row = candidate(
        decision_ground="illegal", legal_ground="Copyright law (Directive 2001/29/EC)", action_type="account_suspend",
        decision_visibility=None, decision_account="DECISION_ACCOUNT_SUSPENDED", end_at=datetime(2026, 12, 24, 0, 0),
        target_type="account", content_type="profile", dsa_content_type="CONTENT_TYPE_OTHER",
        dsa_content_type_other="Profile page (name, image and biography)", ean13=None,
    )  # fmt: skip
    stmt = build_statement(row, "sor-x")
    assert validate(stmt) == []
    assert stmt["illegal_content_legal_ground"].startswith("Copyright law")
    assert stmt["end_date_account_restriction"] == "2026-12-24"
    assert stmt["content_type_other"] == "Profile page (name, image and biography)"
    assert "content_id" not in stmt


def test_greece_is_gr_and_non_eea_is_dropped() -> None:
    assert eu_scope(["EL", "US", "DE"]) == ["DE", "GR"]
    assert eu_scope(["GR"]) == ["GR"]
    assert eu_scope(["US", "GB"]) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "SOURCE_VOLUNTARY"),
        ({"report_reporter_type": "user", "report_is_dsa_notice": False}, "SOURCE_TYPE_OTHER_NOTIFICATION"),
        ({"report_reporter_type": "internal", "report_is_dsa_notice": False}, "SOURCE_VOLUNTARY"),
        ({"initiative": "notice", "source": "notice", "report_is_dsa_notice": True}, "SOURCE_ARTICLE_16"),
        (
            {"initiative": "notice", "source": "trusted_flagger", "is_trusted_flagger": True},
            "SOURCE_TRUSTED_FLAGGER",
        ),
    ],
)
def test_source_types(overrides: dict, expected: str) -> None:
    assert source_type(candidate(**overrides)) == expected


def test_exemptions_and_voluntary_setting() -> None:
    assert exemption(candidate(), SorSettings()) is None
    hvc = candidate(is_deceptive_high_volume_commercial=True)
    assert exemption(hvc, SorSettings()) == "deceptive_high_volume_commercial"
    assert exemption(hvc, SorSettings(include_deceptive_commercial=True)) is None
    order = candidate(initiative="order", source="authority_order")
    assert exemption(order, SorSettings()) == "art9_order"
    assert exemption(order, SorSettings(include_authority_orders=True)) is None
    assert exemption(candidate(territorial_scope=["US"]), SorSettings(include_deceptive_commercial=True)) == (
        "no_effect_in_eu_eea"
    )


def test_no_personal_data_in_statements() -> None:
    # Even if the feed's free text held personal data, the statement never carries it.
    row = candidate(facts="Reported by jane@example.com (@jane)", reporter_id="u123", account_id="a1")
    stmt = build_statement(row, "sor-x")
    text = json.dumps(stmt)
    assert "jane" not in text and "u123" not in text and 'a1"' not in text
    assert validate(stmt) == []


def test_batches_hold_at_most_100() -> None:
    stmts = [{"puid": f"p{i}"} for i in range(250)]
    bodies = batches(stmts)
    assert [len(b["statements"]) for b in bodies] == [100, 100, 50]
    assert all(set(b) == {"statements"} for b in bodies)
    assert batches([]) == []
    with pytest.raises(ValueError):
        batches(stmts, size=101)


def test_export_writes_jsonl_batches_quarantine_and_is_stable(tmp_path: Path) -> None:
    rows = [candidate(f"act-{i:03d}") for i in range(230)]
    rows.append(candidate("act-hvc", is_deceptive_high_volume_commercial=True))
    rows.append(candidate("act-order", initiative="order", source="authority_order"))
    rows.append(candidate("act-bad", content_created_at=datetime(1999, 1, 1)))  # content_date out of range
    exports = tmp_path / "exports"
    with PuidLedger.for_state_dir(tmp_path / "state") as ledger:
        first = export_statements(rows, DAY, exports, ledger)
    assert first.candidates == 233
    assert first.exempt == {"art9_order": 1, "deceptive_high_volume_commercial": 1}
    assert (first.valid, first.quarantined, first.newly_batched) == (230, 1, 230)
    assert first.minted == 231  # quarantined statements keep a puid too, for when they are fixed
    out = exports / "sor" / DAY.isoformat()
    statements = [json.loads(line) for line in (out / "statements.jsonl").read_text().splitlines()]
    assert len(statements) == 230 and all(validate(s) == [] for s in statements)
    batch_files = sorted((out / "batches").glob("batch-*.json"))
    sizes = [len(json.loads(p.read_text())["statements"]) for p in batch_files]
    assert sizes == [100, 100, 30]
    quarantine = [json.loads(line) for line in (out / "quarantine.jsonl").read_text().splitlines()]
    assert quarantine[0]["action_id"] == "act-bad"
    assert {v["rule"] for v in quarantine[0]["violations"]} == {"date_range"}
    in_batches = {s["puid"] for p in batch_files for s in json.loads(p.read_text())["statements"]}
    assert quarantine[0]["puid"] not in in_batches

    # Re-run: same puids, nothing minted, nothing batched twice.
    with PuidLedger.for_state_dir(tmp_path / "state") as ledger:
        second = export_statements(rows, DAY, exports, ledger)
        assert ledger.count() == 231
    assert (second.minted, second.newly_batched, second.batch_files) == (0, 0, [])
    again = [json.loads(line) for line in (out / "statements.jsonl").read_text().splitlines()]
    assert [s["puid"] for s in again] == [s["puid"] for s in statements]

    # A late action for the same day: one new puid, one new batch file; earlier files untouched.
    before = {p.name: p.read_bytes() for p in batch_files}
    with PuidLedger.for_state_dir(tmp_path / "state") as ledger:
        third = export_statements([*rows, candidate("act-late")], DAY, exports, ledger)
    assert (third.minted, third.newly_batched, third.batch_files) == (1, 1, ["batches/batch-0004.json"])
    for name, content in before.items():
        assert (out / "batches" / name).read_bytes() == content


def test_puid_is_stable_even_without_the_ledger(tmp_path: Path) -> None:
    with PuidLedger(tmp_path / "a.sqlite") as a, PuidLedger(tmp_path / "b.sqlite") as b:
        pa, _ = a.puids_for(["x", "y"], "2026-10-25")
        pb, _ = b.puids_for(["y", "x"], "2026-10-26")
    assert pa == pb
    assert all(len(p) <= 500 and p.startswith("sor-") for p in pa.values())
