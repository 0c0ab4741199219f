"""Targets, red/amber/green status and period-over-period change for the headline tiles.

Pure functions over plain values, so the rules are unit-tested without a warehouse.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from orchestration.paths import PROJECT_DIR

TARGETS_CSV = PROJECT_DIR / "seeds" / "dashboard" / "targets.csv"
GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
LOWER, HIGHER = "lower_is_better", "higher_is_better"


@dataclass(frozen=True)
class Target:
    metric: str
    scope: str
    direction: str
    target: float
    red_threshold: float
    unit: str
    description: str = ""

    @property
    def lower_is_better(self) -> bool:
        return self.direction == LOWER


def targets_from_rows(rows: list[dict[str, object]]) -> dict[tuple[str, str], Target]:
    out: dict[tuple[str, str], Target] = {}
    for row in rows:
        t = Target(
            metric=str(row["metric"]),
            scope=str(row["scope"]),
            direction=str(row["direction"]),
            target=float(row["target"]),  # type: ignore[arg-type]
            red_threshold=float(row["red_threshold"]),  # type: ignore[arg-type]
            unit=str(row.get("unit") or ""),
            description=str(row.get("description") or ""),
        )
        if t.direction not in (LOWER, HIGHER):
            raise ValueError(f"target {t.metric}/{t.scope}: direction must be {LOWER} or {HIGHER}")
        out[(t.metric, t.scope)] = t
    return out


def targets_from_csv(path: Path = TARGETS_CSV) -> dict[tuple[str, str], Target]:
    with open(path, newline="", encoding="utf-8") as handle:
        return targets_from_rows(list(csv.DictReader(handle)))


def find_target(targets: dict[tuple[str, str], Target], metric: str, scope: str) -> Target | None:
    """The row for (metric, scope), else the metric's `*` default, else none."""
    return targets.get((metric, scope)) or targets.get((metric, "*"))


def rag(value: float | None, target: Target | None, *, upper_bound_only: bool = False) -> str:
    """green when the value meets the target, red when worse than the red threshold, amber between.

    With `upper_bound_only` the value is an upper bound ("≤ X"): it proves green when the bound meets
    the target but can never prove red, so it is at worst amber.
    """
    if value is None or target is None:
        return NONE
    if target.lower_is_better:
        good, bad = value <= target.target, value > target.red_threshold
    else:
        good, bad = value >= target.target, value < target.red_threshold
    if good:
        return GREEN
    if upper_bound_only:
        return AMBER
    return RED if bad else AMBER


@dataclass(frozen=True)
class Change:
    """A change between two values: `delta` (absolute), `relative` (delta / previous) and whether it is good."""

    current: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def relative(self) -> float | None:
        if self.delta is None or not self.previous:
            return None
        return self.delta / abs(self.previous)

    def is_flat(self, unit: str) -> bool:
        """No change at the precision shown (0.1 pp for shares, 0.5% otherwise)."""
        if self.delta is None:
            return True
        if unit == "share":
            return abs(self.delta) < 0.0005
        if self.relative is None:
            return abs(self.delta) < 0.05
        return abs(self.relative) < 0.005

    def sentiment(self, lower_is_better: bool, unit: str = "share") -> str:
        """good / bad / flat (no visible change, or unknown), from the metric's direction."""
        if self.delta is None or self.is_flat(unit):
            return "flat"
        return "good" if (self.delta < 0) == lower_is_better else "bad"

    def describe(self, unit: str) -> str:
        """Shares change in percentage points; per-10k values and counts in percent."""
        if self.delta is None:
            return "n/a"
        if self.is_flat(unit):
            return "■ 0.0 pp" if unit == "share" else "■ 0%"
        arrow = "▲" if self.delta > 0 else "▼"
        if unit == "share":
            return f"{arrow} {abs(self.delta) * 100:.1f} pp"
        if self.relative is None:
            return f"{arrow} {abs(self.delta):,.1f}"
        pct = abs(self.relative) * 100
        return f"{arrow} {pct:.1f}%" if pct < 10 else f"{arrow} {pct:.0f}%"
