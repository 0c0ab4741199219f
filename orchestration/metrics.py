"""`integrity metrics`: the MetricFlow semantic layer (models/semantic/), queried in-process against
the published copy through the read-only `published` dbt target (profiles.yml).

    integrity metrics list [--search TEXT]
    integrity metrics query --metrics sla_compliance --group-by metric_time__month [--where ...]
                            [--order ...] [--limit N] [--start-time D] [--end-time D] [--csv FILE] [--explain]
    integrity metrics validate [--skip-dw]      # what `mf validate-configs` checks, in-process

MetricFlow reads the semantic manifest dbt writes at parse time (`semantic_manifest.json` in dbt's
target path: $DBT_TARGET_PATH, else ./target); when it is missing, this runs `dbt parse` (through
orchestration.dbt.run_dbt) with the published target, which writes it. Nothing here starts a
subprocess: MetricFlow's own loader (dbt_metricflow) runs an in-process `dbt debug` to load the
profile and register the DuckDB adapter, then the engine renders SQL and runs it on that adapter.

The published target is an in-memory DuckDB with the published file attached read-only as
`warehouse`: queries never write to it, never take its write lock, and run while other readers
hold it open. Figures are the marts' own sums and counts; confidence intervals are not sums and
are read from the marts (fct_spam_prevalence_rollup and friends), never from derived metrics.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import difflib
import io
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, DataPaths, data_paths, environment

PUBLISHED_TARGET = "published"
SEMANTIC_MANIFEST = "semantic_manifest.json"


def target_dir() -> Path:
    """dbt's target path, as dbt resolves it: $DBT_TARGET_PATH (relative to the project), else target/."""
    given = os.environ.get("DBT_TARGET_PATH")
    path = Path(given).expanduser() if given else Path("target")
    return path if path.is_absolute() else PROJECT_DIR / path


def semantic_manifest_path() -> Path:
    return target_dir() / SEMANTIC_MANIFEST


def ensure_semantic_manifest(paths: DataPaths, *, reparse: bool = False) -> Path:
    """The semantic manifest, written by `dbt parse` (published target) when missing or asked for."""
    manifest = semantic_manifest_path()
    if reparse or not manifest.exists():
        from orchestration.dbt import run_dbt

        run_dbt(["parse", "--quiet", "--target", PUBLISHED_TARGET], paths, capture=True, check=True)
        if not manifest.exists():
            raise UserError(f"`dbt parse` wrote no semantic manifest at {manifest}")
    return manifest


def _quiet_loggers() -> None:
    for name in ("metricflow", "metricflow_semantics", "dbt_metricflow", "metricflow_semantic_interfaces"):
        logging.getLogger(name).setLevel(logging.WARNING)


@dataclass
class SemanticLayer:
    """A MetricFlow engine on the published copy, and the semantic manifest it was built from."""

    engine: Any
    manifest: Any
    sql_client: Any
    paths: DataPaths

    def metric_names(self) -> list[str]:
        return sorted(m.name for m in self.manifest.metrics)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.sql_client.close()


def open_semantic_layer(paths: DataPaths | None = None, *, reparse: bool = False) -> SemanticLayer:
    """Load the semantic manifest and connect MetricFlow to the published copy (read-only)."""
    paths = paths or data_paths()
    if not paths.published.exists():
        raise UserError(
            f"nothing published yet at {paths.published}: run `integrity run` (or publish after `integrity build`)"
        )
    manifest_path = ensure_semantic_manifest(paths, reparse=reparse)
    _quiet_loggers()
    from dbt.adapters.factory import get_adapter_by_type
    from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
    from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtProjectMetadata
    from metricflow.engine.metricflow_engine import MetricFlowEngine
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    try:
        manifest = parse_manifest_from_dbt_generated_manifest(
            manifest_json_string=manifest_path.read_text(encoding="utf-8")
        )
    except Exception as exc:  # a stale or foreign manifest: say which file
        raise UserError(f"cannot read the semantic manifest {manifest_path}: {exc}") from exc
    profiles_dir = Path(os.environ.get("DBT_PROFILES_DIR") or PROJECT_DIR)
    # The profile's default target follows DBT_TARGET (profiles.yml); MetricFlow's loader reads it.
    with environment({"DBT_TARGET": PUBLISHED_TARGET, "INTEGRITY_DATA_DIR": str(paths.root)}):
        try:
            metadata = dbtProjectMetadata.load_from_paths(profiles_path=profiles_dir, project_path=PROJECT_DIR)
        except Exception as exc:
            cause = exc.__cause__ or exc
            raise UserError(f"cannot open the published copy through the `published` dbt target: {cause}") from exc
    if metadata.profile.target_name != PUBLISHED_TARGET:
        raise UserError(
            f"the dbt profile resolved target {metadata.profile.target_name!r}, not {PUBLISHED_TARGET!r}: "
            f"profiles.yml must take its default target from DBT_TARGET"
        )
    sql_client = AdapterBackedSqlClient(get_adapter_by_type(metadata.profile.credentials.type))
    engine = MetricFlowEngine(semantic_manifest_lookup=SemanticManifestLookup(manifest), sql_client=sql_client)
    return SemanticLayer(engine=engine, manifest=manifest, sql_client=sql_client, paths=paths)


def _split(values: Sequence[str] | str | None) -> list[str]:
    if not values:
        return []
    items = [values] if isinstance(values, str) else list(values)
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def _check_metrics(layer: SemanticLayer, wanted: list[str]) -> None:
    known = layer.metric_names()
    for name in wanted:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; `integrity metrics list` shows them"
            raise UserError(f"unknown metric {name!r}{hint}")


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:600] + ("..." if len(text) > 600 else "")


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    sql: str | None = None


def query(
    layer: SemanticLayer,
    metrics: Sequence[str],
    group_by: Sequence[str] = (),
    *,
    where: Sequence[str] = (),
    order: Sequence[str] = (),
    limit: int | None = None,
    start_time: datetime | None = None,
    end_time: datetime | None = None,
    explain: bool = False,
) -> QueryResult:
    """Run a MetricFlow query (or only render its SQL with `explain`); raise UserError on bad input."""
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    metric_names = _split(metrics)
    if not metric_names:
        raise UserError("no metric given: --metrics NAME[,NAME...] (see `integrity metrics list`)")
    _check_metrics(layer, metric_names)
    request = MetricFlowQueryRequest.create(
        metric_names=metric_names,
        group_by_names=_split(group_by) or None,
        limit=limit,
        time_constraint_start=start_time,
        time_constraint_end=end_time,
        where_constraints=list(where) or None,
        # rows in the order of the group-by unless told otherwise, so periods read top to bottom
        order_by_names=_split(order) or _split(group_by) or None,
    )
    try:
        if explain:
            explained = layer.engine.explain(mf_request=request)
            return QueryResult(columns=[], rows=[], sql=explained.sql_statement.without_descriptions.sql)
        result = layer.engine.query(mf_request=request)
    except UserError:
        raise
    except Exception as exc:  # MetricFlow's query errors: unknown group-by, bad filter, ...
        raise UserError(f"MetricFlow could not run the query: {_first_line(exc)}") from exc
    df = result.result_df
    return QueryResult(columns=list(df.column_names), rows=[tuple(r) for r in df.rows])


def _format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.8f}".rstrip("0").rstrip(".") if value == value else "nan"
    return str(value)


def format_table(result: QueryResult) -> str:
    cells = [[_format_value(v) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def write_csv(result: QueryResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(result.columns)
        writer.writerows([[_format_value(v) for v in row] for row in result.rows])


def list_metrics(layer: SemanticLayer, search: str | None = None) -> list[tuple[str, str, str, list[str]]]:
    """(name, type, description, dimensions) of every metric, optionally filtered by `search`."""
    by_name = {m.name: m for m in layer.manifest.metrics}
    out = []
    for item in layer.engine.list_metrics():
        if search and search.lower() not in item.name.lower():
            continue
        metric = by_name.get(item.name)
        kind = str(getattr(getattr(metric, "type", None), "value", getattr(metric, "type", "")))
        description = " ".join((item.description or "").split())
        dims = sorted({d.granularity_free_dunder_name for d in item.dimensions})
        out.append((item.name, kind, description, dims))
    return sorted(out)


def validate(layer: SemanticLayer | None, manifest_path: Path, *, skip_dw: bool = False) -> list[str]:
    """The checks of `mf validate-configs`: semantic validation of the manifest, then (unless
    skip_dw) the data-warehouse validations on the published copy. Returns the blocking issues."""
    from dbt_metricflow.cli.validation_result_formatter import ValidationResultFormatter
    from metricflow.validation.data_warehouse_model_validator import DataWarehouseModelValidator
    from metricflow_semantic_interfaces.validations.semantic_manifest_validator import (
        SemanticManifestValidator,
    )
    from metricflow_semantic_interfaces.validations.validator_helpers import SemanticManifestValidationResults
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest

    manifest = parse_manifest_from_dbt_generated_manifest(manifest_json_string=manifest_path.read_text("utf-8"))
    results = [SemanticManifestValidator().validate_semantic_manifest(manifest)]
    if not skip_dw and layer is not None and not results[0].has_blocking_issues:
        dw = DataWarehouseModelValidator(sql_client=layer.sql_client)
        results += [
            dw.validate_semantic_models(manifest),
            dw.validate_dimensions(manifest),
            dw.validate_entities(manifest),
            dw.validate_simple_metrics(manifest),
            dw.validate_metrics(manifest),
        ]
    merged = SemanticManifestValidationResults.merge(results)
    return [ValidationResultFormatter.format_validation_issue(i, verbose=False) for i in merged.errors]


# --- CLI ----------------------------------------------------------------------------------------
def _datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or time: {text!r}") from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="data dir holding published/ (default $INTEGRITY_DATA_DIR)")
    parser.add_argument(
        "--reparse", action="store_true", help="run `dbt parse` first (after editing models/semantic/)"
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="the metrics, their type, description and dimensions")
    listing.add_argument("--search", help="only metrics whose name contains this text")
    listing.add_argument("--dimensions", action="store_true", help="also list each metric's dimensions")
    q = sub.add_parser("query", help="query metrics from the published copy")
    q.add_argument("--metrics", required=True, help="comma-separated metric names")
    q.add_argument("--group-by", default="", help="comma-separated, e.g. metric_time__month,report__queue")
    q.add_argument(
        "--where", action="append", default=[],
        help="a filter, e.g. \"{{ Dimension('report__reporter_type') }} = 'user'\" (repeatable)",
    )
    q.add_argument("--order", default="", help="comma-separated; prefix - for descending, e.g. -metric_time")
    q.add_argument("--limit", type=int)
    q.add_argument("--start-time", type=_datetime, help="metric_time from (ISO date)")
    q.add_argument("--end-time", type=_datetime, help="metric_time up to (ISO date)")
    q.add_argument("--csv", type=Path, help="write the rows to this CSV file instead of printing them")
    q.add_argument("--explain", action="store_true", help="print the SQL instead of running it")
    v = sub.add_parser("validate", help="the checks of `mf validate-configs` (semantic and warehouse)")
    v.add_argument("--skip-dw", action="store_true", help="skip the checks against the published copy")


def run(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir) if args.data_dir else data_paths()
    if args.action == "validate" and args.skip_dw:
        manifest_path = ensure_semantic_manifest(paths, reparse=args.reparse)
        return _report_validation(validate(None, manifest_path, skip_dw=True), manifest_path)
    layer = open_semantic_layer(paths, reparse=args.reparse)
    try:
        if args.action == "list":
            for name, kind, description, dims in list_metrics(layer, args.search):
                print(f"{name} ({kind}): {description}")
                if args.dimensions:
                    print(f"    dimensions: {', '.join(dims)}")
            return 0
        if args.action == "validate":
            return _report_validation(validate(layer, semantic_manifest_path()), semantic_manifest_path())
        result = query(
            layer, [args.metrics], [args.group_by], where=args.where, order=[args.order], limit=args.limit,
            start_time=args.start_time, end_time=args.end_time, explain=args.explain,
        )
    finally:
        layer.close()
    if result.sql is not None:
        print(result.sql)
    elif args.csv:
        write_csv(result, args.csv)
        print(f"wrote {len(result.rows)} rows to {args.csv}")
    elif not result.rows:
        print("(no rows)")
    else:
        print(format_table(result))
    return 0


def _report_validation(errors: list[str], manifest_path: Path) -> int:
    if errors:
        buffer = io.StringIO()
        for line in errors:
            print(f"- {line}", file=buffer)
        print(buffer.getvalue(), end="")
        raise UserError(f"{len(errors)} blocking issue(s) in the semantic layer ({manifest_path})")
    print(f"semantic layer valid ({manifest_path})")
    return 0
