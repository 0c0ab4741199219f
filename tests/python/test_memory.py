"""The bench's peak memory counts the whole process tree, not only the process that asks."""

from __future__ import annotations

import subprocess
import sys
import time

from orchestration.memory import PeakMemory, tree_rss_bytes

HOLD = 400 * 1024 * 1024  # a child holding 400 MiB


def test_a_childs_memory_counts_in_the_tree_and_in_the_peak():
    before = tree_rss_bytes()
    with PeakMemory(interval_seconds=0.05) as peak:
        child = subprocess.Popen(
            [sys.executable, "-c", f"import time; b = bytearray({HOLD}); b[::4096] = b'x' * len(b[::4096]); "
             "print('ready', flush=True); time.sleep(30)"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
            held = tree_rss_bytes()
            time.sleep(0.2)
        finally:
            child.kill()
            child.wait()
    assert held - before >= HOLD * 0.9, (before, held)
    assert peak.bytes >= before + HOLD * 0.9
    assert tree_rss_bytes() < before + HOLD / 2  # the child is gone
