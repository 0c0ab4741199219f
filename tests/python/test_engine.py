"""The engine is configuration: INTEGRITY_ENGINE, else the dbt target; contradictions are one clear error."""

from __future__ import annotations

import pytest

from orchestration.engine import apply_engine_env, current_engine
from orchestration.errors import UserError


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
