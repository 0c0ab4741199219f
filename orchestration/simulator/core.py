"""simulate(): world -> delivery -> impressions stream -> files (+ faults) -> truth -> manifest."""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from orchestration.errors import UserError
from orchestration.paths import FEEDS, data_paths

from . import deliver, impressions, truth
from . import faults as faults_mod
from .world import DAY, SCALES, build_world

# prevalence sample per day, stratified by surface with allocation proportional to impressions (at least
# MIN_SAMPLES_PER_STRATUM per surface that had impressions)
SAMPLES_PER_DAY = {"xs": 96, "s": 200, "m": 240, "l": 320}
MIN_SAMPLES_PER_STRATUM = 3
DEFAULT_END = date(2026, 10, 31)


def _log(msg: str, progress: bool) -> None:
    if progress:
        print(msg, file=sys.stderr, flush=True)


def simulate(out: Path | str | None = None, scale: str = "xs", days: int | None = None,
             end_date: date = DEFAULT_END, seed: int = 42, faults: bool = False,
             progress: bool = False) -> dict:
    """Write every feed to `<out>/landing` and the truth to `<out>/truth` (both replaced).

    `out` is the data root (default: $INTEGRITY_DATA_DIR). Returns a summary: rows per feed, seconds.
    """
    t0 = time.perf_counter()
    if scale not in SCALES:
        raise UserError(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
    sc = SCALES[scale]
    days = sc.days if days is None else int(days)
    if days < 1 or days > 3660:
        raise UserError(f"--days must be between 1 and 3660, got {days}")
    if isinstance(end_date, str):
        try:
            end_date = date.fromisoformat(end_date)
        except ValueError as exc:
            raise UserError(f"--end-date must be YYYY-MM-DD, got {end_date!r}") from exc
    paths = data_paths(out)
    if paths.root.exists() and not paths.root.is_dir():
        raise UserError(f"{paths.root} exists and is not a directory")
    for d in (paths.landing, paths.truth):
        if d.exists():
            shutil.rmtree(d)
    paths.landing.mkdir(parents=True, exist_ok=True)
    paths.truth.mkdir(parents=True, exist_ok=True)

    end_ts = int(datetime(end_date.year, end_date.month, end_date.day, tzinfo=UTC).timestamp()) + DAY
    start = end_ts - days * DAY
    last_dt = days - 1
    _log(f"simulate: scale {scale}, {days} days to {end_date}, seed {seed}{', faults' if faults else ''} -> {paths.root}",
         progress)
    w = build_world(sc, days, start, seed)
    feeds = deliver.assign_delivery(w, last_dt)
    tin = truth.truth_inputs(w, feeds)
    t_world = time.perf_counter() - t0
    _log(f"  world: {len(w.item_ids):,} items, {len(w.account_ids):,} accounts, {len(w.campaigns)} campaigns "
         f"({t_world:.1f}s)", progress)
    fault_plan = faults_mod.plan(w, last_dt) if faults else None
    imp = impressions.generate(w, paths.landing, last_dt, tin, SAMPLES_PER_DAY[scale], progress=progress,
                               extra_column_dt=fault_plan["extra_column_dt"] if fault_plan else None,
                               min_per_stratum=MIN_SAMPLES_PER_STRATUM)
    feeds["prevalence_samples"] = deliver.deliver_samples(w, imp.samples, feeds, last_dt)
    files = deliver.build_files(w, feeds, last_dt)
    fault_list: list[dict] = []
    if faults:
        fault_list = faults_mod.inject(w, files, feeds, imp, paths.landing, last_dt, fault_plan)
    deliver.write_files(paths.landing, files)
    # ---- truth
    tt = paths.truth
    truth.write(truth.spam_items(w, feeds), tt / "spam_items.parquet")
    truth.write(truth.campaigns(w, feeds), tt / "campaigns.parquet")
    truth.write(truth.prevalence_daily(w, imp.prevalence), tt / "prevalence_daily.parquet")
    truth.write(truth.prevalence_by_country(w, imp.prevalence_country), tt / "prevalence_by_country.parquet")
    truth.write(truth.unwanted(w, imp.unwanted), tt / "unwanted_impressions.parquet")
    truth.write(truth.report_sla(feeds, start), tt / "report_sla.parquet")
    truth.write(truth.proactive_daily(feeds), tt / "proactive_daily.parquet")
    truth.write(truth.reviewer_error_rates(w, feeds), tt / "reviewer_error_rates.parquet")
    from .truth_dsa import write_years as write_dsa_years  # the per-year DSA report truth
    write_dsa_years(feeds, start, end_ts, tt)
    rows = {f: len(feeds.get(f, [])) for f in FEEDS if f in deliver.FIELDS}
    rows["impressions"] = imp.rows_delivered
    rows["moderators"] = sum(len(f.lines) - 1 for f in files.values() if f.feed == "moderators")
    rows["monthly_active_recipients"] = sum(len(f.lines) - 1 for f in files.values()
                                            if f.feed == "monthly_active_recipients")
    deliveries = []
    for rel in sorted(files):
        fs = files[rel]
        counts: dict[str, int] = {}
        for tag in fs.tags:
            if tag != "header":
                counts[tag] = counts.get(tag, 0) + 1
        deliveries.append({"feed": fs.feed, "delivered_dt": fs.dt, "file": rel, "records": sum(counts.values()),
                           "tags": counts})
    for f in imp.files:
        deliveries.append({"feed": "impressions", "delivered_dt": f["delivered_dt"], "file": f["file"],
                           "records": f["records"], "tags": {f["kind"]: f["records"]}})
    deliveries.sort(key=lambda x: x["file"])
    seconds = time.perf_counter() - t0
    manifest = {
        "generator": "orchestration.simulator",
        "arguments": {"scale": scale, "days": days, "end_date": str(end_date), "seed": seed, "faults": faults},
        "period": {"start": str(np.datetime64(start // DAY, "D")), "end": str(end_date)},
        "as_of": deliver.fmt_ts(truth.as_of(feeds, start)),
        "rows": rows,
        "resends": {f: sum(d["tags"].get("resend", 0) for d in deliveries if d["feed"] == f) for f in FEEDS},
        "pending_prevalence_samples": sum(1 for s in feeds["prevalence_samples"] if s.get("_pending")),
        "impressions_restatements": imp.restated,
        "faults": fault_list,
        "deliveries": deliveries,
    }
    (tt / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    summary = {"scale": scale, "days": days, "rows": rows, "faults": len(fault_list), "seconds": round(seconds, 2),
               "impression_rows_per_second": round(imp.rows_written / max(imp.seconds, 1e-9)),
               "landing": str(paths.landing), "truth": str(paths.truth)}
    _log(f"  wrote {sum(rows.values()):,} records ({imp.rows_written:,} impression rows at "
         f"{summary['impression_rows_per_second'] / 1e6:.2f}M rows/s) in {seconds:.1f}s", progress)
    return summary
