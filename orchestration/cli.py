"""`integrity` command line: a thin layer over functions the tests call directly.

Each subcommand lives in its own module exposing `add_arguments(parser)` and `run(args) -> int`.
Modules are imported only when their command runs, so `integrity --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from orchestration.errors import UserError

COMMANDS: dict[str, tuple[str, str]] = {
    "simulate": ("orchestration.simulator.cli", "write realistic platform logs (and their truth) to the landing zone"),
    "ingest": ("orchestration.ingest", "load new landing files into the raw zone"),
    "build": ("orchestration.build", "ingest, then dbt build (models + tests) without Dagster"),
    "run": ("orchestration.runner", "materialize everything through Dagster (the main job)"),
    "demo": ("orchestration.demo", "simulate if the landing zone is empty, run everything, say where it is"),
    "analyze": ("orchestration.analyze", "run an analysis from analyses/ against the published warehouse"),
    "metrics": ("orchestration.metrics", "list and query the semantic layer's metrics (MetricFlow) on the published copy"),
    "dsa-report": ("orchestration.dsa.report", "write the DSA harmonised transparency report for a period"),
    "sor-export": ("orchestration.dsa.sor", "write statements of reasons for actions decided on a date"),
    "dashboard": ("orchestration.dashboard.build", "rebuild the leadership dashboard from the published warehouse"),
    "screenshot": ("orchestration.dashboard.screenshot", "render the dashboard to PNG with headless Chromium"),
    "docs": ("orchestration.docs", "build the dbt docs site (one static file, no compiled SQL) beside the dashboard"),
    "ui": ("orchestration.ui", "start the Dagster webserver and daemon"),
    "bench": ("orchestration.bench", "time simulate, full build, one incremental day and DuckDB alone"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="integrity",
        description="Integrity analytics warehouse. Data lives under $INTEGRITY_DATA_DIR (default ./data).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        parser = _parser()
        if not argv or argv[0] in ("-h", "--help"):
            parser.print_help()
            return 0 if argv else 2
        parser.error(f"unknown command {argv[0]!r}; choose from {', '.join(COMMANDS)}")
    name, rest = argv[0], argv[1:]
    module_name, help_text = COMMANDS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"integrity {name}", description=help_text)
    module.add_arguments(parser)
    args = parser.parse_args(rest)
    try:
        return int(module.run(args) or 0)
    except UserError as exc:
        print(f"integrity {name}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"integrity {name}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
