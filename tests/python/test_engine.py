"""The engine is configuration: INTEGRITY_ENGINE, else the dbt target; contradictions are one clear error."""

from __future__ import annotations

import pytest

from orchestration.engine import apply_engine_env, current_engine
from orchestration.errors import UserError


@pytest.fixture(autouse=True)
def _engine_env_restored():
    """apply_engine_env() sets DBT_TARGET in os.environ: put both variables back as they were, or
    every later test in this process would run dbt on Spark."""
    import os

    saved = {name: os.environ.get(name) for name in ("DBT_TARGET", "INTEGRITY_ENGINE")}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.mark.parametrize(
    ("engine", "target", "expected"),
    [
        (None, None, "duckdb"),
        (None, "dev", "duckdb"),
        (None, "spark", "spark"),
        ("spark", None, "spark"),
        ("SPARK", "spark", "spark"),
        ("duckdb", "dev", "duckdb"),
        ("duckdb", None, "duckdb"),
    ],
)
def test_the_engine_follows_the_configuration(monkeypatch, engine, target, expected):
    for name, value in (("INTEGRITY_ENGINE", engine), ("DBT_TARGET", target)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert current_engine() == expected


@pytest.mark.parametrize(
    ("engine", "target", "message"),
    [
        ("bigquery", None, "is not an engine"),
        ("spark", "dev", "unset DBT_TARGET or set it to spark"),
        ("duckdb", "spark", "unset one of them"),
    ],
)
def test_a_contradiction_is_one_clear_error(monkeypatch, engine, target, message):
    monkeypatch.setenv("INTEGRITY_ENGINE", engine)
    if target is None:
        monkeypatch.delenv("DBT_TARGET", raising=False)
    else:
        monkeypatch.setenv("DBT_TARGET", target)
    with pytest.raises(UserError, match=message):
        current_engine()


def test_spark_sets_the_dbt_target(monkeypatch):
    monkeypatch.setenv("INTEGRITY_ENGINE", "spark")
    monkeypatch.delenv("DBT_TARGET", raising=False)
    assert apply_engine_env() == "spark"
    import os

    assert os.environ["DBT_TARGET"] == "spark"


def test_build_on_spark_runs_dbt_build_on_the_spark_target_without_unit_tests(monkeypatch, tmp_path):
    import os

    from orchestration import build as build_module
    from orchestration.paths import data_paths

    seen = {}

    def fake_run_dbt(args, paths, **kwargs):
        seen["args"], seen["target"] = list(args), os.environ.get("DBT_TARGET")

    monkeypatch.setattr(build_module, "run_dbt", fake_run_dbt)
    monkeypatch.setenv("INTEGRITY_ENGINE", "spark")
    monkeypatch.delenv("DBT_TARGET", raising=False)
    build_module.build(data_paths(tmp_path), skip_ingest=True, quiet=True)
    assert seen == {"args": ["build", "--exclude-resource-type", "unit_test"], "target": "spark"}

    monkeypatch.setenv("INTEGRITY_ENGINE", "duckdb")
    monkeypatch.delenv("DBT_TARGET", raising=False)
    build_module.build(data_paths(tmp_path), skip_ingest=True, quiet=True)
    assert seen == {"args": ["build"], "target": None}


def test_zz_no_engine_setting_outlives_the_tests_above():
    """Runs after the tests above in this module: DBT_TARGET is not left at spark."""
    import os

    assert os.environ.get("DBT_TARGET") != "spark" or os.environ.get("INTEGRITY_ENGINE") == "spark"
