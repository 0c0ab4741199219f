"""SQL detection rules: every rule model is wired in exactly once, with a status that matches where.

Production rules (enforce, shadow) are combined into `int_rule_flags`; candidates are listed only
in the sandbox backtest `rpt_rule_backtest`, so a candidate can never reach a production mart.
Pure file checks: no warehouse needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
RULES_DIR = PROJECT_DIR / "models" / "intermediate" / "rules"
BACKTEST = PROJECT_DIR / "models" / "marts" / "operations" / "sandbox" / "rpt_rule_backtest.sql"
DEFINITIONS = sorted((RULES_DIR / "definitions").glob("rule_*.sql"))


def _listed(path: Path) -> set[str]:
    """Rule model names quoted inside the union_rule_flags(...) list or candidate_rules of a model."""
    return set(re.findall(r"'(rule_[a-z0-9_]+)'", path.read_text(encoding="utf-8")))


def _status(sql: str) -> str:
    match = re.search(r"'(enforce|shadow|candidate)' as status", sql)
    assert match, "a rule model must select a literal status: 'enforce' | 'shadow' | 'candidate' as status"
    return match.group(1)


def test_there_are_rules() -> None:
    assert DEFINITIONS, "no rule models under models/intermediate/rules/definitions"


def test_every_rule_is_listed_exactly_once() -> None:
    production = _listed(RULES_DIR / "int_rule_flags.sql")
    candidates = _listed(BACKTEST)
    names = {p.stem for p in DEFINITIONS}
    assert production | candidates == names, "every rule model must be listed in int_rule_flags or the backtest"
    assert not production & candidates, "a rule cannot be both in production and a candidate"


@pytest.mark.parametrize("rule_sql", DEFINITIONS, ids=lambda p: p.stem)
def test_status_matches_where_the_rule_is_listed(rule_sql: Path) -> None:
    status = _status(rule_sql.read_text(encoding="utf-8"))
    candidates = _listed(BACKTEST)
    assert (status == "candidate") == (rule_sql.stem in candidates), (rule_sql.stem, status)


@pytest.mark.parametrize("rule_sql", DEFINITIONS, ids=lambda p: p.stem)
def test_rule_has_its_yaml_with_the_interface(rule_sql: Path) -> None:
    yml = rule_sql.with_suffix(".yml")
    assert yml.exists(), f"{yml.name} missing"
    text = yml.read_text(encoding="utf-8")
    for column in ("rule_id", "rule_version", "status", "target_type", "target_id", "flagged_at"):
        assert f"- name: {column}" in text, (yml.name, column)
    sql = rule_sql.read_text(encoding="utf-8")
    for column in ("rule_id", "rule_version", "status", "target_type", "target_id", "flagged_at"):
        assert re.search(rf"\bas {column}\b|\b{column},?\n", sql), (rule_sql.name, column)


@pytest.mark.parametrize("rule_sql", DEFINITIONS, ids=lambda p: p.stem)
def test_candidates_are_tagged_sandbox(rule_sql: Path) -> None:
    """A production run can exclude `tag:sandbox`, so an unfinished candidate never fails it."""
    is_candidate = _status(rule_sql.read_text(encoding="utf-8")) == "candidate"
    tags = re.search(r"tags: \[([^\]]*)\]", rule_sql.with_suffix(".yml").read_text(encoding="utf-8"))
    assert tags, f"{rule_sql.stem}.yml has no tags"
    assert ("sandbox" in tags.group(1)) == is_candidate, (rule_sql.stem, tags.group(1))
