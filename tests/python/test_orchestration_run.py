"""The main job through Dagster on xs simulated data: everything materializes, a SIGKILLed run
recovers to the same marts, readers of the published copy never hit a lock, and incremental
day-by-day runs give the same marts as one full refresh (late deliveries included).

Slow: each test runs the whole pipeline. Every data dir here is private (copied landing zone).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from helpers_warehouse import at_stable_path, skip_or_fail, tables_difference

from orchestration.assets.partitions import landed_days
from orchestration.dbt import dbt_target_path
from orchestration.paths import PROJECT_DIR, data_paths
from orchestration.runner import materialize_range

pytestmark = pytest.mark.slow


# Files re-delivered shorter (the platform withdrew records from a delivery): every data dir of
# this module lands them shorter, except the day-by-day test, whose backfill loads the first,
# longer delivery and whose last step the shorter one. Feeds no other feed references.
SHORTENED = (("impressions", "part-0.parquet"), ("prevalence_samples", "part-0.jsonl"))


def shortened_day(landing: Path) -> str:
    return landed_days(landing)[1]


def shorten(landing: Path, day: str) -> dict[str, int]:
    """Keep the first half of each SHORTENED file of `day`; returns feed -> records kept."""
    kept = {}
    for feed, name in SHORTENED:
        path = landing / feed / f"dt={day}" / name
        if name.endswith(".parquet"):
            table = pq.read_table(path)
            kept[feed] = table.num_rows // 2
            pq.write_table(table.slice(0, kept[feed]), path)
        else:
            lines = path.read_bytes().splitlines(keepends=True)
            kept[feed] = len(lines) // 2
            path.write_bytes(b"".join(lines[: kept[feed]]))
    return kept


def fresh(xs_landing: Path, target: Path, *, landing: bool = True) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    if landing:
        shutil.copytree(xs_landing / "landing", target / "landing")
        shorten(target / "landing", shortened_day(target / "landing"))
    else:
        (target / "landing").mkdir()
    return target


def marts_difference(left: Path, right: Path) -> dict[str, str]:
    """Tables of the published marts that differ (row for row, as multisets), with how."""
    return tables_difference(left, right, ("marts",), exact=True)


CLEAN_OUTCOME: dict[str, object] = {}


@pytest.fixture(scope="module")
def clean_run(xs_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full-refresh run of the main job over every xs delivery day (in-process).

    INTEGRITY_TEST_RUN_DIR may name a data dir already built by `integrity run` over the same xs
    landing zone, shortened as `fresh` does (saves one build on a slow machine)."""
    prebuilt = os.environ.get("INTEGRITY_TEST_RUN_DIR")
    if prebuilt and data_paths(prebuilt).published.exists():
        return Path(prebuilt)
    root = fresh(xs_landing, tmp_path_factory.mktemp("clean") / "data")
    previous = os.environ.get("INTEGRITY_DATA_DIR")
    began = time.monotonic()
    with at_stable_path(root) as paths:
        outcome = materialize_range(paths, full_refresh=True, log_level="WARNING", persistent=False)
    print(
        f"\nxs main job, full refresh: {time.monotonic() - began:.1f}s, {outcome.materialized} materializations"
    )
    if previous is None:
        os.environ.pop("INTEGRITY_DATA_DIR", None)
    else:
        os.environ["INTEGRITY_DATA_DIR"] = previous
    assert outcome.success, outcome.failures
    CLEAN_OUTCOME["outcome"] = outcome
    return root


def test_the_ui_gets_each_tables_row_count_from_dbt(clean_run: Path):
    """Every table dbt built carries its row count (counted once dbt exits), equal to the
    table's rows in the warehouse (and the run released the file: the publish step opened it)."""
    outcome = CLEAN_OUTCOME.get("outcome")
    if outcome is None:
        skip_or_fail("INTEGRITY_TEST_RUN_DIR: the run was built elsewhere, its events are not here")
    counts = outcome.row_counts
    assert len(counts) > 60, f"only {len(counts)} materializations carry a row count"
    con = duckdb.connect(str(data_paths(clean_run).warehouse), read_only=True)
    try:
        for key in ("marts/fct_report_sla", "marts/fct_unwanted_impressions_daily", "reference/policies"):
            schema, table = key.split("/")
            (rows,) = con.execute(f"select count(*) from {schema}.{table}").fetchone()
            assert counts[key] == rows, key
    finally:
        con.close()
    assert not any(k.startswith("staging/stg_") for k in counts), "views get no row count"


def test_source_freshness_job_reports_each_feed_against_the_clock(clean_run: Path):
    """The scheduled `source_freshness` job runs dbt source freshness: one check per feed whose
    verdict is the feed's newest delivery day against now and its registry freshness_lag_days."""
    from datetime import UTC, datetime

    from orchestration.feeds import registry
    from orchestration.runner import run_job

    outcome, result = run_job(data_paths(clean_run), "source_freshness", {}, persistent=False)
    assert outcome.success, outcome.failures
    evaluations = {
        e.asset_key.path[-1]: e
        for e in (
            getattr(ev.event_specific_data, "asset_check_evaluation", ev.event_specific_data)
            for ev in result.all_events
            if ev.event_type_value == "ASSET_CHECK_EVALUATION"
        )
        if e.check_name == "dbt_source_freshness"
    }
    feeds = registry()
    assert set(evaluations) == set(feeds)
    con = duckdb.connect()
    try:
        latest = dict(
            con.execute(
                "select feed, max(cast(delivered_dt as date)) "
                f"from read_parquet('{data_paths(clean_run).raw_zone}/ledger.parquet') group by feed"
            ).fetchall()
        )
    finally:
        con.close()
    now = datetime.now(UTC).replace(tzinfo=None)
    for feed, evaluation in evaluations.items():
        age_days = (now - datetime.combine(latest[feed], datetime.min.time())).total_seconds() / 86400
        assert evaluation.passed == (age_days <= feeds[feed].freshness_lag_days), feed
        # dbt measured the feed's newest delivery day itself (for the Parquet feed, from the ledger)
        measured = evaluation.metadata["max_loaded_at"]
        assert str(getattr(measured, "value", measured)).startswith(latest[feed].isoformat()), feed


def test_everything_materializes_in_process_on_xs(clean_run: Path):
    from orchestration.assets.dbt_models import MANIFEST, TRANSLATOR

    paths = data_paths(clean_run)
    assert paths.published.exists()
    models = [n for n in MANIFEST["nodes"].values() if n["resource_type"] == "model"]
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    built = {
        (s, t)
        for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }
    con.close()
    from orchestration.assets.dbt_models import dsa_period_keys

    period = {k.path[-1] for k in dsa_period_keys()}  # built when a report is filed, not daily
    missing = [
        n["name"]
        for n in models
        if (n["schema"], n["alias"] or n["name"]) not in built and n["name"] not in period
    ]
    assert not missing, f"models not built: {missing}"
    pub = duckdb.connect(str(paths.published), read_only=True)
    schemas = {
        s for (s,) in pub.execute("select distinct table_schema from information_schema.tables").fetchall()
    }
    marts = [TRANSLATOR.get_asset_key(n).path[-1] for n in models if TRANSLATOR.get_group_name(n) == "marts"]
    published = {
        t
        for (t,) in pub.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    quarantine = {
        t
        for (t,) in pub.execute(
            "select table_name from information_schema.tables where table_schema = 'quarantine'"
        ).fetchall()
    }
    pub.close()
    assert schemas <= {"marts", "reference", "dsa", "sandbox", "quarantine"}
    assert quarantine == {"rpt_load_reconciliation", "rpt_schema_drift"}, "raw records must not be published"
    assert set(marts) <= published


def _process_group(pgid: int) -> list[str]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            continue
    return found


def _run_cli(root: Path, *args: str) -> subprocess.Popen:
    """`integrity run` in its own process group, its output in <root>/../run-N.log (never a pipe
    left unread: a full pipe would stall the run)."""
    env = dict(os.environ, INTEGRITY_DATA_DIR=str(root), DAGSTER_HOME=str(root / "dagster"))
    log = root.parent / f"run-{len(list(root.parent.glob('run-*.log')))}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", "run", "--quiet", *args],
            cwd=PROJECT_DIR,
            env=env,
            start_new_session=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    proc.log = log  # type: ignore[attr-defined]
    return proc


def _finish(proc: subprocess.Popen, timeout: float = 1800) -> tuple[int, str]:
    proc.wait(timeout=timeout)
    return proc.returncode, proc.log.read_text()[-5000:]  # type: ignore[attr-defined]


KILL_AFTER_MODELS = 12


def test_sigkill_in_the_middle_of_dbt_then_rerun_gives_the_clean_marts(xs_landing, clean_run, tmp_path):
    root = fresh(xs_landing, tmp_path / "data")
    proc = _run_cli(root, "--full-refresh")
    # Kill once dbt has written some models of the main build (and is writing more): the warehouse
    # then holds a mix of new and old tables, possibly a half-written one and a WAL.
    deadline = time.monotonic() + 1200
    written = 0
    while time.monotonic() < deadline and proc.poll() is None and written < KILL_AFTER_MODELS:
        written = proc.log.read_text(errors="replace").count("OK created sql")  # type: ignore[attr-defined]
        time.sleep(0.1)
    dbt_running = any("dbt" in cmd and " build" in cmd for cmd in _process_group(proc.pid))
    assert proc.poll() is None and dbt_running, "the run ended before dbt was killed:\n" + _finish(proc)[1]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert not data_paths(root).published.exists(), "a killed run must not publish"

    code, output = _finish(_run_cli(root))
    assert code == 0, output
    assert marts_difference(data_paths(root).published, data_paths(clean_run).published) == {}


READER_PAUSE_SECONDS = 0.5  # four readers at a 50 ms pause took both cores from the run they watch


def _reader(path: str, stop: multiprocessing.synchronize.Event, queue) -> None:
    reads, errors = 0, []
    while not stop.is_set():
        try:
            con = duckdb.connect(path, read_only=True)
            tables = con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
            for (table,) in tables[:5]:
                con.execute(f'select count(*) from marts."{table}"').fetchone()
            con.close()
            reads += 1
        except Exception as exc:  # collected: the test fails on any
            errors.append(repr(exc))
        time.sleep(READER_PAUSE_SECONDS)
    queue.put((reads, errors))


def _batches_by_day(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return dict(
            con.execute(
                "select _delivered_dt, string_agg(distinct _batch_id, ',' order by _batch_id) "
                "from staging.base_platform__accounts group by 1"
            ).fetchall()
        )
    finally:
        con.close()


def test_four_readers_of_the_published_copy_see_no_lock_error_during_a_run(clean_run, tmp_path):
    root = tmp_path / "data"
    shutil.copytree(clean_run, root, ignore=shutil.ignore_patterns("dagster", "*.wal"))
    ctx = multiprocessing.get_context("spawn")
    stop, queue = ctx.Event(), ctx.Queue()
    readers = [
        ctx.Process(target=_reader, args=(str(data_paths(root).published), stop, queue)) for _ in range(4)
    ]
    for reader in readers:
        reader.start()
    # the latest delivery day again: a whole run (dbt build, checks, exports, publish swap) while
    # the readers loop, without the cost of a full refresh
    last_day = landed_days(root / "landing")[-1]
    code, output = _finish(_run_cli(root, "--start", last_day, "--end", last_day))
    stop.set()
    results = [queue.get(timeout=60) for _ in readers]
    for reader in readers:
        reader.join(timeout=60)
    assert code == 0, output
    # A scheduled run leaves dbt's unit tests to make test (the data tests are its asset checks).
    finished = [
        line for line in output.splitlines() if line.startswith("Finished running") and "models" in line
    ]
    assert finished and "unit test" not in finished[-1] and "data tests" in finished[-1], finished
    # The window reached dbt through the environment: the day's records, all processed already,
    # were parsed again (a new batch); the other days' only where they share a key with them.
    before = _batches_by_day(data_paths(clean_run).warehouse)
    after = _batches_by_day(data_paths(root).warehouse)
    changed = {day for day in after if after[day] != before.get(day)}
    assert date.fromisoformat(last_day) in changed and len(changed) < len(after), (changed, len(after))
    assert all(reads > 0 for reads, _ in results), results
    print(f"\nreaders during the run: {[reads for reads, _ in results]} reads each")
    assert [e for _, errors in results for e in errors] == []


LATE_FEED = "enforcement_actions"
WAREHOUSE_SCHEMAS = ("staging", "quarantine", "intermediate", "rules", "marts", "dsa")


def test_incremental_day_by_day_equals_one_full_refresh(xs_landing, clean_run, tmp_path, monkeypatch):
    """Deliveries land one day at a time and each day's partition runs; the warehouse (every layer)
    and the published marts must equal one full refresh over the same data, row for row.

    Late cases in it: impressions and events delivered days after they happened (the simulator's),
    an impressions file and a prevalence-samples file re-delivered shorter with the last day,
    a whole delivery day of enforcement actions that lands only with the last day (a late file for
    an old delivery day), and spam actions decided in a later step on items whose impressions were
    loaded in earlier steps (their whole history becomes unwanted)."""
    root = fresh(xs_landing, tmp_path / "data", landing=False)
    monkeypatch.setenv("INTEGRITY_DATA_DIR", str(root))
    source = xs_landing / "landing"
    days = landed_days(source)
    assert len(days) >= 10
    late_day = days[2]
    # Every day on its own with INTEGRITY_INCREMENTAL_EVERY_DAY=1; by default the first days land
    # as one backfill range and the last two one day at a time: an incremental run on top of the
    # backfill, then one on top of an incremental run (the late file lands with the last).
    every_day = os.environ.get("INTEGRITY_INCREMENTAL_EVERY_DAY") == "1"
    steps = [[d] for d in days] if every_day else [days[:-2], *([d] for d in days[-2:])]
    for number, step in enumerate(steps):
        for day in step:
            for day_dir in source.glob(f"*/dt={day}"):
                if day == late_day and day_dir.parent.name == LATE_FEED:
                    continue
                shutil.copytree(day_dir, root / "landing" / day_dir.parent.name / day_dir.name)
        if number == len(steps) - 1:
            late = source / LATE_FEED / f"dt={late_day}"
            shutil.copytree(late, root / "landing" / LATE_FEED / late.name)
            kept = shorten(root / "landing", shortened_day(source))
        with at_stable_path(root) as paths:
            outcome = materialize_range(paths, step[0], step[-1], log_level="WARNING", persistent=False)
        assert outcome.success, (step, outcome.failures)

    # The last two steps ran at the same data path with different windows: the window is not a
    # dbt var (those make dbt parse the whole project again), so the last step parsed partially.
    log = (dbt_target_path() / "dagster-dbt_models" / "dbt.log").read_text(errors="replace")
    last_invocation = log.rsplit("Running with dbt=", 1)[-1]
    assert "Unable to do partial parsing" not in last_invocation, last_invocation[:2000]

    warehouse = data_paths(root).warehouse
    first_step_end, last_steps = steps[0][-1], [step[0] for step in steps[1:]]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        late_impressions = con.execute(
            "select count(*) from staging.stg_platform__impressions "
            "where _delivered_dt > ? and _delivered_dt >= date_day + 2",
            [first_step_end],
        ).fetchone()[0]
        late_actions = con.execute(
            "select count(*) from staging.stg_platform__enforcement_actions where _delivered_dt = ?",
            [late_day],
        ).fetchone()[0]
        # Items every action on which (on the item or its owner) arrived after the first step, with
        # unwanted impressions delivered (and loaded) in the first step: the late judgement made
        # already-loaded history unwanted.
        rejudged = con.execute(
            """
            with arrival as (
                select
                    content.content_id,
                    min(case when actions._delivered_dt = ? then date '9999-12-31'
                        else actions._delivered_dt end) as first_action_arrival
                from staging.stg_platform__content as content
                inner join staging.stg_platform__enforcement_actions as actions
                    on (actions.target_type = 'content' and actions.target_id = content.content_id)
                    or (actions.target_type = 'account' and actions.target_id = content.owner_account_key)
                group by content.content_id
            )
            select count(distinct unwanted.content_id)
            from intermediate.int_unwanted_impressions_hourly as unwanted
            inner join staging.stg_platform__impressions as delivered
                using (content_id, surface, country, hour_ts)
            inner join arrival using (content_id)
            where delivered._delivered_dt <= ? and arrival.first_action_arrival > ?
            """,
            [late_day, first_step_end, first_step_end],
        ).fetchone()[0]
        # The shorter re-deliveries replaced the records of their first delivery.
        redelivered = {
            feed: con.execute(
                f"select count(*) from staging.base_platform__{feed} where _source_file = ?",
                [f"{feed}/dt={shortened_day(source)}/{name}"],
            ).fetchone()[0]
            for feed, name in SHORTENED
        }
        batches = con.execute(
            "select _batch_id, count(*) from staging.base_platform__impressions group by 1 order by 2 desc"
        ).fetchall()
        total = sum(n for _, n in batches)
    finally:
        con.close()
    print(
        f"\nlate cases: {late_impressions} impression rows delivered 2+ days late after the first step, "
        f"{late_actions} actions in the late file, {rejudged} items judged after their impressions "
        f"loaded; impressions batches {[n for _, n in batches]} of {total} rows"
    )
    assert late_impressions > 0 and late_actions > 0 and rejudged > 0
    assert redelivered == kept and min(kept.values()) > 0, (redelivered, kept)
    # Incremental for real: every step wrote its own batch and none rewrote the whole table.
    assert len(batches) == len(steps), batches
    assert all(n < total / 3 for _, n in batches[1:]), batches
    assert len(last_steps) == (len(days) - 1 if every_day else 2)

    assert tables_difference(warehouse, data_paths(clean_run).warehouse, WAREHOUSE_SCHEMAS) == {}
    assert marts_difference(data_paths(root).published, data_paths(clean_run).published) == {}
