"""The one way this project runs dbt: dagster-dbt's `DbtProject` and `DbtCliResource`.

Inside Dagster the dbt assets call `dbt.cli(..., context=context)`; outside it (`integrity build`,
`integrity analyze`, the tests) `run_dbt` calls the same resource without a context. Either way
dbt's structured log is read event by event, so when dbt fails the user is told what dbt said
(the failing model or test and its database error), not "see the log".

The manifest is prepared explicitly (`prepare`, which `make install`, `integrity run`, `build`
and `ui` call; `dagster-dbt project prepare-and-package --file orchestration/dbt_project.py` does
the same for a deployment); loading the Dagster definitions never runs dbt.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, DataPaths, data_paths, environment

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# dbt's messages a user needs when a command fails: at most this many lines of them.
ERROR_LINES = 40


def dbt_project_dir() -> Path:
    """The dbt project: INTEGRITY_DBT_PROJECT_DIR (e.g. a packaged copy), else this repository."""
    given = os.environ.get("INTEGRITY_DBT_PROJECT_DIR")
    return Path(given).expanduser().resolve() if given else PROJECT_DIR


def dbt_target_path() -> Path:
    """Where dbt writes manifest.json and run artifacts: DBT_TARGET_PATH, else <project>/target."""
    given = os.environ.get("DBT_TARGET_PATH")
    return Path(given).expanduser().resolve() if given else dbt_project_dir() / "target"


def dbt_project() -> DbtProject:
    """The project as dagster-dbt sees it (profiles.yml beside dbt_project.yml), for the configured
    engine's dbt target (orchestration/engine.py)."""
    from orchestration.engine import apply_engine_env

    apply_engine_env()
    project_dir = dbt_project_dir()
    return DbtProject(project_dir=project_dir, target_path=dbt_target_path(), profiles_dir=project_dir)


def dbt_executable() -> str:
    """dbt of this virtualenv (beside the running Python), else the one on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if not found:
        raise UserError("dbt is not installed in this environment; run `make install`")
    return found


_RESOURCES: dict[tuple[str, str], DbtCliResource] = {}


def dbt_resource(project: DbtProject | None = None) -> DbtCliResource:
    """The DbtCliResource for the project, one per process and project: it asks `dbt --version`
    once (a cached property), not before every command."""
    project = project or dbt_project()
    key = (str(project.project_dir), str(project.target_path))
    if key not in _RESOURCES:
        _RESOURCES[key] = DbtCliResource(
            project_dir=project, profiles_dir=str(dbt_project_dir()), dbt_executable=dbt_executable()
        )
    return _RESOURCES[key]


@contextlib.contextmanager
def data_dir_env(paths: DataPaths) -> Iterator[None]:
    """INTEGRITY_DATA_DIR for the dbt process (profiles.yml reads it), restored afterwards."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    with environment({"INTEGRITY_DATA_DIR": str(paths.root)}):
        yield


@dataclass
class DbtRun:
    """What one dbt command did: its exit code, its log lines, and the lines dbt logged as errors."""

    args: list[str]
    returncode: int
    stdout: str
    errors: list[str] = field(default_factory=list)
    target_path: Path | None = None

    @property
    def success(self) -> bool:
        return self.returncode == 0 and not self.errors

    def error_message(self) -> str:
        """`dbt <command>` failed, followed by what dbt said (its error lines, else the last lines)."""
        said = self.errors or self.stdout.splitlines()[-ERROR_LINES:]
        lines: list[str] = []
        for text in said:
            for line in _without_tracebacks(ANSI.sub("", str(text))):
                if line not in lines:
                    lines.append(line)
        if len(lines) > ERROR_LINES:
            lines = [*lines[:ERROR_LINES], f"... ({len(lines) - ERROR_LINES} more lines in the dbt log)"]
        where = f" (dbt log: {self.target_path / 'dbt.log'})" if self.target_path else ""
        head = f"`dbt {' '.join(self.args[:1])}` failed (exit {self.returncode}){where}"
        return head + ("\n" + "\n".join(f"  {line}" for line in lines) if lines else "")


def run_dbt(
    args: list[str],
    paths: DataPaths | None = None,
    *,
    check: bool = True,
    capture: bool = False,
    target_path: Path | None = None,
) -> DbtRun:
    """Run `dbt <args>` for the data dir through DbtCliResource; raise UserError with dbt's own
    messages when it fails and `check` is set. `capture` keeps dbt's lines off stdout."""
    from orchestration.engine import apply_engine_env

    apply_engine_env()
    paths = paths or data_paths()
    paths.root.mkdir(parents=True, exist_ok=True)
    args = _joined_selection(list(args))
    target = target_path or _target_path_in(args) or dbt_target_path()
    out = io.StringIO()
    errors: list[str] = []
    with data_dir_env(paths):
        invocation = dbt_resource().cli(args, raise_on_error=False, target_path=target)
        sink = out if capture else _Tee(out)
        with contextlib.redirect_stdout(sink):  # dagster-dbt echoes each dbt line to stdout
            for event in invocation.stream_raw_events():
                info = event.raw_event.get("info") or {}
                if info.get("level") == "error":
                    errors.append(str(info.get("msg") or ""))
        returncode = invocation.process.wait()
    result = DbtRun(list(args), returncode, out.getvalue(), errors, target)
    if check and not result.success:
        raise UserError(result.error_message())
    return result


def _without_tracebacks(text: str) -> list[str]:
    """dbt's message lines; of a Python traceback inside one, only the exception it ends with."""
    out: list[str] = []
    in_traceback = False
    for line in text.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            in_traceback = True
            continue
        if in_traceback:
            if line and not line[0].isspace() and not line.startswith("During handling"):
                in_traceback = False
                out.append(line.strip())
            continue
        if line.strip() and not line.startswith("During handling"):
            out.append(line.rstrip())
    return out


SELECTION_FLAGS = ("--select", "-s", "--exclude", "--models", "-m")


def _joined_selection(args: list[str]) -> list[str]:
    """`--select a b c` as `--select "a b c"`: DbtCliResource takes one value per selection flag
    (dbt reads a space-separated value as the same union)."""
    out: list[str] = []
    i = 0
    while i < len(args):
        out.append(args[i])
        if args[i] in SELECTION_FLAGS:
            values = []
            i += 1
            while i < len(args) and not args[i].startswith("-"):
                values.append(args[i])
                i += 1
            out.append(" ".join(values))
            continue
        i += 1
    return out


def _target_path_in(args: list[str]) -> Path | None:
    if "--target-path" in args:
        i = args.index("--target-path")
        if i + 1 < len(args):
            return Path(args[i + 1])
    return None


class _Tee(io.TextIOBase):
    def __init__(self, keep: io.StringIO) -> None:
        self.keep = keep
        self.real = sys.__stdout__

    def write(self, text: str) -> int:
        self.keep.write(text)
        self.real.write(text)
        return len(text)

    def flush(self) -> None:
        self.real.flush()


# What a parsed manifest depends on besides the project's files: dbt's version and the environment
# variables the project reads when it is parsed. The pseudonymisation key and the run window are
# left out: neither changes what the manifest declares (models, tests, assets), and the key's value
# must not reach a file, not even hashed.
_PARSE_ENV = ("DBT_TARGET", "INTEGRITY_DATA_DIR", "INTEGRITY_DUCKDB_MEMORY", "INTEGRITY_DBT_PROJECT_DIR")
_PARSE_DIRS = ("models", "macros", "seeds", "tests", "analyses", "snapshots")
_PARSE_FILES = ("dbt_project.yml", "profiles.yml", "dependencies.yml", "packages.yml", "selectors.yml")
PREPARED_STAMP = ".integrity-prepared"


def project_fingerprint(project: DbtProject) -> str:
    """A digest of everything `dbt parse` reads: every file of the project's dbt folders (path,
    size, modification time), dbt's version and the parse-time environment. Equal digests mean the
    manifest of the last `prepare` is still the one dbt would write."""
    import hashlib
    from importlib.metadata import version

    dbt_version = version("dbt-core")
    root = Path(project.project_dir)
    digest = hashlib.sha256(f"dbt {dbt_version}\n".encode())
    for name in _PARSE_ENV:
        digest.update(f"env {name}={os.environ.get(name, '')}\n".encode())
    candidates = [root / name for name in _PARSE_FILES]
    for folder in _PARSE_DIRS:
        if (root / folder).is_dir():
            candidates.extend(p for p in (root / folder).rglob("*") if p.is_file())
    for path in sorted(candidates):
        if path.is_file():
            stat = path.stat()
            digest.update(f"file {path.relative_to(root)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def prepare(project: DbtProject | None = None, paths: DataPaths | None = None) -> DbtProject:
    """Write the project's manifest.json (`dbt parse`), as `prepare-and-package` would; the one
    place the manifest is made. A broken project ends in dbt's own message. When nothing `dbt
    parse` reads has changed since the last prepare (project_fingerprint, stamped beside the
    manifest), the manifest is kept: a parse costs seconds every run."""
    project = project or dbt_project()
    stamp = Path(project.target_path) / PREPARED_STAMP
    fingerprint = project_fingerprint(project)
    if stamp.exists() and stamp.read_text() == _stamp_text(fingerprint, project.manifest_path):
        return project
    stamp.unlink(missing_ok=True)
    run_dbt(["parse", "--quiet"], paths, capture=True, target_path=project.target_path)
    if not project.manifest_path.exists():
        raise UserError(f"dbt parse wrote no manifest at {project.manifest_path}")
    stamp.write_text(_stamp_text(fingerprint, project.manifest_path))
    return project


def _stamp_text(fingerprint: str, manifest: Path) -> str:
    """The stamp of a prepare: the project's fingerprint and the manifest it wrote (any other dbt
    command that rewrites the manifest afterwards invalidates the stamp)."""
    if not manifest.exists():
        return ""
    stat = manifest.stat()
    return f"{fingerprint} manifest {stat.st_size} {stat.st_mtime_ns}\n"
