"""Realistic platform-log simulator: every raw feed of the contract, with ground truth.

    from orchestration.simulator import simulate
    summary = simulate(Path("/tmp/data"), scale="xs", seed=7, faults=True)

writes `<out>/landing/<feed>/dt=YYYY-MM-DD/part-<n>.<ext>` and `<out>/truth/` (see docs/architecture.md).
"""

from __future__ import annotations

from .core import SCALES, simulate

__all__ = ["SCALES", "simulate"]
