"""The project's SQL stays portable: DuckDB-only constructs live only in dispatched macros.

Models, macros, data tests, analyses and unit-test fixtures are read as text (dbt compile renders
only Jinja, so it would not catch them): `::` casts, DuckDB's `list_*` functions, `group by all`,
`qualify` and `quantile_cont` are rejected outside the body of an engine's implementation of a
dispatched macro (`{% macro duckdb__name(...) %}`, or another adapter's prefix, or `default__`).
Comments are skipped. The SQL the build runs (models, macros, data tests) is held to more: DuckDB's
`unnest`, `generate_series`, `epoch`, `arg_min` / `arg_max`, `strftime`, `struct_extract`,
`string_split`, `list(...)` and casts to `varchar` have portable macros (macros/portable/); analyses
and unit-test fixtures may use them (analyses run on the published DuckDB copy only). The engine's
own check (EXPLAIN of every compiled model on Spark) is in the Spark tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SQL_DIRS = ("models", "macros", "tests/generic", "tests/singular", "analyses")

# (name, pattern) of the rejected constructs
REJECTED = (
    ("'::' cast", re.compile(r"::")),
    ("list_* function", re.compile(r"\blist_[a-z_]+\s*\(", re.I)),
    ("group by all", re.compile(r"\bgroup\s+by\s+all\b", re.I)),
    ("qualify", re.compile(r"\bqualify\b", re.I)),
    ("quantile_cont", re.compile(r"\bquantile_cont\b", re.I)),
)

# rejected in the SQL the build runs as well (macros/portable/ has the portable forms)
BUILD_REJECTED = REJECTED + (
    ("unnest (unnest_rows / lateral_unnest)", re.compile(r"\bunnest\s*\(", re.I)),
    ("generate_series (day_rows / integer_rows)", re.compile(r"(?<![.\w])generate_series\s*\(", re.I)),
    ("epoch (seconds_between)", re.compile(r"\bepoch\s*\(", re.I)),
    ("arg_min / arg_max (min_by)", re.compile(r"\barg_(?:min|max)\s*\(", re.I)),
    ("strftime (cast to dbt.type_string())", re.compile(r"\bstrftime\s*\(", re.I)),
    ("struct_extract (struct.field)", re.compile(r"\bstruct_extract\s*\(", re.I)),
    ("string_split (split_text)", re.compile(r"\bstring_split\s*\(", re.I)),
    ("list aggregate (ordered_list)", re.compile(r"(?<![.\w])list\s*\(", re.I)),
    ("cast to varchar (dbt.type_string())", re.compile(r"\bas\s+varchar\b", re.I)),
    ("string_agg / dbt.listagg (ordered_text_agg)", re.compile(r"\bstring_agg\s*\(|\bdbt\.listagg\b", re.I)),
    ("starts_with (substr(x, 1, n) = prefix)", re.compile(r"\bstarts_with\s*\(", re.I)),
    ("union by name (explicit columns)", re.compile(r"\bunion\s+(?:all\s+)?by\s+name\b", re.I)),
    ("date_diff (seconds_between, dbt.datediff)", re.compile(r"(?<![.\w])date_diff\s*\(", re.I)),
    ("isoyear / isodow / dayname (iso_year, iso_day_of_week, day_name)",
     re.compile(r"\b(?:isoyear|isodow|dayname)\s*\(", re.I)),
)
BUILD_DIRS = ("models", "macros", "tests/generic", "tests/singular")

# the body of an engine's implementation of a dispatched macro: adapter prefix, double underscore
IMPLEMENTATION = re.compile(
    r"\{%-?\s*macro\s+(?:default|duckdb|spark|databricks|postgres|snowflake|bigquery)__\w+.*?"
    r"\{%-?\s*endmacro\s*-?%\}",
    re.S,
)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
SQL_COMMENT = re.compile(r"--[^\n]*")


def _blank(match: re.Match) -> str:
    """the matched text with everything but newlines blanked (line numbers stay right)"""
    return re.sub(r"[^\n]", " ", match.group(0))


def violations(text: str, rejected=REJECTED) -> list[tuple[int, str, str]]:
    """(line, construct, line text) of each rejected construct outside comments and dispatched
    implementations"""
    stripped = JINJA_COMMENT.sub(_blank, text)
    stripped = IMPLEMENTATION.sub(_blank, stripped)
    stripped = SQL_COMMENT.sub(_blank, stripped)
    found = []
    for number, line in enumerate(stripped.split("\n"), start=1):
        for name, pattern in rejected:
            if pattern.search(line):
                found.append((number, name, text.split("\n")[number - 1].strip()))
    return found


def _sql_files() -> list[Path]:
    return sorted(p for d in SQL_DIRS for p in (ROOT / d).rglob("*.sql"))


def _fixture_sql(path: Path) -> list[tuple[str, str]]:
    """(unit test, SQL) of every `format: sql` fixture of the unit tests in a properties file"""
    doc = yaml.safe_load(path.read_text()) or {}
    found = []
    for test in doc.get("unit_tests") or []:
        parts = list(test.get("given") or []) + [test.get("expect") or {}]
        for part in parts:
            if part.get("format") == "sql" and isinstance(part.get("rows"), str):
                found.append((test["name"], part["rows"]))
    return found


def test_the_check_finds_each_rejected_construct_and_skips_what_is_allowed():
    text = "\n".join(
        [
            "select a::date as d,",  # 1
            "    list_sort(xs) as s",  # 2
            "from t group by all",  # 3
            "qualify row_number() over () = 1",  # 4
            "select quantile_cont(x, 0.5)",  # 5
            "-- a comment may say group by all or x::int",  # 6
            "{# so may a Jinja comment: qualify #}",  # 7
            "{% macro duckdb__f(x) -%} list_sort({{ x }})::varchar {%- endmacro %}",  # 8
            "{% macro f(x) -%} list_sort({{ x }}) {%- endmacro %}",  # 9: not an implementation
            "select cast(a as date), array_sort(xs), percentile(x, 0.5) from t group by a",  # 10
        ]
    )
    assert [(line, name) for line, name, _ in violations(text)] == [
        (1, "'::' cast"),
        (2, "list_* function"),
        (3, "group by all"),
        (4, "qualify"),
        (5, "quantile_cont"),
        (9, "list_* function"),
    ]


@pytest.mark.parametrize("path", _sql_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_is_portable_outside_dispatched_macros(path: Path):
    built = path.relative_to(ROOT).parts[0] in ("models", "macros") or str(path.relative_to(ROOT)).startswith(
        BUILD_DIRS
    )
    found = violations(path.read_text(), BUILD_REJECTED if built else REJECTED)
    assert not found, f"{path.relative_to(ROOT)}: engine-specific SQL outside a dispatched macro:\n" + "\n".join(
        f"  line {line}: {name}: {text}" for line, name, text in found
    )


def test_the_build_check_finds_the_duckdb_only_functions():
    text = "\n".join(
        [
            "select unnest(xs) as x,",  # 1
            "    cast(unnest(generate_series(a, b, interval 1 day)) as date) as d,",  # 2
            "    epoch(b - a) as s, arg_min(x, t) as first_x, strftime(d, '%Y') as y,",  # 3
            "    struct_extract(s, 'f') as f, string_split(t, ';') as parts,",  # 4
            "    list(x order by t) as xs, cast(n as varchar) as n_text",  # 5
            "from ({{ dbt.generate_series(8) }}) as series",  # 6: dbt's macro is portable
            "{{ unnest_rows('xs') }} {{ min_by('x', 't') }} {{ ordered_list('x', [['t', 'asc']]) }}",  # 7
        ]
    )
    assert sorted({line for line, _, _ in violations(text, BUILD_REJECTED)}) == [1, 2, 3, 4, 5]
    assert [name for line, name, _ in violations(text, BUILD_REJECTED) if line == 3] == [
        "epoch (seconds_between)",
        "arg_min / arg_max (min_by)",
        "strftime (cast to dbt.type_string())",
    ]
    assert not violations(text, REJECTED)


def test_unit_test_fixtures_are_portable():
    found = []
    for path in sorted((ROOT / "models").rglob("*.yml")):
        for test, sql in _fixture_sql(path):
            found += [(path.relative_to(ROOT), test, line, name) for line, name, _ in violations(sql)]
    assert not found, found
    # the check read fixtures at all (the project has SQL fixtures)
    assert sum(len(_fixture_sql(p)) for p in (ROOT / "models").rglob("*.yml")) > 10
