"""`integrity screenshot`: render the dashboard to a PNG with headless Chromium.

The page height is measured first (the page writes it into `data-page-height` once drawn), so the
PNG holds the whole page unless `--height` is given. Builds the dashboard first when it is missing.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from orchestration.dashboard import chromium
from orchestration.dashboard.build import build_dashboard
from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, data_paths

DEFAULT_PNG = PROJECT_DIR / "docs" / "dashboard.png"
MAX_HEIGHT = 12_000


def page_height(page: Path, width: int) -> int:
    load = chromium.dump_dom(page, width=width)
    found = re.search(r'data-page-height="(\d+)"', load.dom)
    if not found:
        raise UserError(f"{page} did not finish drawing in headless Chromium (no data-page-height)")
    return min(int(found.group(1)), MAX_HEIGHT)


def take_screenshot(page: Path, png: Path, *, width: int = 1440, height: int | None = None) -> Path:
    chromium.require_chromium()
    if not page.exists():
        raise UserError(f"no dashboard at {page}: run `integrity dashboard` first")
    return chromium.screenshot(page, png, width=width, height=height or page_height(page, width))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="data directory (default: $INTEGRITY_DATA_DIR or ./data)")
    parser.add_argument("--page", type=Path, help="HTML page to render (default: <data>/dashboard/index.html)")
    parser.add_argument("--out", type=Path, default=DEFAULT_PNG, help=f"PNG to write (default: {DEFAULT_PNG})")
    parser.add_argument("--width", type=int, default=1440, help="viewport width in CSS pixels (default 1440)")
    parser.add_argument("--height", type=int, help="viewport height (default: the whole page)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the dashboard before the screenshot")


def run(args: argparse.Namespace) -> int:
    chromium.require_chromium()
    paths = data_paths(args.data_dir)
    page = args.page or paths.dashboard / "index.html"
    if args.page is None and (args.rebuild or not page.exists()):
        page = build_dashboard(paths)
    png = take_screenshot(page, args.out, width=args.width, height=args.height)
    print(f"screenshot: {png}")
    return 0
