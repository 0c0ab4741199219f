"""The one place for paths: everything lives under INTEGRITY_DATA_DIR (default ./data).

    <data>/landing/<feed>/dt=YYYY-MM-DD/part-<n>.<ext>   raw deliveries (what a platform exports)
    <data>/truth/                                       simulator ground truth (never inside landing/)
    <data>/warehouse.duckdb                             the warehouse dbt and the loader write
    <data>/raw/<feed>/dt=YYYY-MM-DD/<file>.<sha>.parquet typed raw zone of the Parquet feeds (the loader's)
    <data>/published/warehouse.duckdb                   marts + dimensions only, swapped in after a good run
    <data>/exports/                                     DSA report, statements of reasons, alerts
    <data>/dashboard/                                   leadership dashboard (index.html + dated copies)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orchestration.feeds import FEEDS as FEEDS  # the feed registry (dbt_project.yml), re-exported

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def truth(self) -> Path:
        return self.root / "truth"

    @property
    def raw_zone(self) -> Path:
        """The loader's typed copies of Parquet deliveries (dbt reads them in place)."""
        return self.root / "raw"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.root / "published"

    @property
    def published(self) -> Path:
        return self.published_dir / "warehouse.duckdb"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def dashboard(self) -> Path:
        return self.root / "dashboard"

    @property
    def state(self) -> Path:
        """Small bookkeeping files (statement-of-reasons puid ledger, export versions)."""
        return self.root / "state"

    def feed_dir(self, feed: str) -> Path:
        return self.landing / feed


def data_dir() -> Path:
    return Path(os.environ.get("INTEGRITY_DATA_DIR", "data")).expanduser().resolve()


def data_paths(root: str | os.PathLike[str] | None = None) -> DataPaths:
    return DataPaths(Path(root).expanduser().resolve() if root is not None else data_dir())


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so a reader sees the old file or the new one, never half of it."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """`os.environ` with `values` set while the block runs, as it was afterwards (subprocesses
    started inside, dbt's among them, inherit them)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
