"""The rules of dbt-labs/dbt-project-evaluator, checked in Python over dbt's `manifest.json`.

The package hub is out of reach, so the evaluator package cannot be installed; this module decides
its rules (modeling, testing, documentation, structure, performance, governance) at the package's
default thresholds, from the manifest alone: `evaluate(manifest, exceptions)` returns one `Finding`
per breach that no exception waives, plus one per exception that is invalid (no reason, unknown
rule) or stale (it waives nothing any more).

Differences from the package, on purpose:
- a model's type comes from its folder (see CONFIG), not from its prefix first;
- exceptions name a rule and a resource (a name or a shell-style pattern) and need a reason;
- coverage rules report each untested / undocumented model, so they can be waived one by one;
- hard-coded references ignore `/* */` and `{# #}` comments as well as `--` ones;
- two layering rules of this project: facts and reports read `int_` and `dim_` models, never a
  `stg_` model or a seed (`marts_dependent_on_staging_or_seeds`), and an `int_` model never reads a
  seed that a `dim_` model wraps (`intermediate_bypasses_dims`).

Run it by hand: `python tests/python/project_evaluator.py target/manifest.json`.
"""

from __future__ import annotations

import csv
import fnmatch
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# --- Configuration: the evaluator's variables, adapted to this project --------------------------
CONFIG: dict = {
    # model type -> the folder that holds it and the name prefixes it may use.
    # A model's type is its top folder under models/, except the "nested" types (base), which are
    # recognised by their folder anywhere under models/ (models/staging/platform/base/...).
    "model_types": {
        "base": {"folder": "base", "prefixes": ("base_",)},
        "staging": {"folder": "staging", "prefixes": ("stg_", "qrt_", "rpt_")},
        "intermediate": {"folder": "intermediate", "prefixes": ("int_", "rule_")},
        "marts": {"folder": "marts", "prefixes": ("fct_", "dim_", "rpt_", "dsa_")},
    },
    "nested_types": ("base",),
    # thresholds (dbt_project.yml vars of the package)
    "models_fanout_threshold": 3,  # flagged when leaf children >= threshold, as the package does
    "too_many_joins_threshold": 7,  # flagged when distinct direct parents >= threshold
    "chained_views_threshold": 5,  # flagged when more than this many views/ephemerals are chained
    "test_coverage_target": 100,
    "documentation_coverage_target": 100,
    # primary key: every test of one set on one column, or one test of a single-test set
    "primary_key_test_sets": (("unique", "not_null"), ("unique_combination_of_columns",)),
    "enforced_primary_key_node_types": ("model",),
}

RULES: dict[str, str] = {
    "direct_join_to_source": "modeling",
    "marts_or_intermediate_dependent_on_source": "modeling",
    "model_fanout": "modeling",
    "multiple_sources_joined": "modeling",
    "rejoining_of_upstream_concepts": "modeling",
    "root_models": "modeling",
    "source_fanout": "modeling",
    "staging_dependent_on_marts_or_intermediate": "modeling",
    "staging_dependent_on_staging": "modeling",
    "unused_sources": "modeling",
    "hard_coded_references": "modeling",
    "duplicate_sources": "modeling",
    "too_many_joins": "modeling",
    "marts_dependent_on_staging_or_seeds": "layering",
    "intermediate_bypasses_dims": "layering",
    "missing_primary_key_tests": "testing",
    "test_coverage": "testing",
    "sources_without_freshness": "testing",
    "undocumented_models": "documentation",
    "documentation_coverage": "documentation",
    "undocumented_source_tables": "documentation",
    "undocumented_sources": "documentation",
    "model_naming_conventions": "structure",
    "model_directories": "structure",
    "source_directories": "structure",
    "test_directories": "structure",
    "chained_views_dependencies": "performance",
    "exposure_parents_materializations": "performance",
    "public_models_without_contract": "governance",
    "undocumented_public_models": "governance",
    "exposures_dependent_on_private_models": "governance",
}
EXCEPTION_RULES = {"invalid_exception": "exceptions", "stale_exception": "exceptions"}
EXCEPTION_COLUMNS = ("rule", "resource", "reason")
DAG_TYPES = ("model", "snapshot", "seed", "source", "exposure", "metric")
VIEW_LIKE = ("view", "ephemeral")


@dataclass(frozen=True, order=True)
class Finding:
    rule: str
    resource: str  # model / seed / exposure name, `source.table` for a source table, source name
    detail: str
    unique_id: str = ""

    @property
    def family(self) -> str:
        return RULES.get(self.rule) or EXCEPTION_RULES.get(self.rule, "?")

    def __str__(self) -> str:
        return f"[{self.family}] {self.rule}: {self.resource}: {self.detail}"


@dataclass(frozen=True)
class RuleException:
    rule: str
    resource: str
    reason: str

    def matches(self, finding: Finding) -> bool:
        """Exact name or unique_id, or a shell-style pattern (`base_platform__*`, `platform.*`), as
        the package's exceptions seed takes `like` patterns: one line covers every feed."""
        if self.rule != finding.rule:
            return False
        return any(fnmatch.fnmatchcase(name, self.resource) for name in (finding.resource, finding.unique_id))


def load_exceptions(path: Path) -> list[RuleException]:
    """Rows of a `rule,resource,reason` CSV (the header is required, blank lines are skipped)."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != EXCEPTION_COLUMNS:
            raise ValueError(f"{path}: the header must be {','.join(EXCEPTION_COLUMNS)}, got {reader.fieldnames}")
        rows = [r for r in reader if any((v or "").strip() for v in r.values() if isinstance(v, str))]
    return [RuleException(*((r.get(c) or "").strip() for c in EXCEPTION_COLUMNS)) for r in rows]


def load_manifest(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def evaluate(manifest: dict, exceptions: Iterable[RuleException] = (), config: dict | None = None) -> list[Finding]:
    """Findings no exception waives, then one finding per invalid or stale exception."""
    findings = all_findings(manifest, config)
    exceptions = list(exceptions)
    kept = [f for f in findings if not any(e.matches(f) and e.reason for e in exceptions)]
    problems = []
    for e in exceptions:
        key = f"{e.rule}:{e.resource}"
        if e.rule not in RULES:
            problems.append(Finding("invalid_exception", key, f"unknown rule {e.rule!r}"))
        elif not e.resource:
            problems.append(Finding("invalid_exception", key, "no resource"))
        elif not e.reason:
            problems.append(Finding("invalid_exception", key, "no reason given"))
        elif not any(e.matches(f) for f in findings):
            problems.append(Finding("stale_exception", key, "matches no finding any more: remove it"))
    return kept + problems


def all_findings(manifest: dict, config: dict | None = None) -> list[Finding]:
    project = _Project(manifest, config or CONFIG)
    out: list[Finding] = []
    for check in _CHECKS:
        out.extend(check(project))
    return sorted(set(out))


def summarise(findings: Iterable[Finding]) -> str:
    lines = [str(f) for f in sorted(findings, key=lambda f: (f.family, f.rule, f.resource, f.detail))]
    return "\n".join(lines) if lines else "no findings"


# --- The project graph ---------------------------------------------------------------------------
def _dir(path: str) -> str:
    return str(PurePosixPath(path).parent)


def _described(text: str | None) -> bool:
    return bool((text or "").strip())


class _Project:
    def __init__(self, manifest: dict, config: dict) -> None:
        self.config = config
        nodes = manifest.get("nodes", {})
        self.res: dict[str, dict] = {}
        for uid, n in nodes.items():
            if n.get("resource_type") in DAG_TYPES and n.get("package_name") != "dbt_project_evaluator":
                self.res[uid] = n
        for key in ("sources", "exposures", "metrics"):
            for uid, n in manifest.get(key, {}).items():
                self.res[uid] = {**n, "resource_type": n.get("resource_type") or key[:-1]}
        self.tests = [n for n in nodes.values() if n.get("resource_type") == "test"]
        # direct parents of every non-test resource (seeds, sources have none in the evaluator)
        self.parents: dict[str, list[str]] = {}
        self.children: dict[str, list[str]] = defaultdict(list)
        for uid, n in self.res.items():
            deps = []
            if n["resource_type"] in ("model", "snapshot", "exposure", "metric"):
                deps = [d for d in dict.fromkeys((n.get("depends_on") or {}).get("nodes") or []) if d in self.res]
            self.parents[uid] = deps
            for d in deps:
                self.children[d].append(uid)
        self.models = {u: n for u, n in self.res.items() if n["resource_type"] == "model"}
        self.sources = {u: n for u, n in self.res.items() if n["resource_type"] == "source"}
        self.exposures = {u: n for u, n in self.res.items() if n["resource_type"] == "exposure"}
        self.type_of = {u: self._model_type(n) for u, n in self.res.items()
                        if n["resource_type"] in ("model", "snapshot")}

    # names and types
    def name(self, uid: str) -> str:
        n = self.res.get(uid) or {}
        if n.get("resource_type") == "source":
            return f"{n.get('source_name')}.{n.get('name')}"
        if n.get("version") not in (None, ""):
            return f"{n['name']}.v{n['version']}"
        return n.get("name", uid)

    def kind(self, uid: str) -> str:
        return (self.res.get(uid) or {}).get("resource_type", "")

    def folders(self, n: dict) -> list[str]:
        """The folders of a model below its model path (models/)."""
        rel = n.get("path") or n.get("original_file_path") or ""
        parts = list(PurePosixPath(rel).parts[:-1])
        if parts and parts[0] == "models" and (n.get("original_file_path") or "") == rel:
            parts = parts[1:]
        return parts

    def folder_type(self, n: dict) -> str | None:
        folders = self.folders(n)
        types = self.config["model_types"]
        for t in self.config["nested_types"]:
            if types[t]["folder"] in folders:
                return t
        if folders:
            for t, spec in types.items():
                if t not in self.config["nested_types"] and spec["folder"] == folders[0]:
                    return t
        return None

    def prefix_types(self, n: dict) -> list[str]:
        return [t for t, spec in self.config["model_types"].items()
                if any(n.get("name", "").startswith(p) for p in spec["prefixes"])]

    def _model_type(self, n: dict) -> str | None:
        by_folder = self.folder_type(n)
        if by_folder:
            return by_folder
        by_prefix = self.prefix_types(n)
        return by_prefix[0] if len(by_prefix) == 1 else None

    # tests
    def primary_tests(self) -> dict[str, list[dict]]:
        """Tests per resource they test: the attached node, else the last node they depend on."""
        out: dict[str, list[dict]] = defaultdict(list)
        for t in self.tests:
            target = t.get("attached_node") or ((t.get("depends_on") or {}).get("nodes") or [None])[-1]
            if target:
                out[target].append(t)
        return out

    def ancestors(self, uid: str) -> set[str]:
        seen: set[str] = set()
        stack = list(self.parents.get(uid, []))
        while stack:
            p = stack.pop()
            if p not in seen:
                seen.add(p)
                stack.extend(self.parents.get(p, []))
        return seen


def _f(rule: str, p: _Project, uid: str, detail: str) -> Finding:
    return Finding(rule, p.name(uid), detail, uid)


def _names(p: _Project, uids: Iterable[str]) -> str:
    return ", ".join(sorted(p.name(u) for u in uids))


# --- Modeling ------------------------------------------------------------------------------------
def _direct_join_to_source(p: _Project):
    for uid in p.models:
        kinds = defaultdict(list)
        for parent in p.parents[uid]:
            kinds[p.kind(parent)].append(parent)
        if kinds["model"] and kinds["source"]:
            yield _f("direct_join_to_source", p, uid,
                     f"reads source(s) {_names(p, kinds['source'])} and model(s) {_names(p, kinds['model'])}")


def _marts_or_intermediate_dependent_on_source(p: _Project):
    for uid, t in p.type_of.items():
        sources = [x for x in p.parents[uid] if p.kind(x) == "source"]
        if t in ("marts", "intermediate") and sources:
            yield _f("marts_or_intermediate_dependent_on_source", p, uid,
                     f"{t} model reads source(s) {_names(p, sources)} directly")


def _model_fanout(p: _Project):
    leaves = {u for u in p.models if not p.children.get(u)}
    threshold = p.config["models_fanout_threshold"]
    for uid in p.res:
        leaf_children = [c for c in p.children.get(uid, []) if c in leaves]
        if len(leaf_children) >= threshold:
            yield _f("model_fanout", p, uid,
                     f"{len(leaf_children)} leaf model children (>= {threshold}): {_names(p, leaf_children)}")


def _multiple_sources_joined(p: _Project):
    for uid, parents in p.parents.items():
        sources = [x for x in parents if p.kind(x) == "source"]
        if len(sources) > 1:
            yield _f("multiple_sources_joined", p, uid, f"reads {len(sources)} sources: {_names(p, sources)}")


def _rejoining_of_upstream_concepts(p: _Project):
    def dag(u: str) -> bool:
        return p.kind(u) not in ("exposure", "metric")

    kids = {u: [c for c in p.children.get(u, []) if dag(c)] for u in p.res if dag(u)}
    for parent, direct in kids.items():
        direct_set = set(direct)
        for middle in direct:
            if len(kids.get(middle, [])) != 1:
                continue  # the model in between has other dependants: a deliberate reuse
            child = kids[middle][0]
            if child in direct_set:
                yield _f("rejoining_of_upstream_concepts", p, child,
                         f"reads {p.name(parent)} and {p.name(middle)}, which only exists to feed it and "
                         f"reads {p.name(parent)} too")


def _root_models(p: _Project):
    for uid, n in p.models.items():
        if not p.parents[uid] and not n.get("time_spine"):
            yield _f("root_models", p, uid, "no parent: it reads no ref() nor source()")


def _source_fanout(p: _Project):
    for uid in p.sources:
        models = [c for c in p.children.get(uid, []) if p.kind(c) == "model"]
        if len(models) > 1:
            yield _f("source_fanout", p, uid, f"read by {len(models)} models: {_names(p, models)}")


def _staging_dependent_on_marts_or_intermediate(p: _Project):
    for uid, t in p.type_of.items():
        if t != "staging" or p.kind(uid) != "model":
            continue
        bad = [x for x in p.parents[uid] if p.kind(x) == "model" and p.type_of.get(x) in ("marts", "intermediate")]
        if bad:
            yield _f("staging_dependent_on_marts_or_intermediate", p, uid,
                     f"staging model reads downstream model(s) {_names(p, bad)}")


def _staging_dependent_on_staging(p: _Project):
    for uid, t in p.type_of.items():
        bad = [x for x in p.parents[uid] if p.type_of.get(x) == "staging"]
        if t == "staging" and bad:
            yield _f("staging_dependent_on_staging", p, uid, f"staging model reads staging model(s) {_names(p, bad)}")


def _unused_sources(p: _Project):
    for uid in p.sources:
        if not p.children.get(uid):
            yield _f("unused_sources", p, uid, "no model, snapshot or exposure reads it")


_LEAD = r"(?<!distinct\s)\b(?:from|join)\s+"
_OPEN, _CLOSE, _WORD = r"[\[`\"']?", r"[\]`\"']?", r"\w+-?\w*"
_PART = _OPEN + _WORD + _CLOSE
_HARD_CODED = [
    # from {{ var('table') }} / from {{ var('table', 'default') }}
    re.compile(_LEAD + r"(\{\{\s*var\s*\(\s*['\"]?[^)'\"]+['\"]?\s*(?:,\s*['\"]?[^)'\"]+['\"]?\s*)?\)\s*\}\})",
               re.IGNORECASE),
    # from schema.table / from database.schema.table, each part optionally quoted
    re.compile(_LEAD + "(" + _PART + r"\." + _PART + r"(?:\." + _PART + r")?)(?=\s|$)", re.IGNORECASE),
    # from "table" (a quoted single name)
    re.compile(_LEAD + r"([\[`\"']\w+-?\w+[\]`\"'])(?=\s|$)", re.IGNORECASE),
]
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/|\{#.*?#\}", re.DOTALL)


def hard_coded_references(sql: str) -> list[str]:
    """Relations a query names directly after from/join instead of through ref() or source()."""
    text = _COMMENTS.sub(" ", sql or "")
    return sorted({m.group(1).strip() for pattern in _HARD_CODED for m in pattern.finditer(text)})


def _hard_coded_references(p: _Project):
    for uid, n in p.models.items():
        if n.get("language", "sql") == "sql":
            refs = hard_coded_references(n.get("raw_code") or n.get("raw_sql") or "")
            if refs:
                yield _f("hard_coded_references", p, uid, f"names relation(s) directly: {', '.join(refs)}")


def _duplicate_sources(p: _Project):
    by_location = defaultdict(list)
    for uid, n in p.sources.items():
        parts = [n.get("database"), n.get("schema"), n.get("identifier") or n.get("name")]
        by_location[".".join(str(x) for x in parts if x)].append(uid)
    for location, uids in by_location.items():
        if len(uids) > 1:
            for uid in uids:
                yield _f("duplicate_sources", p, uid, f"{location} is also declared as "
                         f"{_names(p, [u for u in uids if u != uid])}")


def _too_many_joins(p: _Project):
    threshold = p.config["too_many_joins_threshold"]
    for uid in p.models:
        if len(p.parents[uid]) >= threshold:
            yield _f("too_many_joins", p, uid,
                     f"{len(p.parents[uid])} distinct parents (>= {threshold}): {_names(p, p.parents[uid])}")


# --- Layering (this project's rules, beside the package's) ---------------------------------------
def _is_dim(p: _Project, uid: str) -> bool:
    return p.type_of.get(uid) == "marts" and p.name(uid).startswith("dim_")


def _is_staging_model(p: _Project, uid: str) -> bool:
    return p.type_of.get(uid) == "staging" and p.name(uid).startswith("stg_")


def _marts_dependent_on_staging_or_seeds(p: _Project):
    """Facts and reports (fct_, dsa_, rpt_ in marts) read int_ and dim_ models, never a stg_ model
    or a seed: what they need from staging or the reference data comes through a dim_ or int_."""
    for uid, t in p.type_of.items():
        if t != "marts" or _is_dim(p, uid):
            continue
        direct = [x for x in p.parents[uid] if p.kind(x) == "seed" or _is_staging_model(p, x)]
        if direct:
            yield _f("marts_dependent_on_staging_or_seeds", p, uid,
                     f"marts model reads {_names(p, direct)} directly (read a dim_ or int_ model)")


def _intermediate_bypasses_dims(p: _Project):
    """An int_ / rule_ model does not read a seed that a dim_ model wraps: reference data reaches
    the intermediate layer through its dim_ model, so every reader sees the same mapping."""
    wrapped: dict[str, list[str]] = defaultdict(list)
    for uid in p.models:
        if _is_dim(p, uid):
            for x in p.parents[uid]:
                if p.kind(x) == "seed":
                    wrapped[x].append(uid)
    for uid, t in p.type_of.items():
        if t != "intermediate":
            continue
        for x in p.parents[uid]:
            if x in wrapped:
                yield _f("intermediate_bypasses_dims", p, uid,
                         f"reads the seed {p.name(x)}, which {_names(p, wrapped[x])} wraps")


# --- Testing -------------------------------------------------------------------------------------
def _test_name(t: dict) -> str | None:
    return (t.get("test_metadata") or {}).get("name")


def _missing_primary_key_tests(p: _Project):
    tests_of = p.primary_tests()
    sets = [set(s) for s in p.config["primary_key_test_sets"]]
    for uid, n in p.res.items():
        if n["resource_type"] not in p.config["enforced_primary_key_node_types"]:
            continue
        per_column: dict[str | None, set[str]] = defaultdict(set)
        for t in tests_of.get(uid, []):
            name = _test_name(t)
            if name:
                column = t.get("column_name")
                per_column[column.strip('"`').lower() if column else None].add(name)
        for col, spec in (n.get("columns") or {}).items():  # a not_null constraint stands for the test
            if any(c.get("type") == "not_null" for c in spec.get("constraints") or []):
                per_column[col.lower()].add("not_null")
        for c in n.get("constraints") or []:
            if c.get("type") == "not_null":
                for col in c.get("columns") or []:
                    per_column[col.lower()].add("not_null")
        ok = False
        for test_set in sets:
            if len(test_set) == 1:  # a test that covers a combination of columns on its own
                ok |= any(test_set <= names for names in per_column.values())
            else:  # every test of the set on one and the same column
                ok |= any(test_set <= names for col, names in per_column.items() if col)
        if not ok:
            yield _f("missing_primary_key_tests", p, uid,
                     "no unique + not_null on one column, nor a unique_combination_of_columns test")


def _coverage(p: _Project, rule: str, target: float, covered, missing_what: str):
    """Below the target, each model that is not covered (so each can be fixed, or waived)."""
    models = list(p.models)
    missing = [u for u in models if not covered(u)]
    pct = 100.0 * (len(models) - len(missing)) / len(models) if models else 100.0
    if pct < target:
        for uid in missing:
            yield _f(rule, p, uid, f"{missing_what}: coverage {pct:.1f}% < target {target}%")


def _test_coverage(p: _Project):
    tests_of = p.primary_tests()
    yield from _coverage(p, "test_coverage", p.config["test_coverage_target"],
                         lambda u: bool(tests_of.get(u)), "no test on this model")


def _sources_without_freshness(p: _Project):
    def counted(fresh: dict | None) -> bool:
        fresh = fresh or {}
        return any((fresh.get(k) or {}).get("count") not in (None, "") for k in ("warn_after", "error_after"))

    for uid, n in p.sources.items():
        if not (counted((n.get("config") or {}).get("freshness")) or counted(n.get("freshness"))):
            yield _f("sources_without_freshness", p, uid, "no warn_after / error_after freshness")


# --- Documentation -------------------------------------------------------------------------------
def _undocumented_models(p: _Project):
    for uid, n in p.models.items():
        if not _described(n.get("description")):
            yield _f("undocumented_models", p, uid, "no description")


def _documentation_coverage(p: _Project):
    yield from _coverage(p, "documentation_coverage", p.config["documentation_coverage_target"],
                         lambda u: _described(p.models[u].get("description")), "no description")


def _undocumented_source_tables(p: _Project):
    for uid, n in p.sources.items():
        if not _described(n.get("description")):
            yield _f("undocumented_source_tables", p, uid, "source table has no description")


def _undocumented_sources(p: _Project):
    seen = {}
    for uid, n in p.sources.items():
        if not _described(n.get("source_description")):
            seen.setdefault(n.get("source_name"), uid)
    for source_name, uid in seen.items():
        yield Finding("undocumented_sources", source_name, "source has no description", uid)


# --- Structure -----------------------------------------------------------------------------------
def _layers(p: _Project) -> str:
    return "/".join(s["folder"] for t, s in p.config["model_types"].items() if t not in p.config["nested_types"])


def _model_naming_conventions(p: _Project):
    types = p.config["model_types"]
    for uid, n in p.models.items():
        folder_type, prefix_types = p.folder_type(n), p.prefix_types(n)
        if prefix_types:
            continue  # a known prefix in the wrong folder is a model_directories finding
        if folder_type:
            allowed = ", ".join(types[folder_type]["prefixes"])
            yield _f("model_naming_conventions", p, uid, f"{folder_type} model: name must start with {allowed}")
        else:
            allowed = ", ".join(sorted({x for s in types.values() for x in s["prefixes"]}))
            yield _f("model_naming_conventions", p, uid, f"prefix is none of {allowed}")


def _model_directories(p: _Project):
    types = p.config["model_types"]
    for uid, n in p.models.items():
        folder_type, prefix_types = p.folder_type(n), p.prefix_types(n)
        here = _dir(n.get("original_file_path", ""))
        if folder_type is None:
            hint = f" (by its prefix: {'/'.join(prefix_types)})" if prefix_types else ""
            yield _f("model_directories", p, uid, f"{here} is not under a layer folder ({_layers(p)}){hint}")
        elif prefix_types and folder_type not in prefix_types:
            want = " or ".join(f"a {types[t]['folder']} folder" for t in prefix_types)
            yield _f("model_directories", p, uid,
                     f"{'/'.join(prefix_types)} prefix in {here} ({folder_type}): move it to {want}")
        if folder_type == "staging":
            source_names = sorted({p.res[a].get("source_name") for a in p.ancestors(uid) if p.kind(a) == "source"})
            missing = [s for s in source_names if s and s not in here]
            if missing:
                yield _f("model_directories", p, uid,
                         f"staging model of source {', '.join(missing)} not in a folder named after it ({here})")


def _source_directories(p: _Project):
    for uid, n in p.sources.items():
        here = _dir(n.get("original_file_path", ""))
        if (n.get("source_name") or "") not in here:
            yield _f("source_directories", p, uid,
                     f"declared in {n.get('original_file_path')}, not in a folder named {n.get('source_name')}")


def _test_directories(p: _Project):
    tests_of = p.primary_tests()
    for uid, n in p.models.items():
        here = _dir(n.get("original_file_path", ""))
        ymls = set()
        patch = (n.get("patch_path") or "").split("://", 1)[-1]
        if patch:
            ymls.add(patch)
        ymls.update(t.get("original_file_path", "") for t in tests_of.get(uid, []) if t.get("test_metadata"))
        elsewhere = sorted(y for y in ymls if y and _dir(y) != here)
        if elsewhere:
            yield _f("test_directories", p, uid, f"documented or tested in {', '.join(elsewhere)}, not in {here}")


# --- Performance ---------------------------------------------------------------------------------
def _chained_views_dependencies(p: _Project):
    chain: dict[str, list[str]] = {}  # longest run of views/ephemerals ending at a node, top first

    def views_ending_at(uid: str) -> list[str]:
        if uid not in chain:
            n = p.res[uid]
            if n["resource_type"] == "model" and (n.get("config") or {}).get("materialized") in VIEW_LIKE:
                chain[uid] = max((views_ending_at(x) for x in p.parents[uid]), key=len, default=[]) + [uid]
            else:
                chain[uid] = []
        return chain[uid]

    threshold = int(p.config["chained_views_threshold"])
    for uid in p.models:
        upstream = max((views_ending_at(x) for x in p.parents[uid]), key=len, default=[])
        if len(upstream) > threshold:
            path = " -> ".join(p.name(u) for u in [*upstream, uid])
            yield _f("chained_views_dependencies", p, uid,
                     f"{len(upstream)} chained views/ephemerals (> {threshold}): {path}")


def _exposure_parents_materializations(p: _Project):
    for uid in p.exposures:
        for parent in p.parents[uid]:
            n = p.res[parent]
            materialized = (n.get("config") or {}).get("materialized")
            if n["resource_type"] == "source" or (n["resource_type"] == "model" and materialized in VIEW_LIKE):
                what = "a source" if n["resource_type"] == "source" else f"materialized as {materialized}"
                yield _f("exposure_parents_materializations", p, parent, f"exposure {p.name(uid)} reads it, {what}")


# --- Governance ----------------------------------------------------------------------------------
def _is_public(n: dict) -> bool:
    return (n.get("access") or (n.get("config") or {}).get("access")) == "public"


def _public_models_without_contract(p: _Project):
    for uid, n in p.models.items():
        enforced = (n.get("contract") or {}).get("enforced") or ((n.get("config") or {}).get("contract") or {}).get(
            "enforced")
        if _is_public(n) and not enforced:
            yield _f("public_models_without_contract", p, uid, "public model without an enforced contract")


def _undocumented_public_models(p: _Project):
    for uid, n in p.models.items():
        if not _is_public(n):
            continue
        columns = n.get("columns") or {}
        undescribed = sorted(c for c, spec in columns.items() if not _described(spec.get("description")))
        gaps = (["no description"] if not _described(n.get("description")) else []) + (
            ["no columns documented"] if not columns else []) + (
            [f"undescribed columns: {', '.join(undescribed)}"] if undescribed else [])
        if gaps:
            yield _f("undocumented_public_models", p, uid, "public model: " + "; ".join(gaps))


def _exposures_dependent_on_private_models(p: _Project):
    for uid in p.exposures:
        for parent in p.parents[uid]:
            n = p.res[parent]
            if not (n["resource_type"] == "model" and _is_public(n)):
                access = n.get("access") or n["resource_type"]
                yield _f("exposures_dependent_on_private_models", p, parent,
                         f"exposure {p.name(uid)} reads it, and it is not a public model ({access})")


_CHECKS = [
    _direct_join_to_source, _marts_or_intermediate_dependent_on_source, _model_fanout, _multiple_sources_joined,
    _rejoining_of_upstream_concepts, _root_models, _source_fanout, _staging_dependent_on_marts_or_intermediate,
    _staging_dependent_on_staging, _unused_sources, _hard_coded_references, _duplicate_sources, _too_many_joins,
    _marts_dependent_on_staging_or_seeds, _intermediate_bypasses_dims,
    _missing_primary_key_tests, _test_coverage, _sources_without_freshness,
    _undocumented_models, _documentation_coverage, _undocumented_source_tables, _undocumented_sources,
    _model_naming_conventions, _model_directories, _source_directories, _test_directories,
    _chained_views_dependencies, _exposure_parents_materializations,
    _public_models_without_contract, _undocumented_public_models, _exposures_dependent_on_private_models,
]
assert [c.__name__.lstrip("_") for c in _CHECKS] == list(RULES), "every rule has one check, in order"

if __name__ == "__main__":
    found = evaluate(load_manifest(Path(sys.argv[1] if len(sys.argv) > 1 else "target/manifest.json")),
                     load_exceptions(Path(sys.argv[2])) if len(sys.argv) > 2 else [])
    print(summarise(found))
    sys.exit(1 if found else 0)
