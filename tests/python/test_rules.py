"""SQL detection rules: one declaration per rule, the rule registry (var `detection_rules` in
dbt_project.yml), and every rule model wired in through it.

The registry says each rule's id, version, status (candidate / shadow / enforce), policy area and
threshold. Rule models render their identity and tags from it, `int_rule_flags` unions the
production rules and the sandbox backtest the candidates, both through `detection_rule_models`, and
`dim_detector` lists the rules beside the platform's detectors. These checks fail when a rule is
declared twice, wired in by hand, or its model and its entry drift apart. File checks need no
warehouse; the manifest checks read the one `make test` builds.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml
from helpers_warehouse import built_manifest_path

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFINITIONS_DIR = PROJECT_DIR / "models" / "intermediate" / "rules" / "definitions"
DEFINITIONS = sorted(DEFINITIONS_DIR.glob("rule_*.sql"))
STATUSES = ("candidate", "shadow", "enforce")


def _registry() -> dict[str, dict]:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"]["detection_rules"]


def _sql_files() -> list[Path]:
    return sorted([*(PROJECT_DIR / "models").rglob("*.sql"), *(PROJECT_DIR / "macros").rglob("*.sql")])


def test_every_rule_model_has_one_registry_entry_and_back() -> None:
    assert DEFINITIONS, "no rule models under models/intermediate/rules/definitions"
    assert {p.stem for p in DEFINITIONS} == set(_registry())


@pytest.mark.parametrize("name", sorted(_registry()))
def test_registry_entry_is_complete(name: str) -> None:
    rule = _registry()[name]
    assert rule["rule_id"].startswith("sql_"), "warehouse rule ids start with sql_ (never a feed detector's id)"
    assert isinstance(rule["version"], int) and rule["version"] >= 1
    assert rule["status"] in STATUSES
    assert rule["policy_area"] and rule["description"]
    threshold = rule.get("operating_threshold")
    assert threshold is None or 0 <= threshold <= 1


def test_rule_id_and_version_are_declared_once() -> None:
    keys = [(r["rule_id"], r["version"]) for r in _registry().values()]
    assert len(keys) == len(set(keys))
    with open(PROJECT_DIR / "seeds" / "detectors.csv", newline="", encoding="utf-8") as fh:
        platform = {(r["detector"], int(r["version"])) for r in csv.DictReader(fh)}
    assert not platform & set(keys), "a rule is declared in the registry and in the detectors seed"
    assert not any(d.startswith("sql_") for d, _ in platform), "sql_ rules belong in the rule registry"


@pytest.mark.parametrize("rule_sql", DEFINITIONS, ids=lambda p: p.stem)
def test_rule_model_takes_identity_and_tags_from_the_registry(rule_sql: Path) -> None:
    sql = rule_sql.read_text(encoding="utf-8")
    assert "{{ config(tags=detection_rule_tags()) }}" in sql
    assert "detection_rule_identity()" in sql
    assert not re.search(r"'(candidate|shadow|enforce)'\s+as\s+status", sql), "a literal status"
    assert not re.search(r"'sql_[a-z0-9_]+'\s+as\s+rule_id", sql), "a literal rule id"
    yml = rule_sql.with_suffix(".yml").read_text(encoding="utf-8")
    assert "rule_status" not in yml and not re.search(r"\btags:", yml), "status or tags written in the YAML"
    for status in STATUSES:
        assert f"**{status}**" not in yml, "a status written in the description"


def test_no_rule_model_is_wired_in_by_hand() -> None:
    """The unions take their models from the registry: no SQL file names a rule model in a list."""
    names = {p.stem for p in DEFINITIONS}
    offenders = []
    for path in _sql_files():
        if path.parent == DEFINITIONS_DIR:
            continue
        quoted = set(re.findall(r"'(rule_[a-z0-9_]+)'", path.read_text(encoding="utf-8")))
        if quoted & names:
            offenders.append(f"{path.relative_to(PROJECT_DIR)}: {sorted(quoted & names)}")
    assert not offenders, offenders


def _manifest() -> dict:
    return json.loads(built_manifest_path().read_text(encoding="utf-8"))


def test_production_union_has_the_production_rules_and_backtest_the_candidates() -> None:
    nodes = _manifest()["nodes"]

    def rule_parents(model: str) -> set[str]:
        deps = nodes[f"model.integrity.{model}"]["depends_on"]["nodes"]
        return {d.rsplit(".", 1)[-1] for d in deps if d.rsplit(".", 1)[-1] in _registry()}

    registry = _registry()
    assert rule_parents("int_rule_flags") == {n for n, r in registry.items() if r["status"] != "candidate"}
    assert rule_parents("rpt_rule_backtest") == {n for n, r in registry.items() if r["status"] == "candidate"}


def test_rule_models_carry_their_tags_and_identity() -> None:
    nodes = _manifest()["nodes"]
    for name, rule in _registry().items():
        node = nodes[f"model.integrity.{name}"]
        assert "detection_rule" in node["tags"]
        assert ("sandbox" in node["tags"]) == (rule["status"] == "candidate"), (name, node["tags"])
        compiled = node.get("compiled_code") or ""
        if compiled:
            assert f"'{rule['rule_id']}' as rule_id" in compiled and f"{rule['version']} as rule_version" in compiled
            assert f"'{rule['status']}' as status" in compiled
