"""Run dbt from Python with the project's directories and the data dir in the environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, DataPaths, data_paths


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if not found:
        raise UserError("dbt is not installed in this environment; run `make install`")
    return found


def dbt_env(paths: DataPaths | None = None) -> dict[str, str]:
    paths = paths or data_paths()
    env = dict(os.environ)
    env["INTEGRITY_DATA_DIR"] = str(paths.root)
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    env.setdefault("DBT_PROJECT_DIR", str(PROJECT_DIR))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def run_dbt(
    args: list[str],
    paths: DataPaths | None = None,
    *,
    check: bool = True,
    capture: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` in the project directory; raise UserError on failure when check is set."""
    cmd = [dbt_executable(), *args]
    proc = subprocess.run(
        cmd,
        cwd=PROJECT_DIR,
        env=dbt_env(paths),
        text=True,
        capture_output=capture,
        check=False,
    )
    if check and proc.returncode != 0:
        tail = ""
        if capture:
            tail = "\n" + "\n".join((proc.stdout or "").splitlines()[-30:])
        raise UserError(f"`dbt {' '.join(args)}` failed (exit {proc.returncode}){tail}")
    return proc
