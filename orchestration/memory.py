"""Peak memory of a process tree, sampled: this process and every descendant (dbt, DuckDB inside
it, Dagster's workers), their resident set sizes summed at each sample (Linux /proc)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return tree


def tree_rss_bytes(root: int | None = None) -> int:
    """Resident bytes of `root` (default: this process) and all its descendants, now."""
    root = os.getpid() if root is None else root
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        total += resident_pages * PAGE
        todo.extend(tree.get(pid, []))
    return total


class PeakMemory:
    """`with PeakMemory() as peak: ...`, then `peak.bytes`: the largest sampled sum over the tree."""

    def __init__(self, interval_seconds: float = 0.2, root: int | None = None) -> None:
        self.interval = interval_seconds
        self.root = root
        self.bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="peak-memory", daemon=True)

    def _sample(self) -> None:
        while True:
            self.bytes = max(self.bytes, tree_rss_bytes(self.root))
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.bytes = max(self.bytes, tree_rss_bytes(self.root))
