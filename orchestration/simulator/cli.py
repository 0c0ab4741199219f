"""`integrity simulate`: write realistic platform logs and their ground truth."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from orchestration.errors import UserError

from .core import DEFAULT_END, simulate
from .world import SCALES


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UserError(f"--end-date must be a date YYYY-MM-DD, got {value!r}") from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write every raw feed of the contract to DATA/landing/<feed>/dt=YYYY-MM-DD/ and the ground truth to "
        "DATA/truth/. Both folders are deleted and rewritten on every run (nothing else in DATA is touched). "
        "The same arguments give byte-identical files."
    )
    parser.add_argument("--scale", choices=list(SCALES), default="s",
                        help="xs: 14 days, ~4k items (tests); s: 90 days, ~10M impression rows (demo, default); "
                             "m: ~100M and l: ~500M impression rows over 365 days (benchmarks)")
    parser.add_argument("--days", type=int, default=None, help="days simulated (default: the scale's, xs 14, s 90, m/l 365)")
    parser.add_argument("--end-date", default=str(DEFAULT_END), metavar="YYYY-MM-DD",
                        help=f"last simulated and last delivery day, UTC (default {DEFAULT_END})")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--faults", action="store_true",
                        help="also deliver bad input (malformed JSON, bad enums and timestamps, duplicates, "
                             "truncated gzip, ...) listed in truth/manifest.json")
    parser.add_argument("--out", type=Path, default=None, metavar="DATA",
                        help="data root: landing at DATA/landing, truth at DATA/truth "
                             "(default: $INTEGRITY_DATA_DIR, else ./data)")
    parser.add_argument("--quiet", action="store_true", help="no progress output")


def run(args: argparse.Namespace) -> int:
    if args.days is not None and args.days < 1:
        raise UserError(f"--days must be at least 1, got {args.days}")
    summary = simulate(args.out, scale=args.scale, days=args.days, end_date=_date(args.end_date), seed=args.seed,
                       faults=args.faults, progress=not args.quiet)
    print(json.dumps(summary, indent=1))
    return 0
