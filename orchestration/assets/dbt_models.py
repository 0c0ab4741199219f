"""Every dbt node as a Dagster asset, through dagster-dbt.

Keys are `<schema>/<model>` (raw/<table> for sources, staging/..., quarantine/..., intermediate/...,
marts/..., reference/<seed>); groups are the layers; owners come from the model's
`meta.owner` (or `meta.dagster.owners`), else from its layer; descriptions are the dbt docs.
dbt data tests become asset checks: an `error`-severity test is blocking, so a failure stops
everything downstream (dbt build skips the children, Dagster skips later steps and the publish).

Two definitions: reference seeds (unpartitioned: people edit them, they have no delivery day)
and every model (daily partitions by delivery day, the window passed to dbt as vars, a backfill
of a range as one dbt run).
"""

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
from dagster_dbt.dbt_project import using_dagster_dev

from orchestration.assets.partitions import daily_partitions, window_vars
from orchestration.resources import WarehouseResource, dbt_cli, dbt_project

log = logging.getLogger(__name__)

LAYER_OWNERS: Mapping[str, str] = {
    "raw": "team:data-platform",
    "staging": "team:data-platform",
    "quarantine": "team:data-platform",
    "intermediate": "team:analytics-engineering",
    "marts": "team:analytics-engineering",
    "reference": "team:trust-and-safety-policy",
}
DEFAULT_OWNER = "team:analytics-engineering"


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
        owners = (meta.get("dagster") or {}).get("owners") or meta.get("owners")
        if not owners and meta.get("owner"):
            owners = [meta["owner"]]
        if owners:
            return [o if "@" in o or o.startswith("team:") else f"team:{o}" for o in owners]
        return [LAYER_OWNERS.get(_layer(dbt_resource_props), DEFAULT_OWNER)]

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


TRANSLATOR = IntegrityDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def _sources_newer_than(manifest: Path, project_dir: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for sub in ("models", "seeds", "macros", "snapshots", "tests", "analyses"):
        root = project_dir / sub
        if root.is_dir() and any(
            p.stat().st_mtime > built
            for p in root.rglob("*")
            if p.suffix in {".sql", ".yml", ".yaml", ".csv", ".md"}
        ):
            return True
    return any(
        (project_dir / name).exists() and (project_dir / name).stat().st_mtime > built
        for name in ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")
    )


def prepared_project() -> DbtProject:
    """The dbt project with an up-to-date manifest.json (`dbt parse` when the project changed).

    `dagster dev` re-parses on every load (prepare_if_dev); outside it we parse only when a model,
    seed, macro or the project file is newer than the manifest, so loading stays fast.
    If parsing fails (someone's model is broken) an existing manifest is used, with a warning.
    """
    project = dbt_project()
    if using_dagster_dev() or _sources_newer_than(project.manifest_path, project.project_dir):
        try:
            dbt_cli(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()
        except Exception as exc:  # keep the last good manifest so the UI still loads
            if not project.manifest_path.exists():
                raise
            log.warning("dbt parse failed; using the previous manifest.json: %s", exc)
    return project


PROJECT = prepared_project()
MANIFEST: dict[str, Any] = json.loads(PROJECT.manifest_path.read_text())
HAS_SEEDS = any(n.get("resource_type") == "seed" for n in MANIFEST.get("nodes", {}).values())
HAS_MODELS = any(n.get("resource_type") in ("model", "snapshot") for n in MANIFEST.get("nodes", {}).values())


class DbtRunConfig(dg.Config):
    full_refresh: bool = False
    """Rebuild incremental models from scratch (`dbt build --full-refresh`)."""


def _known_node_events(context: AssetExecutionContext, invocation: DbtCliInvocation):
    """dagster-dbt's asset events, skipping nodes the loaded manifest does not know.

    dbt re-parses the project when it runs; a model or test added since the definitions loaded
    would otherwise fail the whole step. It is built, and reported once the definitions reload.
    """
    known = set(invocation.manifest.get("nodes", {})) | set(invocation.manifest.get("unit_tests", {}))
    warned: set[str] = set()
    for raw in invocation.stream_raw_events():
        unique_id = ((raw.raw_event.get("data") or {}).get("node_info") or {}).get("unique_id")
        if unique_id and unique_id.split(".")[0] in NODE_TYPES and unique_id not in known:
            if unique_id not in warned:
                warned.add(unique_id)
                context.log.warning(f"dbt ran {unique_id}, unknown to the loaded definitions: reload them")
            continue
        yield from raw.to_default_asset_events(
            manifest=invocation.manifest,
            dagster_dbt_translator=invocation.dagster_dbt_translator,
            context=invocation.context,
            target_path=invocation.target_path,
            project=invocation.project,
        )


NODE_TYPES = frozenset({"model", "seed", "snapshot", "test", "unit_test"})


def _stream(context: AssetExecutionContext, dbt: DbtCliResource, args: list[str]):
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    failed: list[str] = []
    for event in _known_node_events(context, invocation):
        if isinstance(event, dg.Output | dg.AssetMaterialization | dg.MaterializeResult):
            key = getattr(event, "asset_key", None) or getattr(event, "output_name", "")
            context.log.info(f"dbt built {key.to_user_string() if isinstance(key, dg.AssetKey) else key}")
        elif isinstance(event, dg.AssetCheckResult) and not event.passed:
            failed.append(f"{event.asset_key.to_user_string()}:{event.check_name}")
            context.log.warning(f"dbt test failed: {event.asset_key.to_user_string()} {event.check_name}")
        yield event
    if not invocation.is_successful():
        summary = ", ".join(failed[:10]) or "see the dbt log"
        raise dg.Failure(
            description=f"dbt {' '.join(args[:1])} failed: {summary}. Downstream assets and the publish were skipped.",
            metadata={
                "failed_tests": dg.MetadataValue.json(failed),
                "dbt_target": str(invocation.target_path),
            },
        )


def _dbt_args(command: str, vars_: Mapping[str, str], full_refresh: bool) -> list[str]:
    args = [command, "--vars", json.dumps(dict(vars_))]
    if full_refresh:
        args.append("--full-refresh")
    return args


dbt_definitions: list[dg.AssetsDefinition] = []

if HAS_SEEDS:

    @dbt_assets(
        manifest=MANIFEST,
        project=PROJECT,
        dagster_dbt_translator=TRANSLATOR,
        select="resource_type:seed",
        name="dbt_reference_seeds",
    )
    def dbt_reference_seeds(
        context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ):
        """Reference seeds (policies, SLA targets, countries, ...) and their tests."""
        warehouse.export_env()
        with warehouse.writer_lock():
            yield from _stream(context, dbt, _dbt_args("build", {}, full_refresh=False))

    dbt_definitions.append(dbt_reference_seeds)

if HAS_MODELS:

    @dbt_assets(
        manifest=MANIFEST,
        project=PROJECT,
        dagster_dbt_translator=TRANSLATOR,
        exclude="resource_type:seed",
        name="dbt_models",
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def dbt_models(
        context: AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        config: DbtRunConfig,
    ):
        """Every dbt model: staging, quarantine, intermediate, marts, with their tests as checks."""
        vars_ = window_vars(context)
        context.log.info(f"dbt window {vars_} full_refresh={config.full_refresh}")
        warehouse.export_env()
        with warehouse.writer_lock():
            yield from _stream(context, dbt, _dbt_args("build", vars_, config.full_refresh))

    dbt_definitions.append(dbt_models)


def dbt_key(name: str) -> dg.AssetKey | None:
    """The asset key of a dbt node by name (None when the model does not exist yet)."""
    for node in MANIFEST.get("nodes", {}).values():
        if node.get("name") == name and node.get("resource_type") in ("model", "seed", "snapshot"):
            return TRANSLATOR.get_asset_key(node)
    return None


def keys_in_layers(*layers: str) -> list[dg.AssetKey]:
    return [
        TRANSLATOR.get_asset_key(node)
        for node in MANIFEST.get("nodes", {}).values()
        if node.get("resource_type") in ("model", "seed", "snapshot") and _layer(node) in layers
    ]
