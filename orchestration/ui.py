"""`integrity ui`: the Dagster webserver and daemon (`dagster dev`), schedules and sensors on.

DAGSTER_HOME defaults to <data>/dagster with a dagster.yaml whose run queue runs one run at a
time: every run writes the warehouse, and DuckDB allows one writer per file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, data_paths
from orchestration.runner import dagster_home


def command(host: str, port: int) -> list[str]:
    dagster = Path(sys.executable).with_name("dagster")
    exe = str(dagster) if dagster.exists() else shutil.which("dagster")
    if not exe:
        raise UserError("dagster is not installed in this environment; run `make install`")
    return [exe, "dev", "-m", "orchestration.definitions", "--host", host, "--port", str(port)]


def environment(home: Path, data_root: Path) -> dict[str, str]:
    env = dict(os.environ, DAGSTER_HOME=str(home), INTEGRITY_DATA_DIR=str(data_root))
    # dbt must be on PATH for dagster-dbt's DbtCliResource inside the runs.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="webserver port (default 3000)")


def run(args: argparse.Namespace) -> int:
    from orchestration.dbt import prepare

    paths = data_paths()
    home = dagster_home(paths)
    prepare(paths=paths)  # `dagster dev` loads the definitions from this manifest
    print(f"Dagster UI on http://{args.host}:{args.port}  (DAGSTER_HOME={home}, data={paths.root})")
    print("Schedules (daily 02:00 UTC, hourly SLA monitor) and the new-delivery sensor start on.")
    print("Runs are queued and run one at a time. Ctrl-C stops the webserver and the daemon.")
    try:
        return subprocess.run(
            command(args.host, args.port), cwd=PROJECT_DIR, env=environment(home, paths.root)
        ).returncode
    except KeyboardInterrupt:
        return 0
