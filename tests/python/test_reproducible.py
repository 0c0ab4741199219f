"""Reproducible to the bit (metrics.md, "Every published number"): a second, independent build of the
same landing zone gives identical marts, DSA models, operations marts and quarantine, value for value,
with no tolerance. Every published non-count number is a fixed decimal computed from exact sums, so
the order in which the engine adds things up cannot show in the last digits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers_warehouse import tables_difference

from orchestration.paths import PROJECT_DIR

PUBLISHED_SCHEMAS = ("marts", "dsa", "quarantine")


def test_a_second_build_of_the_same_data_is_identical(xs_data_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "data"
    again.mkdir()
    shutil.copytree(xs_data_dir / "landing", again / "landing")
    env = dict(
        os.environ,
        INTEGRITY_DATA_DIR=str(again),
        DBT_TARGET_PATH=str(tmp_path / "target"),
        DBT_LOG_PATH=str(tmp_path / "logs"),
    )
    subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "build"], check=True, env=env, cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
    )
    diffs = tables_difference(
        xs_data_dir / "warehouse.duckdb", again / "warehouse.duckdb", PUBLISHED_SCHEMAS, exact=True
    )
    assert diffs == {}


def test_no_published_number_is_a_float_or_a_hugeint(xs_data_dir: Path) -> None:
    """A double's last digits depend on the order it was summed in, and a hugeint is what DuckDB
    makes of a sum of counts (no other engine has it): published numbers are decimals or bigints."""
    import duckdb

    con = duckdb.connect(str(xs_data_dir / "warehouse.duckdb"), read_only=True)
    try:
        loose = con.execute(
            "select table_schema || '.' || table_name || '.' || column_name || ' ' || data_type "
            "from information_schema.columns where table_schema in ('marts', 'dsa', 'sandbox') "
            "and (data_type in ('DOUBLE', 'FLOAT', 'REAL', 'HUGEINT') or data_type like 'DOUBLE%') "
            "order by 1"
        ).fetchall()
    finally:
        con.close()
    assert [c for (c,) in loose] == []
