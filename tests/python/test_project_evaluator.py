"""The dbt-project-evaluator rules (tests/python/project_evaluator.py), on small hand-made manifests
(one clean project, then one change per rule that breaks it) and on the real project's manifest.

The real-project check reads `$DBT_TARGET_PATH/manifest.json` (`make test` builds the project there
before pytest) and fails on every finding that tests/project_evaluator_exceptions.csv does not waive,
and on every exception that has no reason or waives nothing any more.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_warehouse import built_manifest_path
from project_evaluator import (
    CONFIG,
    RULES,
    RuleException,
    evaluate,
    hard_coded_references,
    load_exceptions,
    load_manifest,
    summarise,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
EXCEPTIONS_CSV = PROJECT_DIR / "tests" / "project_evaluator_exceptions.csv"
PKG = "integrity"


# --- A hand-made manifest: only the fields the evaluator reads -----------------------------------
class Manifest:
    def __init__(self) -> None:
        self.data: dict = {"metadata": {"project_name": PKG}, "nodes": {}, "sources": {}, "exposures": {}}

    def model(self, name: str, folder: str, deps=(), *, materialized="table", access="protected", contract=False,
              description="What it holds.", columns=None, raw_code="select 1 as id", pk=True, yml=None) -> str:
        uid = f"model.{PKG}.{name}"
        path = f"{folder}/{name}.sql"
        yml = yml or f"models/{folder}/{name}.yml"
        columns = {"id": {"name": "id", "description": "Key.", "constraints": []}} if columns is None else columns
        self.data["nodes"][uid] = {
            "unique_id": uid, "resource_type": "model", "name": name, "package_name": PKG, "language": "sql",
            "original_file_path": f"models/{path}", "path": path, "fqn": [PKG, *folder.split("/"), name],
            "patch_path": f"{PKG}://{yml}", "depends_on": {"nodes": list(deps)}, "access": access,
            "config": {"materialized": materialized, "access": access, "contract": {"enforced": contract}},
            "contract": {"enforced": contract}, "description": description, "columns": columns,
            "raw_code": raw_code,
        }
        if pk:
            self.test("unique", uid, "id", yml)
            self.test("not_null", uid, "id", yml)
        return uid

    def test(self, test_name: str, attached: str, column: str | None, yml: str, *, singular=False) -> str:
        uid = f"test.{PKG}.{test_name}_{attached.split('.')[-1]}_{column or 'model'}_{len(self.data['nodes'])}"
        self.data["nodes"][uid] = {
            "unique_id": uid, "resource_type": "test", "name": uid.split(".")[-1], "package_name": PKG,
            "original_file_path": yml, "path": yml, "depends_on": {"nodes": [attached]},
            "attached_node": None if singular else attached, "column_name": column,
            "test_metadata": None if singular else {"name": test_name, "kwargs": {}, "namespace": None},
        }
        return uid

    def seed(self, name: str) -> str:
        uid = f"seed.{PKG}.{name}"
        self.data["nodes"][uid] = {
            "unique_id": uid, "resource_type": "seed", "name": name, "package_name": PKG,
            "original_file_path": f"seeds/{name}.csv", "path": f"{name}.csv", "depends_on": {"nodes": []},
            "config": {"materialized": "seed"}, "description": "A seed.", "columns": {},
        }
        return uid

    def source(self, table: str, *, source_name="platform", yml="models/staging/platform/_sources.yml",
               identifier=None, description="A raw table.", source_description="The landing zone.",
               freshness=True) -> str:
        uid = f"source.{PKG}.{source_name}.{table}"
        fresh = {"warn_after": {"count": 2 if freshness else None, "period": "day"},
                 "error_after": {"count": None, "period": None}}
        self.data["sources"][uid] = {
            "unique_id": uid, "resource_type": "source", "name": table, "source_name": source_name,
            "package_name": PKG, "original_file_path": yml, "path": yml, "fqn": [PKG, source_name, table],
            "database": "warehouse", "schema": "raw", "identifier": identifier or table,
            "description": description, "source_description": source_description,
            "config": {"freshness": fresh}, "freshness": fresh, "columns": {},
        }
        return uid

    def exposure(self, name: str, deps) -> str:
        uid = f"exposure.{PKG}.{name}"
        self.data["exposures"][uid] = {
            "unique_id": uid, "resource_type": "exposure", "name": name, "package_name": PKG,
            "original_file_path": "models/exposures/dashboard.yml", "depends_on": {"nodes": list(deps)},
        }
        return uid


def clean_project() -> Manifest:
    """Every layer of the target layout, breaking no rule."""
    m = Manifest()
    accounts, content = m.source("accounts"), m.source("content")
    base_acc = m.model("base_platform__accounts", "staging/platform/base", [accounts], materialized="incremental")
    base_con = m.model("base_platform__content", "staging/platform/base", [content], materialized="incremental")
    stg_acc = m.model("stg_platform__accounts", "staging/platform", [base_acc], materialized="view")
    stg_con = m.model("stg_platform__content", "staging/platform", [base_con], materialized="view")
    m.model("qrt_platform__accounts", "staging/platform/quarantine", [base_acc])
    m.model("rpt_load_report", "staging/platform/quarantine", [base_con])
    joined = m.model("int_content_joined", "intermediate/core", [stg_acc, stg_con])
    rule = m.model("rule_new_account", "intermediate/rules", [stg_acc])
    m.model("dsa_part1", "marts/dsa", [rule])
    fct = m.model("fct_content", "marts/core", [joined], access="public", contract=True)
    m.model("dim_account", "marts/core", [stg_acc])
    m.exposure("dashboard", [fct])
    return m


def rules_of(m: Manifest, exceptions=()) -> set[str]:
    return {f.rule for f in evaluate(m.data, exceptions)}


def node(m: Manifest, name: str) -> dict:
    return m.data["nodes"][f"model.{PKG}.{name}"]


def add_dep(m: Manifest, name: str, uid: str) -> None:
    node(m, name)["depends_on"]["nodes"].append(uid)


def drop_tests(m: Manifest, name: str, test_name: str | None = None) -> None:
    for uid in [u for u, n in m.data["nodes"].items() if n["resource_type"] == "test"]:
        t = m.data["nodes"][uid]
        if t["attached_node"] == f"model.{PKG}.{name}" and test_name in (None, t["test_metadata"]["name"]):
            del m.data["nodes"][uid]


def test_the_clean_project_has_no_finding():
    findings = evaluate(clean_project().data, [])
    assert findings == [], summarise(findings)


# --- One change per rule, each must raise (at least) that rule ------------------------------------
def _chain(m: Manifest, views: int) -> None:
    upstream = f"model.{PKG}.int_content_joined"
    for i in range(views):
        upstream = m.model(f"int_view_{i}", "intermediate/core", [upstream], materialized="view")
    m.model("fct_after_views", "marts/core", [upstream])


def _seed_behind_dim(m: Manifest, reader: str) -> None:
    countries = m.seed("countries")
    m.model("dim_country", "marts/core", [countries])
    add_dep(m, reader, countries)


def _seeds_into(m: Manifest, name: str, count: int) -> None:
    for i in range(count):
        add_dep(m, name, m.seed(f"seed_{i}"))


BREAKS = {
    "direct_join_to_source": lambda m: add_dep(m, "stg_platform__content", f"source.{PKG}.platform.accounts"),
    "marts_or_intermediate_dependent_on_source": lambda m: add_dep(m, "fct_content", f"source.{PKG}.platform.content"),
    "model_fanout": lambda m: [m.model(f"dim_leaf_{i}", "marts/core", [f"model.{PKG}.stg_platform__accounts"])
                               for i in range(2)],
    "multiple_sources_joined": lambda m: add_dep(m, "base_platform__accounts", f"source.{PKG}.platform.content"),
    "rejoining_of_upstream_concepts": lambda m: add_dep(m, "fct_content", f"model.{PKG}.stg_platform__content"),
    "root_models": lambda m: m.model("dim_date", "marts/core", []),
    "source_fanout": lambda m: m.model("base_platform__accounts_history", "staging/platform/base",
                                       [f"source.{PKG}.platform.accounts"], materialized="incremental"),
    "staging_dependent_on_marts_or_intermediate": lambda m: m.model(
        "stg_platform__late", "staging/platform", [f"model.{PKG}.int_content_joined"], materialized="view"),
    "staging_dependent_on_staging": lambda m: add_dep(m, "stg_platform__content", f"model.{PKG}.stg_platform__accounts"),
    "unused_sources": lambda m: m.source("unused"),
    "hard_coded_references": lambda m: node(m, "int_content_joined").update(
        raw_code="select * from {{ ref('stg_platform__content') }} c\njoin raw.accounts a on a.id = c.owner_id"),
    "duplicate_sources": lambda m: add_dep(m, "base_platform__accounts",
                                           m.source("accounts_again", identifier="accounts")),
    "too_many_joins": lambda m: _seeds_into(m, "int_content_joined", 5),  # 2 models + 5 seeds = 7 parents
    "marts_dependent_on_staging_or_seeds": lambda m: add_dep(m, "dsa_part1", f"model.{PKG}.stg_platform__content"),
    "intermediate_bypasses_dims": lambda m: _seed_behind_dim(m, "int_content_joined"),
    "missing_primary_key_tests": lambda m: drop_tests(m, "dim_account", "not_null"),
    "test_coverage": lambda m: drop_tests(m, "dim_account"),
    "sources_without_freshness": lambda m: m.data["sources"][f"source.{PKG}.platform.content"].update(
        config={"freshness": None}, freshness=None),
    "undocumented_models": lambda m: node(m, "dim_account").update(description="  "),
    "documentation_coverage": lambda m: node(m, "dim_account").update(description=""),
    "undocumented_source_tables": lambda m: m.data["sources"][f"source.{PKG}.platform.content"].update(
        description=""),
    "undocumented_sources": lambda m: [s.update(source_description="") for s in m.data["sources"].values()],
    "model_naming_conventions": lambda m: m.model("content_summary", "marts/core", [f"model.{PKG}.fct_content"]),
    "model_directories": lambda m: m.model("int_misplaced", "marts/core", [f"model.{PKG}.int_content_joined"]),
    "source_directories": lambda m: m.data["sources"][f"source.{PKG}.platform.content"].update(
        original_file_path="models/staging/_sources.yml"),
    "test_directories": lambda m: node(m, "dim_account").update(patch_path=f"{PKG}://models/marts/_marts.yml"),
    "chained_views_dependencies": lambda m: _chain(m, 6),
    "exposure_parents_materializations": lambda m: node(m, "fct_content")["config"].update(materialized="view"),
    "public_models_without_contract": lambda m: node(m, "fct_content").update(contract={"enforced": False},
                                                                           config={"materialized": "table"}),
    "undocumented_public_models": lambda m: node(m, "fct_content")["columns"].update(
        title={"name": "title", "description": ""}),
    "exposures_dependent_on_private_models": lambda m: node(m, "fct_content").update(access="protected"),
}


def test_every_rule_has_a_breaking_case():
    assert set(BREAKS) == set(RULES)


@pytest.mark.parametrize("rule", list(BREAKS))
def test_each_rule_fires_on_its_breach(rule):
    m = clean_project()
    BREAKS[rule](m)
    findings = evaluate(m.data, [])
    assert rule in {f.rule for f in findings}, summarise(findings)


# --- Thresholds at the package defaults, and the finer points --------------------------------------
def test_fanout_counts_leaf_children_from_three():
    m = clean_project()
    m.model("dim_leaf_0", "marts/core", [f"model.{PKG}.stg_platform__accounts"])  # 2 leaves: fine
    assert "model_fanout" not in rules_of(m)
    m.model("dim_leaf_1", "marts/core", [f"model.{PKG}.stg_platform__accounts"])  # 3 leaves
    found = [f for f in evaluate(m.data) if f.rule == "model_fanout"]
    assert [f.resource for f in found] == ["stg_platform__accounts"]
    m.exposure("other_dashboard", [f"model.{PKG}.dim_leaf_1"])  # read by an exposure: not a leaf
    assert "model_fanout" not in rules_of(m)


def test_too_many_joins_counts_distinct_parents_from_seven():
    m = clean_project()
    _seeds_into(m, "int_content_joined", 4)  # 6 parents
    add_dep(m, "int_content_joined", f"model.{PKG}.stg_platform__content")  # same parent twice
    assert "too_many_joins" not in rules_of(m)
    _seeds_into(m, "fct_content", 6)  # 1 model + 6 seeds
    assert {f.resource for f in evaluate(m.data) if f.rule == "too_many_joins"} == {"fct_content"}


def test_chained_views_flag_more_than_five():
    m = clean_project()
    _chain(m, 5)
    assert "chained_views_dependencies" not in rules_of(m)
    m = clean_project()
    _chain(m, 6)
    found = [f for f in evaluate(m.data) if f.rule == "chained_views_dependencies"]
    assert [f.resource for f in found] == ["fct_after_views"]
    assert "int_view_0 -> int_view_1" in found[0].detail


def test_rejoining_is_fine_when_the_model_in_between_is_reused():
    m = clean_project()
    add_dep(m, "fct_content", f"model.{PKG}.stg_platform__content")
    m.model("dim_content_owner", "marts/core", [f"model.{PKG}.int_content_joined"])
    assert "rejoining_of_upstream_concepts" not in rules_of(m)


@pytest.mark.parametrize(("change", "ok"), [
    ("combination", True), ("constraint", True), ("other_columns", False), ("singular_only", False)])
def test_primary_key_ways(change, ok):
    m = clean_project()
    drop_tests(m, "dim_account")
    uid, yml = f"model.{PKG}.dim_account", "models/marts/core/dim_account.yml"
    if change == "combination":
        m.test("unique_combination_of_columns", uid, None, yml)
    elif change == "constraint":
        m.test("unique", uid, "id", yml)
        node(m, "dim_account")["columns"]["id"]["constraints"] = [{"type": "not_null"}]
    elif change == "other_columns":
        m.test("unique", uid, "id", yml)
        m.test("not_null", uid, "account_id", yml)
    else:
        m.test("assert_dim_account_ok", uid, None, "tests/singular/assert_dim_account_ok.sql", singular=True)
    rules = rules_of(m)
    assert ("missing_primary_key_tests" not in rules) is ok
    assert "test_coverage" not in rules  # any test counts for coverage


def test_model_type_comes_from_the_top_folder():
    m = clean_project()
    # an int_ model in the intermediate layer, under any subfolder, is fine; a stg_ model under base is not
    m.model("int_ops_series", "intermediate/operations", [f"model.{PKG}.int_content_joined"])
    assert rules_of(m) == set()
    m.model("stg_platform__oops", "staging/platform/base", [f"model.{PKG}.base_platform__content"])
    found = {f.resource: f.rule for f in evaluate(m.data)}
    assert found["stg_platform__oops"] == "model_directories"
    # the old layout: models/operations/... is no layer folder
    m = clean_project()
    m.model("fct_incidents", "operations", [f"model.{PKG}.int_content_joined"])
    assert {(f.rule, f.resource) for f in evaluate(m.data)} == {("model_directories", "fct_incidents")}


def test_staging_models_live_in_their_source_folder():
    m = clean_project()
    m.model("stg_platform__flat", "staging", [f"model.{PKG}.base_platform__content"], materialized="view")
    found = [f for f in evaluate(m.data) if f.resource == "stg_platform__flat"]
    assert [f.rule for f in found] == ["model_directories"] and "platform" in found[0].detail


def test_hard_coded_reference_patterns():
    sql = """
    -- from commented.out
    /* join also.commented */
    select * from raw.accounts a
    join "warehouse"."raw"."content" c on a.id = c.owner_id
    left join {{ var('lookup_table') }} l on true
    join {{ ref('stg_platform__content') }} s on s.id = a.id
    where a.queue is not distinct from c.queue
    """
    assert hard_coded_references(sql) == ['"warehouse"."raw"."content"', "raw.accounts", "{{ var('lookup_table') }}"]
    assert hard_coded_references("select * from {{ source('platform', 'accounts') }}") == []


# --- Exceptions ------------------------------------------------------------------------------------
def _broken() -> Manifest:
    m = clean_project()
    m.model("dim_date", "marts/core", [])
    return m


def test_an_exception_with_a_reason_waives_its_finding():
    waiver = RuleException("root_models", "dim_date", "a generated date spine reads nothing")
    assert evaluate(_broken().data, [waiver]) == []


def test_an_exception_may_name_a_pattern():
    assert evaluate(_broken().data, [RuleException("root_models", "dim_*", "generated spines read nothing")]) == []
    # a pattern that matches nothing is as stale as a name
    found = evaluate(_broken().data, [RuleException("root_models", "fct_*", "no")])
    assert sorted(f.rule for f in found) == ["root_models", "stale_exception"]


def test_an_exception_without_a_reason_fails_and_waives_nothing():
    rules = rules_of(_broken(), [RuleException("root_models", "dim_date", "")])
    assert rules == {"root_models", "invalid_exception"}


def test_a_stale_or_unknown_exception_fails():
    found = evaluate(clean_project().data, [RuleException("root_models", "dim_date", "was a spine"),
                                            RuleException("no_such_rule", "dim_date", "typo")])
    assert sorted(f.rule for f in found) == ["invalid_exception", "stale_exception"]


def test_exceptions_csv(tmp_path):
    good = tmp_path / "ok.csv"
    good.write_text("rule,resource,reason\nroot_models,dim_date,\"a spine, generated\"\n\n")
    assert load_exceptions(good) == [RuleException("root_models", "dim_date", "a spine, generated")]
    bad = tmp_path / "bad.csv"
    bad.write_text("rule,model\nroot_models,dim_date\n")
    with pytest.raises(ValueError, match="header"):
        load_exceptions(bad)


def test_the_project_exceptions_file_is_readable():
    for e in load_exceptions(EXCEPTIONS_CSV):
        assert e.rule in RULES and e.resource and e.reason, e


def test_config_is_this_projects_layout():
    types = CONFIG["model_types"]
    assert {t: s["folder"] for t, s in types.items()} == {
        "base": "base", "staging": "staging", "intermediate": "intermediate", "marts": "marts"}
    assert set(types["staging"]["prefixes"]) == {"stg_", "qrt_", "rpt_"}
    assert set(types["intermediate"]["prefixes"]) == {"int_", "rule_"}
    assert set(types["marts"]["prefixes"]) == {"fct_", "dim_", "rpt_", "dsa_"}
    assert CONFIG["nested_types"] == ("base",)


# --- The real project ------------------------------------------------------------------------------
def test_the_project_follows_the_evaluator_rules():
    manifest_path = built_manifest_path()
    findings = evaluate(load_manifest(manifest_path), load_exceptions(EXCEPTIONS_CSV))
    assert not findings, (
        f"{len(findings)} dbt-project-evaluator finding(s); fix them, or waive one in "
        f"{EXCEPTIONS_CSV.relative_to(PROJECT_DIR)} (rule,resource,reason):\n{summarise(findings)}"
    )
