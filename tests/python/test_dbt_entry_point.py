"""One way to run dbt: dagster-dbt's DbtCliResource, no dbt subprocess of our own, no private
dagster-dbt APIs, a manifest prepared explicitly (never at import), and dbt's own words when it
fails."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.dbt import DbtRun, _without_tracebacks
from orchestration.paths import PROJECT_DIR

ORCHESTRATION = PROJECT_DIR / "orchestration"
# Processes orchestration/ may start, none of them dbt: the dashboard's Chromium, `dagster dev`
# (integrity ui), `dagster job execute` (integrity run --via-cli) and `integrity run` timed by
# the bench.
ALLOWED_SUBPROCESS_MODULES = {"dashboard/chromium.py", "ui.py", "runner.py", "bench.py"}
# MetricFlow's SQL client is dbt's adapter (as in MetricFlow's own CLI): the semantic layer is the
# one module that builds it.
ALLOWED_DBT_IMPORTS = {("metrics.py", "dbt.adapters.factory")}


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(p.relative_to(ORCHESTRATION)), ast.parse(p.read_text(encoding="utf-8")))
        for p in sorted(ORCHESTRATION.rglob("*.py"))
    ]


def _imports(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_no_dbt_subprocess_in_orchestration():
    offenders = []
    for rel, tree in _modules():
        uses_subprocess = any(n.split(".")[0] in ("subprocess",) for n in _imports(tree))
        if uses_subprocess and rel not in ALLOWED_SUBPROCESS_MODULES:
            offenders.append(f"{rel}: imports subprocess")
        for node in ast.walk(tree):  # no command line naming dbt, anywhere
            if isinstance(node, ast.Constant) and node.value in ("dbt", "dbt-core"):
                parent_lists = [
                    n for n in ast.walk(tree) if isinstance(n, ast.List) and node in n.elts
                ]
                if parent_lists:
                    offenders.append(f"{rel}:{node.lineno}: a command list starting dbt")
    assert not offenders, offenders


def test_the_checker_catches_a_dbt_subprocess():
    bad = ast.parse("import subprocess\nsubprocess.run(['dbt', 'build'])\n")
    assert "subprocess" in _imports(bad)
    assert any(isinstance(n, ast.List) and n.elts[0].value == "dbt" for n in ast.walk(bad) if isinstance(n, ast.List))


def test_only_the_public_dagster_dbt_api():
    private = []
    for rel, tree in _modules():
        for name in _imports(tree):
            internal = name.startswith(("dagster_dbt.", "dagster._", "dbt."))
            if internal and (rel, name) not in ALLOWED_DBT_IMPORTS:
                private.append(f"{rel}: {name}")
    assert not private, f"private or internal imports: {private}"


def test_loading_the_definitions_runs_no_dbt_and_says_how_to_prepare(tmp_path: Path):
    """Without a manifest the definitions refuse with one line naming the fix; dbt never ran
    (nothing was written to the target folder)."""
    target = tmp_path / "target"
    target.mkdir()
    env = dict(os.environ, DBT_TARGET_PATH=str(target), INTEGRITY_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run(
        [sys.executable, "-c", "import orchestration.definitions"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "no dbt manifest at" in proc.stderr and "prepare" in proc.stderr
    assert list(target.iterdir()) == [], "loading the definitions ran dbt"


def _project_copy(root: Path) -> Path:
    copy = root / "project"
    copy.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, copy / name)
    for name in ("models", "macros", "seeds", "tests", "analyses"):
        shutil.copytree(PROJECT_DIR / name, copy / name, ignore=shutil.ignore_patterns("python"))
    return copy


def test_a_broken_project_ends_with_dbts_own_message(tmp_path: Path):
    """`integrity build` on a project broken on purpose, twice: a SQL error (dbt's and the
    database's words: the model, the parser error) and a ref to no model (dbt's parse error). Each
    ends non-zero with one message carrying what dbt said, and no Python traceback."""
    project = _project_copy(tmp_path)
    broken = project / "models" / "intermediate" / "core" / "int_zz_broken.sql"
    env = dict(
        os.environ,
        INTEGRITY_DBT_PROJECT_DIR=str(project),
        INTEGRITY_DATA_DIR=str(tmp_path / "data"),
        DBT_TARGET_PATH=str(tmp_path / "target"),
    )
    command = [sys.executable, "-m", "orchestration.cli", "build", "--skip-ingest", "-s", "int_zz_broken"]

    broken.write_text("select 1 frm nowhere\n")
    proc = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0
    err = proc.stderr
    assert err.startswith("integrity build: error: `dbt build` failed"), err
    assert "int_zz_broken" in err and "Parser Error" in err and "nowhere" in err, err
    assert "Traceback" not in err

    # second: dbt parses only the changed file (the first call parsed the copy whole)
    broken.write_text("select * from {{ ref('no_such_model') }}\n")
    proc = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0
    assert proc.stderr.startswith("integrity build: error: `dbt build` failed"), proc.stderr
    assert "no_such_model" in proc.stderr and "was not found" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_several_selected_nodes_are_one_selection_value():
    from orchestration.dbt import _joined_selection

    assert _joined_selection(["compile", "--select", "a", "b", "--quiet", "-s", "c"]) == [
        "compile", "--select", "a b", "--quiet", "-s", "c",
    ]  # fmt: skip
    assert _joined_selection(["build", "--exclude", "x", "y"]) == ["build", "--exclude", "x y"]


def test_error_message_keeps_dbts_words_and_drops_tracebacks():
    said = (
        "Runtime Error in model m (models/m.sql)\n  Parser Error: syntax error at or near \"frm\"\n"
        "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n    boom()\n"
        "duckdb.ParserException: Parser Error: syntax error at or near \"frm\""
    )
    assert _without_tracebacks(said) == [
        "Runtime Error in model m (models/m.sql)",
        '  Parser Error: syntax error at or near "frm"',
        'duckdb.ParserException: Parser Error: syntax error at or near "frm"',
    ]
    run = DbtRun(["build", "--select", "m"], 1, "", [said, said], Path("/t"))
    message = run.error_message()
    assert message.splitlines()[0] == "`dbt build` failed (exit 1) (dbt log: /t/dbt.log)"
    assert message.count("Runtime Error in model m") == 1  # repeated lines once
    assert "\x1b[" not in DbtRun(["build"], 1, "", ["\x1b[31mERROR\x1b[0m x"]).error_message()


def test_prepare_parses_only_when_the_project_changed(tmp_path: Path, monkeypatch):
    """`prepare` (every `integrity run`) parses the project the first time, keeps the manifest
    while nothing dbt reads has changed, and parses again after a model file changes, after the
    parse-time environment changes, and after another dbt command rewrote the manifest."""
    import orchestration.dbt as dbt_module
    from orchestration.paths import DataPaths

    project_dir = _project_copy(tmp_path)
    target = tmp_path / "target"
    monkeypatch.setenv("INTEGRITY_DBT_PROJECT_DIR", str(project_dir))
    monkeypatch.setenv("DBT_TARGET_PATH", str(target))
    monkeypatch.setenv("INTEGRITY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTEGRITY_PSEUDONYM_KEY", "known-key-for-this-test")
    paths = DataPaths(tmp_path / "data")
    parses: list[list[str]] = []
    real = dbt_module.run_dbt

    def counting(args, *a, **k):
        parses.append(list(args))
        return real(args, *a, **k)

    monkeypatch.setattr(dbt_module, "run_dbt", counting)
    project = dbt_module.prepare(paths=paths)
    manifest = project.manifest_path
    assert manifest.exists() and len(parses) == 1
    dbt_module.prepare(paths=paths)
    assert len(parses) == 1, "an unchanged project was parsed again"

    model = project_dir / "models" / "intermediate" / "core" / "int_zz_added.sql"
    model.write_text("select 1 as one\n")
    dbt_module.prepare(paths=paths)
    assert len(parses) == 2 and "int_zz_added" in manifest.read_text()
    dbt_module.prepare(paths=paths)
    assert len(parses) == 2

    monkeypatch.setenv("INTEGRITY_DUCKDB_MEMORY", "5GB")
    dbt_module.prepare(paths=paths)
    assert len(parses) == 3

    manifest.write_text(manifest.read_text() + " ")  # another command rewrote it
    dbt_module.prepare(paths=paths)
    assert len(parses) == 4
    stamp = (target / dbt_module.PREPARED_STAMP).read_text()
    assert "known-key-for-this-test" not in stamp
