"""Dagster resources, configured from the environment with working local defaults.

* `warehouse`: where the data lives (INTEGRITY_DATA_DIR) plus the two rules that keep DuckDB happy:
  one writer at a time (`writer_lock`) and short-lived connections (`connect`).
* `dbt`: the dbt CLI for this project (profiles.yml beside dbt_project.yml).
* `dbt_project`: the project, with its target path from DBT_TARGET_PATH so tests and parallel
  checkouts can keep their artifacts apart.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from orchestration.dbt import dbt_project, dbt_project_dir, dbt_resource, dbt_target_path  # noqa: F401 (re-exported)
from orchestration.errors import UserError
from orchestration.paths import DataPaths, data_paths


class WarehouseResource(dg.ConfigurableResource):
    """The data directory and safe access to the DuckDB warehouse file.

    `data_dir` defaults to INTEGRITY_DATA_DIR (else ./data), read when the resource is used,
    so one Definitions object serves every data dir a test or a user points it at.
    """

    data_dir: str | None = None
    lock_timeout_seconds: float = 6 * 3600

    @property
    def paths(self) -> DataPaths:
        return data_paths(self.data_dir)

    def export_env(self) -> None:
        """dbt reads INTEGRITY_DATA_DIR from the environment (profiles.yml): make it absolute and explicit."""
        os.environ["INTEGRITY_DATA_DIR"] = str(self.paths.root)

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Hold the warehouse's writer lock: DuckDB allows one writing process per file.

        Dagster's run queue already runs one run at a time; this lock also covers `integrity run`
        or `integrity build` started by hand while the daemon is working: they wait instead of
        failing on DuckDB's file lock.
        """
        state = self.paths.state
        state.mkdir(parents=True, exist_ok=True)
        with open(state / "warehouse.writer.lock", "w") as handle:
            deadline = time.monotonic() + self.lock_timeout_seconds
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise UserError(
                            f"another run has held the warehouse writer lock for over "
                            f"{self.lock_timeout_seconds:.0f}s ({state / 'warehouse.writer.lock'})"
                        ) from None
                    time.sleep(1.0)
            try:
                handle.write(f"{os.getpid()}\n")
                handle.flush()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def connect(self, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection to the writer's warehouse (only ever inside a run's own steps)."""
        con = duckdb.connect(str(self.paths.warehouse), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


def build_resources() -> dict[str, object]:
    return {"warehouse": WarehouseResource(), "dbt": dbt_resource()}
