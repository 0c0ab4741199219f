"""`integrity demo`: simulate a platform if the landing zone is empty, run everything, say where it is."""

from __future__ import annotations

import argparse
import time
from datetime import date

import duckdb

from orchestration.assets.partitions import landed_days
from orchestration.errors import UserError
from orchestration.paths import DataPaths, data_paths

HEADLINES: tuple[tuple[str, str], ...] = (
    (
        "spam prevalence, latest day with every stratum labelled (per 10k impressions, 95% interval)",
        "select date_day, round(per_10k, 2), round(ci_low_per_10k, 2), round(ci_high_per_10k, 2) "
        "from marts.fct_spam_prevalence_daily where surface = 'all' and not is_incomplete "
        "order by date_day desc limit 1",
    ),
    (
        "unwanted impressions, all days (before signal / after signal)",
        "select sum(unwanted_impressions), sum(unwanted_before_signal), sum(unwanted_after_signal) "
        "from marts.fct_unwanted_impressions_daily",
    ),
    (
        "report SLA: reports, compliant, breached, open breached",
        "select count(*), count(*) filter (where sla_status = 'compliant'), "
        "count(*) filter (where sla_status = 'breached'), count(*) filter (where sla_status = 'open_breached') "
        "from marts.fct_report_sla",
    ),
    (
        "enforcement actions (reversed on appeal)",
        "select count(*), count(*) filter (where is_reversed) from marts.fct_enforcement_actions",
    ),
)


def simulate(paths: DataPaths, scale: str, end_date: str, days: int | None, seed: int | None) -> float:
    from orchestration.cli import main as cli_main

    args = ["simulate", "--scale", scale, "--end-date", end_date, "--out", str(paths.root)]
    if days:
        args += ["--days", str(days)]
    if seed is not None:
        args += ["--seed", str(seed)]
    print(f"[demo] landing zone empty: simulating a platform ({' '.join(args[1:])})", flush=True)
    began = time.monotonic()
    code = cli_main(args)
    if code:
        raise UserError(f"`integrity {' '.join(args)}` failed (exit {code})")
    return time.monotonic() - began


def headlines(paths: DataPaths) -> list[str]:
    if not paths.published.exists():
        return []
    lines = []
    con = duckdb.connect(str(paths.published), read_only=True)
    try:
        for label, sql in HEADLINES:
            try:
                row = con.execute(sql).fetchone()
            except duckdb.Error:
                continue  # that mart is not built yet
            if row is not None:
                lines.append(f"  {label}: {', '.join('-' if v is None else str(v) for v in row)}")
    finally:
        con.close()
    return lines


def where(paths: DataPaths) -> list[str]:
    lines = [
        f"  warehouse   {paths.warehouse}",
        f"  published   {paths.published}   (what dashboards and analysts read)",
    ]
    if paths.exports.exists():
        files = sorted(p for p in paths.exports.rglob("*") if p.is_file())
        lines.append(f"  exports     {paths.exports}/  ({len(files)} files)")
    dashboard = paths.dashboard / "index.html"
    if dashboard.exists():
        lines.append(f"  dashboard   {dashboard}")
    lines.append("  Dagster UI  `make ui`, then http://127.0.0.1:3000")
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", default="s", help="simulated platform size (xs, s, m, l)")
    parser.add_argument("--end-date", default="2026-10-31", help="last simulated delivery day")
    parser.add_argument("--days", type=int, default=None, help="simulated days (default: the scale's)")
    parser.add_argument("--seed", type=int, default=None)


def run(args: argparse.Namespace) -> int:
    from orchestration.runner import materialize_range, print_outcome

    try:
        date.fromisoformat(args.end_date)
    except ValueError:
        raise UserError(f"--end-date {args.end_date!r} is not a date (YYYY-MM-DD)") from None
    paths = data_paths()
    if not landed_days(paths.landing):
        seconds = simulate(paths, args.scale, args.end_date, args.days, args.seed)
        print(f"[demo] simulated in {seconds:.1f}s into {paths.landing}", flush=True)
    else:
        print(f"[demo] using the deliveries already in {paths.landing}", flush=True)
    from orchestration.dbt import prepare

    print("[demo] preparing the dbt project (dbt parse: the manifest the Dagster definitions load)", flush=True)
    prepare(paths=paths)
    print(
        "[demo] running the main job through Dagster (load, dbt build + tests, publish, exports)", flush=True
    )
    outcome = materialize_range(paths)
    print_outcome(outcome, paths)
    if outcome.success:
        from orchestration.dsa.report import write_latest_report

        print("[demo] writing the DSA transparency report for the latest period with data", flush=True)
        report = write_latest_report(paths)
        print(f"[demo] DSA report {report.period} v{report.version}: {report.out_dir}", flush=True)
    print("\nWhere things are:")
    print("\n".join(where(paths)))
    lines = headlines(paths)
    if lines:
        print("\nHeadline figures (published copy):")
        print("\n".join(lines))
    return 0 if outcome.success else 1
