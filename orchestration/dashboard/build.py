"""`integrity dashboard`: rebuild the leadership dashboard from the published warehouse.

Writes `<data>/dashboard/index.html` and a dated copy `<data>/dashboard/<as-of date>.html`, the
record of what leadership saw for that day's data. Both are written atomically (temp file + rename),
so a browser never opens half a page.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration.dashboard import data as dashboard_data
from orchestration.dashboard.render import render
from orchestration.paths import DataPaths, data_paths, write_atomic


@dataclass(frozen=True)
class BuildResult:
    index: Path
    dated: Path
    as_of: datetime
    source: str
    seconds: float
    statuses: dict[str, str]  # tile key -> green / amber / red / none


def elapsed(started: float) -> float:
    """Seconds since `started` (perf_counter): how long the build took, not a figure of the page."""
    return round(time.perf_counter() - started, 3)


def build(
    paths: DataPaths | None = None,
    *,
    period: str = "month",
    trend_days: int = 91,
    out_dir: Path | None = None,
) -> BuildResult:
    """Build the page from the published warehouse (else the main one, read-only).

    `out_dir` defaults to `<data>/dashboard`.
    """
    started = time.perf_counter()
    paths = paths or data_paths()
    out_dir = out_dir or paths.dashboard
    loaded = dashboard_data.load(paths, period_type=period, trend_days=trend_days)
    html = render(loaded, built_at=datetime.now(UTC))
    index, dated = out_dir / "index.html", out_dir / f"{loaded.as_of_date.isoformat()}.html"
    write_atomic(dated, html)
    write_atomic(index, html)
    return BuildResult(
        index=index,
        dated=dated,
        as_of=loaded.as_of,
        source=loaded.source,
        seconds=elapsed(started),
        statuses={t.key: t.status for t in loaded.tiles},
    )


def build_dashboard(paths: DataPaths | None = None, **options: object) -> Path:
    """Build the dashboard; return `<data>/dashboard/index.html` (options as for `build`)."""
    return build(paths, **options).index  # type: ignore[arg-type]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="data directory (default: $INTEGRITY_DATA_DIR or ./data)")
    parser.add_argument(
        "--period", default="month", choices=dashboard_data.PERIOD_TYPES,
        help="the period tiles compare period-over-period and breakdowns cover (default: month)",
    )
    parser.add_argument("--trend-days", type=int, default=91, help="days of history in the trend charts (default 91)")


def run(args: argparse.Namespace) -> int:
    result = build(data_paths(args.data_dir), period=args.period, trend_days=args.trend_days)
    counts = {s: list(result.statuses.values()).count(s) for s in ("red", "amber", "green")}
    print(
        f"dashboard: {result.index} (and {result.dated.name}), data as of {result.as_of:%Y-%m-%d %H:%M} UTC "
        f"from the {result.source} warehouse; tiles red {counts['red']}, amber {counts['amber']}, "
        f"green {counts['green']}; built in {result.seconds:.1f}s"
    )
    return 0
