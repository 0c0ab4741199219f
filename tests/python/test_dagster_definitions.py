"""The Definitions load, and their schedules and sensors do what they say (no warehouse needed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from orchestration.assets.dbt_models import MANIFEST, TRANSLATOR, dbt_dsa_period, dbt_models, dsa_period_keys
from orchestration.assets.dsa import REPORT_KEY
from orchestration.assets.loader import RAW_TABLES, raw_key
from orchestration.assets.partitions import landed_days
from orchestration.assets.publish import PUBLISHED_KEY
from orchestration.assets.sla import REPORT_SLA_KEY, SLA_ALERTS_KEY
from orchestration.definitions import MAIN_JOB, SLA_JOB, defs
from orchestration.paths import FEEDS

REPO = defs.get_repository_def()


@pytest.fixture(scope="module")
def graph():
    return defs.get_repository_def().asset_graph


def _dbt_nodes(*types: str) -> list[dict]:
    return [n for n in MANIFEST["nodes"].values() if n["resource_type"] in types]


def test_definitions_load_and_validate():
    dg.Definitions.validate_loadable(defs)
    assert {j.name for j in defs.get_repository_def().get_all_jobs()} >= {MAIN_JOB, SLA_JOB}


def test_every_dbt_model_and_seed_is_an_asset_with_layer_group_owner_and_description(graph):
    keys = graph.get_all_asset_keys()
    nodes = _dbt_nodes("model", "seed", "snapshot")
    assert nodes, "the dbt manifest has no models"
    for node in nodes:
        key = TRANSLATOR.get_asset_key(node)
        assert key in keys, f"{node['unique_id']} has no asset"
        asset = graph.get(key)
        assert key.path[0] == asset.group_name, f"{key} is not grouped by its layer"
        assert asset.owners, f"{key} has no owner"
        assert asset.description, f"{key} has no description"


def test_loader_covers_every_raw_table_and_dbt_sources_point_at_it(graph):
    keys = graph.get_all_asset_keys()
    for table in RAW_TABLES:
        assert raw_key(table) in keys
    for source in MANIFEST.get("sources", {}).values():
        if source.get("schema") == "raw":
            assert raw_key(source["name"]) in keys, f"source {source['name']} has no loader asset"


def test_dbt_tests_are_asset_checks_and_error_severity_blocks(graph):
    checks = {key: graph.get_check_spec(key) for key in graph.asset_check_keys}
    tests = _dbt_nodes("test")
    assert tests, "the manifest holds no dbt tests"
    dbt_checks = [spec for spec in checks.values() if spec.name != "freshness"]
    assert dbt_checks, "dbt tests do not surface as asset checks"
    error_tests = {n["name"] for n in tests if (n["config"].get("severity") or "error").lower() == "error"}
    for spec in dbt_checks:
        if spec.name in error_tests:
            assert spec.blocking, f"{spec.key} is error severity but not blocking"


def test_freshness_check_on_every_source(graph):
    for feed in FEEDS:
        assert dg.AssetCheckKey(raw_key(feed), "freshness") in graph.asset_check_keys


def test_the_loader_is_daily_partitioned_and_the_dbt_models_are_not(graph):
    """Delivery days partition the loader's raw tables (single-run backfills of a range); a dbt
    model is one table over every event day, so it has no partitions: one materialization per
    model and run, not per model and day (the run's days reach dbt as its window)."""
    for feed in FEEDS:
        asset = graph.get(raw_key(feed))
        assert isinstance(asset.partitions_def, dg.DailyPartitionsDefinition), feed
        assert asset.backfill_policy == dg.BackfillPolicy.single_run(), feed
    for key in (TRANSLATOR.get_asset_key(n) for n in _dbt_nodes("model")):
        assert graph.get(key).partitions_def is None, key
    assert graph.get(PUBLISHED_KEY).partitions_def is None


def test_the_dbt_window_is_the_runs_partition_or_range():
    from types import SimpleNamespace

    from orchestration.assets.partitions import window_vars

    def window(tags):
        return window_vars(SimpleNamespace(run=SimpleNamespace(tags=tags)))

    assert window({"dagster/partition": "2026-10-31"}) == {
        "window_start": "2026-10-31", "window_end": "2026-11-01",
    }  # fmt: skip
    assert window(
        {"dagster/asset_partition_range_start": "2026-10-18", "dagster/asset_partition_range_end": "2026-10-31"}
    ) == {"window_start": "2026-10-18", "window_end": "2026-11-01"}
    assert window({}) == {"window_start": "", "window_end": ""}


def test_the_dsa_period_models_are_their_own_dbt_assets_and_the_report_job_builds_them():
    """dsa_report_period and everything built on it are one @dbt_assets with a period config;
    the dsa_report job builds them and then writes the report, so Dagster records both."""
    period = set(dsa_period_keys())
    names = {k.path[-1] for k in period}
    assert {"dsa_report_period", "dsa_part4_notices", "dsa_part10_amar"} <= names
    assert "dsa_sor_candidates" not in names and "int_dsa_actions" not in names  # daily, not per period
    assert period == set(dbt_dsa_period.keys)
    assert not period & set(dbt_models.keys)
    report_job = defs.resolve_job_def("dsa_report").asset_layer.selected_asset_keys
    assert report_job == period | {REPORT_KEY, PUBLISHED_KEY}
    main = defs.resolve_job_def(MAIN_JOB).asset_layer.selected_asset_keys
    assert not period & main and REPORT_KEY in main  # filed on demand, not rebuilt daily
    assert defs.resolve_job_def("dsa_period").asset_layer.selected_asset_keys == period
    fields = dbt_dsa_period.op.config_schema.config_type.fields
    assert {"period", "provider_type"} <= set(fields)


def test_every_dbt_data_test_is_an_asset_check(graph):
    """Generic and singular tests alike (singular ones name their model in meta.dagster.ref)."""
    checks = {key.name for key in graph.asset_check_keys}
    tests = [n for n in _dbt_nodes("test")]
    missing = sorted(n["name"] for n in tests if n["name"] not in checks)
    assert not missing, f"dbt tests with no asset check: {missing}"
    singular = [n for n in tests if "generic" not in n["unique_id"] and not n.get("test_metadata")]
    assert len(singular) >= 7
    for node in singular:
        ref = ((node["config"].get("meta") or {}).get("dagster") or {}).get("ref")
        assert ref and ref.get("name"), f"{node['name']} has no meta.dagster.ref"


def test_owners_come_from_the_dbt_groups(graph):
    """No owner map in Python: each asset's owner is its dbt group's owner (models/_groups.yml)."""
    groups = {g["name"]: g for g in MANIFEST["groups"].values()}
    assert {"data_platform", "analytics_engineering", "trust_and_safety_policy"} <= set(groups)
    for node in _dbt_nodes("model", "seed"):
        group = node.get("group") or node["config"].get("group")
        assert group in groups, f"{node['unique_id']} is in no dbt group"
        owner = groups[group]["owner"]
        expected = owner.get("email") or f"team:{owner['name']}"
        assert graph.get(TRANSLATOR.get_asset_key(node)).owners == [expected], node["unique_id"]
    import orchestration.assets.dbt_models as module

    assert not hasattr(module, "LAYER_OWNERS")


def test_source_freshness_runs_on_its_own_schedule_not_in_every_run():
    from orchestration.assets.freshness import check_keys

    keys = set(check_keys())
    assert len(keys) == len(FEEDS)
    freshness_job = defs.resolve_job_def("source_freshness")
    assert set(freshness_job.asset_layer.asset_graph.asset_check_keys) >= keys
    main = defs.resolve_job_def(MAIN_JOB)
    assert not keys & set(main.asset_layer.asset_graph.asset_check_keys)
    schedule = REPO.get_schedule_def("source_freshness_every_6h")
    assert schedule.job_name == "source_freshness"
    assert schedule.cron_schedule == "30 */6 * * *"


def test_freshness_verdicts_from_dbt_results():
    """sources.json results become one warn-severity check per feed; a feed dbt left out fails."""
    from orchestration.assets.freshness import freshness_results

    results = [
        {"unique_id": "source.integrity.platform.reports", "status": "pass", "max_loaded_at": "2026-10-31",
         "max_loaded_at_time_ago_in_s": 7200, "criteria": {"warn_after": {"count": 2, "period": "day"}}},
        {"unique_id": "source.integrity.platform.appeals", "status": "warn", "max_loaded_at": "2026-10-20",
         "max_loaded_at_time_ago_in_s": 86400 * 11, "criteria": {"warn_after": {"count": 2, "period": "day"}}},
    ]  # fmt: skip
    got = {r.asset_key.path[-1]: r for r in freshness_results(results, ["appeals", "qa_audits", "reports"])}
    assert got["reports"].passed and not got["appeals"].passed and not got["qa_audits"].passed
    assert got["appeals"].metadata["age_hours"].value == 264.0
    assert got["qa_audits"].metadata["status"].value == "not reported"
    assert {r.severity for r in got.values()} == {dg.AssetCheckSeverity.WARN}


def test_publish_waits_for_every_table_it_copies(graph):
    """Every model of the published schemas (the DSA period's, built in their own step, too) and
    the quarantine counts are upstream of the publish, so it never copies a table mid-run."""
    from orchestration.publish import PUBLISHED_SCHEMAS, PUBLISHED_TABLES

    upstream = set(graph.get(PUBLISHED_KEY).parent_keys)
    copied = [
        TRANSLATOR.get_asset_key(n)
        for n in _dbt_nodes("model", "seed")
        if n["schema"] in PUBLISHED_SCHEMAS or (n["schema"], n["name"]) in PUBLISHED_TABLES
    ]
    assert len(copied) > 40 and {k for k in dsa_period_keys() if k.path[0] == "dsa"} <= set(copied)
    missing = sorted(k.to_user_string() for k in copied if k not in upstream)
    assert not missing, f"published without waiting for: {missing}"


def test_sla_job_runs_only_the_sla_path():
    job = defs.resolve_job_def(SLA_JOB)
    selected = job.asset_layer.selected_asset_keys
    assert SLA_ALERTS_KEY in selected
    assert PUBLISHED_KEY not in selected
    if REPORT_SLA_KEY is not None:
        assert REPORT_SLA_KEY in selected
        assert not any(k.path[-1].startswith("fct_spam_prevalence") for k in selected)


def test_daily_schedule_runs_yesterday_at_two_utc():
    schedule = REPO.get_schedule_def("daily_integrity_run")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "UTC"
    context = dg.build_schedule_context(
        repository_def=REPO, scheduled_execution_time=datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    )
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.partition_key == "2026-10-31"
    assert schedule.job_name == MAIN_JOB


def test_hourly_sla_monitor_targets_todays_delivery_day():
    schedule = REPO.get_schedule_def("hourly_sla_monitor")
    assert schedule.cron_schedule == "0 * * * *"
    context = dg.build_schedule_context(
        repository_def=REPO, scheduled_execution_time=datetime(2026, 10, 31, 13, 0, tzinfo=UTC)
    )
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.partition_key == "2026-10-31"
    assert request.run_key == "sla-2026-10-31T13"
    assert schedule.job_name == SLA_JOB


def _deliver(landing: Path, feed: str, day: str) -> None:
    folder = landing / feed / f"dt={day}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "part-0.jsonl").write_text(json.dumps({"x": 1}) + "\n")


def test_delivery_sensor_starts_one_run_per_new_range_and_moves_its_cursor(tmp_path, monkeypatch):
    monkeypatch.setenv("INTEGRITY_DATA_DIR", str(tmp_path))
    landing = tmp_path / "landing"
    sensor = REPO.get_sensor_def("new_delivery_day")

    empty = sensor.evaluate_tick(dg.build_sensor_context(repository_def=REPO))
    assert not empty.run_requests

    for day in ("2026-10-29", "2026-10-30"):
        _deliver(landing, "reports", day)
    (landing / "reports" / "dt=2026-10-28").mkdir()  # an empty folder is not a delivery
    first = sensor.evaluate_tick(dg.build_sensor_context(repository_def=REPO))
    assert len(first.run_requests) == 1
    request = first.run_requests[0]
    assert request.partition_key_range == dg.PartitionKeyRange("2026-10-29", "2026-10-30")
    assert first.cursor == "2026-10-30"

    again = sensor.evaluate_tick(dg.build_sensor_context(repository_def=REPO, cursor=first.cursor))
    assert not again.run_requests

    _deliver(landing, "impressions", "2026-10-31")
    new_day = sensor.evaluate_tick(dg.build_sensor_context(repository_def=REPO, cursor=first.cursor))
    assert [r.partition_key for r in new_day.run_requests] == ["2026-10-31"]
    assert new_day.cursor == "2026-10-31"
    assert landed_days(landing) == ["2026-10-29", "2026-10-30", "2026-10-31"]


def _published_reconciliation(data_dir: Path, days: list[str]) -> None:
    """A published copy whose load reconciliation lists `days` (what a successful run leaves)."""
    import duckdb

    (data_dir / "published").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(data_dir / "published" / "warehouse.duckdb"))
    try:
        con.execute("create schema quarantine")
        con.execute("create table quarantine.rpt_load_reconciliation (feed varchar, delivered_dt date, files bigint)")
        for day in days:
            con.execute("insert into quarantine.rpt_load_reconciliation values ('reports', ?, 1)", [day])
    finally:
        con.close()


def test_delivery_sensor_skips_the_days_the_warehouse_has_processed(tmp_path, monkeypatch):
    """A fresh sensor (no cursor) after a run that processed 29 and 30 October asks only for the 31st;
    with every landed day processed it asks for nothing."""
    monkeypatch.setenv("INTEGRITY_DATA_DIR", str(tmp_path))
    sensor = REPO.get_sensor_def("new_delivery_day")
    for day in ("2026-10-29", "2026-10-30", "2026-10-31"):
        _deliver(tmp_path / "landing", "reports", day)
    _published_reconciliation(tmp_path, ["2026-10-29", "2026-10-30"])
    tick = sensor.evaluate_tick(dg.build_sensor_context(repository_def=REPO))
    assert [r.partition_key for r in tick.run_requests] == ["2026-10-31"]
    assert tick.cursor == "2026-10-31"

    (tmp_path / "published" / "warehouse.duckdb").unlink()
    _published_reconciliation(tmp_path, ["2026-10-29", "2026-10-30", "2026-10-31"])
    done = sensor.evaluate_tick(dg.build_sensor_context(repository_def=REPO))
    assert not done.run_requests
    assert "processed" in (done.skip_message or "")


def test_opening_the_ui_after_a_full_run_queues_nothing(xs_data_dir, tmp_path, monkeypatch):
    """The real case: publish the xs build (every landed day processed) and start the sensor afresh."""
    from orchestration.paths import data_paths
    from orchestration.publish import publish

    (tmp_path / "landing").symlink_to(xs_data_dir / "landing")
    (tmp_path / "warehouse.duckdb").symlink_to(xs_data_dir / "warehouse.duckdb")
    monkeypatch.setenv("INTEGRITY_DATA_DIR", str(tmp_path))
    publish(data_paths())
    assert landed_days(tmp_path / "landing"), "the xs landing zone has delivery days"
    tick = REPO.get_sensor_def("new_delivery_day").evaluate_tick(dg.build_sensor_context(repository_def=REPO))
    assert not tick.run_requests, [r.run_key for r in tick.run_requests]
