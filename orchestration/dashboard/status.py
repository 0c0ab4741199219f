"""Targets of the headline tiles, as the page names them.

The status of a value against its target (red / amber / green) and the change against the window
before are computed in the warehouse (macro dashboard_status, models/marts/dashboard/); this module
only holds the targets for display (the Targets table, the target lines of the charts).
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
