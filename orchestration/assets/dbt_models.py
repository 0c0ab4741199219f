"""Every dbt node as a Dagster asset, through dagster-dbt.

Keys are `<schema>/<model>` (raw/<table> for sources, staging/..., quarantine/..., intermediate/...,
marts/..., dsa/..., reference/<seed>); Dagster groups are the layers; owners come from the dbt
group each folder belongs to (models/_groups.yml, set per folder in dbt_project.yml), or a
model's `meta.dagster.owners`; descriptions are the dbt docs. Every dbt data test is an asset
check (singular tests name their model with `meta.dagster.ref`): an `error`-severity test is
blocking, so a failure stops everything downstream (dbt build skips the children, Dagster skips
later steps and the publish).

Two definitions over one manifest, which is prepared before the definitions load
(`orchestration.dbt.prepare`; loading never runs dbt):
* `dbt_models`: the reference seeds and every model except the DSA period's, in one dbt
  invocation (a dbt process costs seconds to start), unpartitioned (seeds have no delivery day,
  and each table covers every event day); the run's delivery days (its partition or range, from the partitioned loader) are
  passed to dbt as the window, in the environment (macro run_window), a range as one dbt run;
  dbt's unit tests are left to `make test` and `integrity build` (they test the SQL, which a
  scheduled run does not change), the data tests run as asset checks;
* `dbt_dsa_period`: `dsa_report_period` and everything built on it, for the reporting period in
  its run config, built when a report is filed (jobs `dsa_report`, `dsa_period`), not by the
  daily run: without a period it takes the one holding the latest action.
"""

import gc
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
    get_asset_key_for_model,
)

from orchestration.assets.partitions import window_env, window_vars
from orchestration.dbt import dbt_project, dbt_target_path
from orchestration.engine import current_engine
from orchestration.errors import UserError
from orchestration.paths import environment
from orchestration.resources import WarehouseResource

# The DSA period's models: the period row and everything built on it.
DSA_PERIOD_SELECT = "dsa_report_period+"


def _layer(props: Mapping[str, Any]) -> str:
    """The schema the node's relation lives in (dbt_project.yml sets it per folder): raw for
    sources, staging, quarantine, intermediate, rules, marts, dsa, sandbox, reference."""
    if props.get("resource_type") == "source":
        return "raw"
    return str(props.get("schema") or "other")


class IntegrityDbtTranslator(DagsterDbtTranslator):
    """Clear keys (schema/name), groups by layer, owners, descriptions from the dbt docs."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props.get("resource_type") == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        return dg.AssetKey([_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return _layer(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str] | None:
        meta = (dbt_resource_props.get("config") or {}).get("meta") or dbt_resource_props.get("meta") or {}
        owners = (meta.get("dagster") or {}).get("owners")
        if owners:
            return list(owners)
        group = dbt_resource_props.get("group") or {}
        if not isinstance(group, Mapping):  # the group's name; dagster-dbt may pass the group itself
            group = GROUPS.get(str(group), {})
        owner = group.get("owner") or {}
        if owner.get("email"):
            return [owner["email"]]
        if owner.get("name"):
            return [f"team:{owner['name']}"]
        return None

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        description = (dbt_resource_props.get("description") or "").strip()
        if description:
            return description
        return f"dbt {dbt_resource_props.get('resource_type', 'node')} `{dbt_resource_props['name']}` (not documented yet)."

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        tags = dict(super().get_tags(dbt_resource_props))
        materialized = (dbt_resource_props.get("config") or {}).get("materialized")
        if materialized:
            tags["materialized"] = str(materialized)
        return tags


TRANSLATOR = IntegrityDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
)


def _load_manifest() -> tuple[Any, dict[str, Any]]:
    project = dbt_project()
    if not project.manifest_path.exists():
        raise UserError(
            f"no dbt manifest at {project.manifest_path}: prepare the project first "
            "(`integrity run`, `build` and `ui` do it; or `make install`, or "
            "`dagster-dbt project prepare-and-package --file orchestration/project.py`)"
        )
    return project, json.loads(project.manifest_path.read_text())


PROJECT, MANIFEST = _load_manifest()
GROUPS: dict[str, dict[str, Any]] = {g["name"]: g for g in MANIFEST.get("groups", {}).values()}
HAS_MODELS = any(n.get("resource_type") in ("model", "snapshot") for n in MANIFEST.get("nodes", {}).values())
HAS_DSA_PERIOD = any(
    n.get("resource_type") == "model" and n.get("name") == "dsa_report_period"
    for n in MANIFEST.get("nodes", {}).values()
)


class DbtRunConfig(dg.Config):
    full_refresh: bool = False
    """Rebuild incremental models from scratch (`dbt build --full-refresh`)."""


def _stream(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    args: list[str],
    env: Mapping[str, str] | None = None,
    warehouse: Path | None = None,
):
    """dbt's events as Dagster events, with each table's row count; when dbt fails, what dbt said
    (the failing node and its error) becomes the step's failure. `env`: variables the dbt process
    gets on top of this one's (they are not left behind in this process)."""
    # One target folder per dbt step, reused run after run (runs hold the writer lock, so never two
    # at once): dbt parses partially when it can, and the target path does not grow a folder a run.
    target = dbt_target_path() / f"dagster-{context.op_execution_context.op.name}"
    with environment(env or {}):  # dagster-dbt starts dbt with a copy of os.environ
        invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=target)
    failed: list[str] = []
    try:
        # DuckDB allows one process on the file while dbt writes it: the events wait for dbt to
        # exit, then every table's row count comes from one short-lived read-only connection
        # (dagster-dbt's fetch_row_counts opens a dbt adapter connection per table: seconds a run).
        events = list(invocation.stream())
        counts = _row_counts(invocation.manifest, events, warehouse)
        if not counts and invocation.is_successful() and any(_unique_id(e) for e in events):
            context.log.warning("row counts could not be read from the warehouse; events carry none")
        for event in events:
            if isinstance(event, dg.AssetCheckResult | dg.AssetCheckEvaluation) and not event.passed:
                failed.append(f"{event.asset_key.to_user_string()}:{event.check_name}")
            unique_id = _unique_id(event)
            if unique_id in counts:
                event = event.with_metadata(
                    {
                        **event.metadata,
                        "dagster/row_count": dg.MetadataValue.int(counts[unique_id]),
                        "dagster/storage_kind": dg.MetadataValue.text(current_engine()),
                    }
                )
            yield event
    finally:
        # dagster-dbt opens a dbt adapter in this process for every invocation: close its
        # connections, or this process could keep the warehouse file open (DuckDB allows one
        # process, one configuration) for the loader and publish steps after it.
        _close_adapter(invocation.adapter)
    if not invocation.is_successful():
        error = invocation.get_error()
        said = [line for line in str(getattr(error, "description", "") or error).splitlines() if line.strip()]
        marker = "Errors parsed from dbt logs:"
        said = said[said.index(marker) + 1 :] if marker in said else said[-20:]
        raise dg.Failure(
            description=f"dbt {args[0]} failed; downstream assets and the publish were skipped.\n"
            + "\n".join(said[:40]),
            metadata={
                "failed_tests": dg.MetadataValue.json(failed),
                "dbt_target": str(invocation.target_path),
            },
        )


def _unique_id(event: Any) -> str | None:
    if not isinstance(event, dg.Output | dg.AssetMaterialization):
        return None
    value = event.metadata.get("unique_id")
    return getattr(value, "text", value) if value is not None else None


def _row_counts(manifest: Mapping[str, Any], events: list[Any], warehouse: Path | None) -> dict[str, int]:
    """Rows of every table (not view) the events materialized, by dbt unique id, in one query."""
    relations: dict[str, str] = {}
    for event in events:
        unique_id = _unique_id(event)
        node = manifest.get("nodes", {}).get(unique_id or "")
        if node and node.get("config", {}).get("materialized") != "view" and node.get("relation_name"):
            relations[unique_id] = node["relation_name"]
    if not relations or warehouse is None:
        return {}
    ids = sorted(relations)
    if current_engine() == "spark":
        # a Spark build's tables are Parquet files beside the warehouse path, read in place
        from orchestration.spark_tables import spark_relation

        nodes = manifest.get("nodes", {})
        relations = {
            u: spark_relation(warehouse.parent, nodes[u]["schema"], nodes[u].get("alias") or nodes[u]["name"])
            for u in ids
        }
        database = ":memory:"
    elif warehouse.exists():
        database = str(warehouse)
    else:
        return {}
    sql = " union all ".join(
        f"select {i} as n, count(*) as rows from {relations[u]}" for i, u in enumerate(ids)
    )
    try:
        con = duckdb.connect(database, read_only=database != ":memory:")
    except duckdb.Error:
        return {}
    try:
        rows = con.execute(sql).fetchall()
    except duckdb.Error:  # a table dbt reported but no longer there: no counts, never a failed step
        return {}
    finally:
        con.close()
    return {ids[n]: int(count) for n, count in rows}


def _close_adapter(adapter: Any) -> None:
    if adapter is None:
        return
    adapter.cleanup_connections()
    # dbt-duckdb keeps one database handle per process until its environment is dropped.
    close_all = getattr(type(adapter.connections), "close_all_connections", None)
    if close_all is not None:
        close_all()
    gc.collect()


def _dbt_args(command: str, vars_: Mapping[str, str], full_refresh: bool) -> list[str]:
    args = [command, "--vars", json.dumps(dict(vars_))]
    if full_refresh:
        args.append("--full-refresh")
    return args


class DsaPeriodConfig(dg.Config):
    period: str = ""
    """The reporting period (`2026`, `2026-H1` or `2026-01-01/2026-06-30`); empty: the period
    holding the latest decided action (a year, or a half-year for a VLOP)."""
    provider_type: str = ""
    """online_platform or vlop; empty: the dbt var provider_type."""


def dsa_period_vars(config: DsaPeriodConfig) -> dict[str, str]:
    from orchestration.dsa.period import parse_period

    vars_: dict[str, str] = {}
    if config.period.strip():
        vars_.update(parse_period(config.period).dbt_vars())
    if config.provider_type.strip():
        vars_["provider_type"] = config.provider_type.strip()
    return vars_


@dbt_assets(
    manifest=MANIFEST,
    project=PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    exclude=DSA_PERIOD_SELECT if HAS_DSA_PERIOD else None,
    name="dbt_models",
)
def dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtRunConfig,
):
    """The reference seeds and every dbt model (staging, quarantine, intermediate, marts), with
    their tests as checks, in one dbt invocation (each costs seconds to start)."""
    window = window_vars(context)
    context.log.info(f"dbt window {window} full_refresh={config.full_refresh}")
    warehouse.export_env()
    args = [*_dbt_args("build", {}, config.full_refresh), "--exclude-resource-type", "unit_test"]
    with warehouse.writer_lock():
        yield from _stream(context, dbt, args, env=window_env(window), warehouse=warehouse.paths.warehouse)


dbt_definitions: list[dg.AssetsDefinition] = [dbt_models]

if HAS_DSA_PERIOD:

    @dbt_assets(
        manifest=MANIFEST,
        project=PROJECT,
        dagster_dbt_translator=TRANSLATOR,
        select=DSA_PERIOD_SELECT,
        name="dbt_dsa_period",
    )
    def dbt_dsa_period(
        context: AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        config: DsaPeriodConfig,
    ):
        """The DSA transparency report's models for one reporting period (run config `period`)."""
        vars_ = dsa_period_vars(config)
        context.log.info(f"dsa period vars {vars_ or '(default: the period of the latest action)'}")
        warehouse.export_env()
        with warehouse.writer_lock():
            yield from _stream(
                context,
                dbt,
                _dbt_args("build", vars_, full_refresh=False),
                warehouse=warehouse.paths.warehouse,
            )

    dbt_definitions.append(dbt_dsa_period)


def dbt_key(name: str) -> dg.AssetKey:
    """The asset key of a dbt model, seed or snapshot by name (dagster-dbt looks it up in the
    manifest the definitions share)."""
    return get_asset_key_for_model([dbt_models], name)


def keys_in_layers(*layers: str) -> list[dg.AssetKey]:
    """The dbt assets of the given layers (their Dagster groups: marts, reference, ...)."""
    return sorted(
        (key for d in dbt_definitions for key, group in d.group_names_by_key.items() if group in layers),
        key=lambda k: k.to_user_string(),
    )


def dsa_period_keys() -> list[dg.AssetKey]:
    """The DSA period's assets (what the report job rebuilds for its period)."""
    return sorted(dbt_dsa_period.keys, key=lambda k: k.to_user_string()) if HAS_DSA_PERIOD else []
