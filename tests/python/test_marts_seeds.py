"""The reference seeds agree with the simulator's vocabularies and with the DSA enumerations."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from helpers_warehouse import built_manifest_path

from orchestration.paths import PROJECT_DIR
from orchestration.simulator import constants as K

SEEDS = PROJECT_DIR / "seeds"
SOR_ENUMS = json.loads((PROJECT_DIR / "orchestration" / "dsa" / "sor_enums.json").read_text(encoding="utf-8"))


def _seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _true(value: str) -> bool:
    return value.strip().lower() == "true"


def test_policies_match_the_simulator_and_the_dsa_taxonomy():
    rows = {r["policy_code"]: r for r in _seed("policies")}
    assert set(rows) == set(K.POLICIES)
    for code, (area, is_spam) in K.POLICIES.items():
        assert rows[code]["policy_area"] == area, code
        assert _true(rows[code]["is_spam"]) is is_spam, code
    for r in rows.values():
        assert r["dsa_category"] in SOR_ENUMS["STATEMENT_CATEGORIES"], r
        assert r["dsa_keyword"] in SOR_ENUMS["KEYWORDS"], r
        assert (r["dsa_keyword"] == "KEYWORD_OTHER") == bool(r["dsa_keyword_other"]), r
        assert r["default_decision_ground"] in ("illegal", "terms"), r


def test_reason_codes_match_the_simulator():
    rows = {r["reason_code"]: r for r in _seed("reason_codes")}
    assert set(rows) == set(K.REASON_CODES)
    for code, area in K.REASON_POLICY_AREA.items():
        assert rows[code]["policy_area"] == area, code
        assert rows[code]["default_queue"] == K.REASON_QUEUE[code], code

    # One mapping to DSA categories: a reason's category is its default policy's, and no reason
    # code lands in a category that no policy of its area has (violence once did, twice over).
    policies = {r["policy_code"]: r for r in _seed("policies")}
    for code, r in rows.items():
        if code == "other":
            assert r["default_policy_code"] == "", "`other` has no policy: its notices are 'not specified'"
            continue
        assert r["default_policy_code"] in policies, code
    assert policies[rows["violence"]["default_policy_code"]]["dsa_category"] == "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"


def test_sla_targets_are_the_simulated_ones():
    seed = _seed("sla_targets")
    simulated = K.load_sla_targets()
    assert len(seed) == len(simulated)
    for ours, theirs in zip(seed, simulated, strict=True):
        for col in ("reporter_type", "channel", "priority", "policy_area", "valid_from"):
            assert ours[col] == theirs[col], (ours, theirs)
        assert float(ours["target_hours"]) == theirs["target_hours"]
        assert _true(ours["published"]) is theirs["published"]
    assert any(not any(r[c] for c in ("reporter_type", "channel", "priority", "policy_area")) for r in seed), (
        "an all-wildcard row gives every report a target"
    )


def test_countries_cover_the_simulated_ones_with_eurostat_codes():
    rows = {r["country_code"]: r for r in _seed("countries")}
    assert set(K.COUNTRY_CODES) <= set(rows)
    eea = {c for c, r in rows.items() if _true(r["is_eea"])}
    assert eea == set(SOR_ENUMS["EUROPEAN_COUNTRY_CODES"])
    assert sum(_true(r["is_eu"]) for r in rows.values()) == 27
    assert rows["GR"]["eurostat_code"] == "EL"
    for code in K.EU_EEA:
        assert _true(rows[code]["is_eea"]), code


def test_action_types_map_to_dsa_decisions_and_exposure():
    rows = {r["action_type"]: r for r in _seed("action_types")}
    assert set(rows) == set(K.ACTION_TYPES)
    assert {a for a, r in rows.items() if _true(r["ends_exposure"])} == K.EXPOSURE_ENDING
    fields = {
        "decision_visibility": "DECISION_VISIBILITIES",
        "decision_monetary": "DECISION_MONETARIES",
        "decision_provision": "DECISION_PROVISIONS",
        "decision_account": "DECISION_ACCOUNTS",
    }
    for action, r in rows.items():
        values = [(col, r[col]) for col in fields if r[col]]
        assert len(values) == 1, action
        col, value = values[0]
        assert value in SOR_ENUMS[fields[col]], action


def test_surfaces_and_content_types_cover_the_feeds():
    assert [r["surface"] for r in _seed("surfaces")] == K.SURFACES
    content_types = {r["content_type"]: r for r in _seed("content_types")}
    assert set(content_types) == set(K.CONTENT_TYPES)
    for r in content_types.values():
        assert r["dsa_content_type"] in SOR_ENUMS["CONTENT_TYPES"], r
        assert (r["dsa_content_type"] == "CONTENT_TYPE_OTHER") == bool(r["dsa_content_type_other"]), r
    for audio in ("track", "episode", "audiobook"):
        assert content_types[audio]["dsa_content_type"] == "CONTENT_TYPE_AUDIO"


def test_every_mart_is_contracted_and_documented():
    """Every model under models/marts/ (but the sandbox) is public and contracted, with every column
    typed and described, as the folder configuration in dbt_project.yml says (read back from the
    manifest, so a model that overrides its folder fails here)."""
    manifest = _manifest()
    marts = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["original_file_path"].startswith("models/marts/")
        and "/sandbox/" not in node["original_file_path"]
        and "/deprecated/" not in node["original_file_path"]
    ]
    assert len(marts) >= 30, [n["name"] for n in marts]
    for node in marts:
        assert node.get("description"), node["name"]
        assert node["config"]["contract"]["enforced"] is True, node["name"]
        assert node["config"]["access"] == "public" and node["config"]["materialized"] == "table", node["name"]
        assert node["columns"], node["name"]
        for col in node["columns"].values():
            assert col.get("data_type") and col.get("description"), (node["name"], col["name"])


def _manifest() -> dict:
    return json.loads(built_manifest_path().read_text(encoding="utf-8"))


def test_seed_files_exist_with_yaml():
    for name in ("policies", "reason_codes", "sla_targets", "countries", "action_types", "surfaces", "content_types"):
        assert (SEEDS / f"{name}.csv").exists() and (SEEDS / f"{name}.yml").exists(), name
        assert Path(SEEDS / f"{name}.yml").read_text(encoding="utf-8").count("column_types") == 1, name
