"""Shared fixtures.

`xs_data_dir`: a data dir holding a simulated xs platform (14 days, with faults) and a built
warehouse (ingest + dbt build). `make test` prepares one and passes it in INTEGRITY_TEST_DATA_DIR
so the suite builds it once; run alone, pytest builds one in a temporary folder.
Tests must not write into it: copy it (`copy_data_dir`) when a test needs to change things.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
XS_ARGS = {"scale": "xs", "days": 14, "end_date": date(2026, 10, 31), "seed": 7, "faults": True}


def _integrity(*args: str, data_dir: Path) -> None:
    env = dict(os.environ, INTEGRITY_DATA_DIR=str(data_dir))
    env.setdefault("DBT_TARGET_PATH", str(data_dir.parent / "target"))
    env.setdefault("DBT_LOG_PATH", str(data_dir.parent / "logs"))
    subprocess.run([sys.executable, "-m", "orchestration.cli", *args], check=True, env=env, cwd=PROJECT_DIR)


def _simulate_xs(data_dir: Path) -> None:
    _integrity(
        "simulate", "--scale", "xs", "--days", "14", "--end-date", "2026-10-31", "--seed", "7", "--faults",
        "--out", str(data_dir), data_dir=data_dir,
    )


@pytest.fixture(scope="session", autouse=True)
def stable_data_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The session's one data path for dbt calls (helpers_warehouse.at_stable_path: partial parsing)."""
    from helpers_warehouse import STABLE_DIR_ENV

    stable = tmp_path_factory.getbasetemp().resolve() / "stable"
    previous = os.environ.get(STABLE_DIR_ENV)
    os.environ[STABLE_DIR_ENV] = str(stable)
    yield stable
    if previous is None:
        os.environ.pop(STABLE_DIR_ENV, None)
    else:
        os.environ[STABLE_DIR_ENV] = previous


@pytest.fixture(scope="session")
def xs_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("INTEGRITY_TEST_DATA_DIR")
    if given and (Path(given) / "warehouse.duckdb").exists():
        return Path(given)
    data_dir = tmp_path_factory.mktemp("xs") / "data"
    _simulate_xs(data_dir)
    _integrity("build", data_dir=data_dir)
    return data_dir


@pytest.fixture(scope="session")
def xs_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding at least an xs landing zone (14 days, faults): make test's, else simulated
    (no build). Tests copy its landing/ and never write to it."""
    given = os.environ.get("INTEGRITY_TEST_DATA_DIR")
    if given and (Path(given) / "landing").is_dir():
        return Path(given)
    data_dir = tmp_path_factory.mktemp("xs-landing") / "data"
    _simulate_xs(data_dir)
    return data_dir


@pytest.fixture
def copy_data_dir(xs_data_dir: Path, tmp_path: Path):
    """A private copy of the xs data dir, for tests that write."""

    def _copy() -> Path:
        target = tmp_path / "data"
        shutil.copytree(xs_data_dir, target, ignore=shutil.ignore_patterns("*.wal"))
        return target

    return _copy
