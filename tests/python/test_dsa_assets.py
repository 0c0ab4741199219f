"""The DSA Dagster assets, materialized in-process on a copy of the xs data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.assets.dsa import (
    REPORT_KEY,
    SOR_KEY,
    dsa_statements_of_reasons,
    dsa_transparency_report,
    sor_quarantine_is_empty,
)
from orchestration.dsa.report import latest_period_with_data
from orchestration.paths import data_paths
from orchestration.resources import WarehouseResource

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_copy(xs_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("dsa-assets") / "data"
    shutil.copytree(xs_data_dir, target, ignore=shutil.ignore_patterns("*.wal", "exports", "state"))
    return target


def _metadata(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> list[dict]:
    return [
        e.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.materialization.asset_key == key
    ]


def _resources(data_dir: Path) -> dict[str, object]:
    return {"warehouse": WarehouseResource(data_dir=str(data_dir))}


def test_definitions_include_the_dsa_assets() -> None:
    from orchestration.definitions import defs

    keys = defs.resolve_asset_graph().get_all_asset_keys()
    assert REPORT_KEY in keys and SOR_KEY in keys


def test_statements_are_incremental(data_copy: Path) -> None:
    first = dg.materialize([dsa_statements_of_reasons], resources=_resources(data_copy), selection=[SOR_KEY])
    assert first.success
    meta = _metadata(first, SOR_KEY)[0]
    assert meta["days"].value > 0 and meta["valid"].value > 0
    assert any((data_paths(data_copy).exports / "sor").glob("*/batches/batch-0001.json"))
    # Nothing new since: the next run exports no day.
    second = dg.materialize([dsa_statements_of_reasons], resources=_resources(data_copy), selection=[SOR_KEY])
    meta2 = _metadata(second, SOR_KEY)[0]
    assert meta2["days"].value == 0 and meta2["newly_batched"].value == 0
    check = dg.materialize(
        [dsa_statements_of_reasons, sor_quarantine_is_empty], resources=_resources(data_copy)
    ).get_asset_check_evaluations()
    assert check and check[0].check_name == "sor_quarantine_is_empty"


def test_report_only_on_demand(data_copy: Path) -> None:
    idle = dg.materialize([dsa_transparency_report], resources=_resources(data_copy))
    assert idle.success and _metadata(idle, REPORT_KEY) == []

    period = latest_period_with_data(data_paths(data_copy), "online_platform")
    run = dg.materialize(
        [dsa_transparency_report],
        resources=_resources(data_copy),
        run_config={"ops": {"exports__dsa_transparency_report": {"config": {"period": period.label,
                                                                   "provider_type": "online_platform",
                                                                   "partial": True}}}},
    )  # fmt: skip
    assert run.success
    meta = _metadata(run, REPORT_KEY)[0]
    assert meta["version"].value == 1
    assert (data_paths(data_copy).exports / "dsa" / period.label / "v1" / "report.html").exists()
