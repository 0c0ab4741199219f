"""The docs site: every column the catalog shows is described, and the site shows no key.

* Columns: what `dbt docs generate` puts in the catalog is what the built warehouse holds
  (information_schema of the DuckDB file, opened read-only), and the raw zone's files hold the
  columns the loader writes (orchestration/ingest.py); every column of every relation dbt builds
  or reads (models, seeds, snapshots, sources) needs a non-empty description in the manifest,
  written in the yml beside the model (or a docs block it points to).
* Site: `integrity docs` on a copy of the test warehouse, with a known key in
  INTEGRITY_PSEUDONYM_KEY: one static file, no compiled SQL, neither that key nor the built-in
  development key anywhere in it, and the main manifest left alone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from helpers_warehouse import built_manifest_path

from orchestration.docs import build_docs, development_key, docs_site_path
from orchestration.ingest import LEDGER_SCHEMA, raw_zone_schema
from orchestration.paths import data_paths

CATALOGUED = ("model", "seed", "snapshot", "source")


def _relation(node: dict) -> tuple[str, str]:
    name = node["identifier"] if node["resource_type"] == "source" else (node.get("alias") or node["name"])
    return node["schema"].lower(), name.lower()


def undescribed_columns(manifest: dict, warehouse: Path) -> dict[str, list[str]]:
    """unique_id -> the warehouse columns of its relation that have no description, in table order."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() order by table_schema, table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        columns.setdefault((schema.lower(), table.lower()), []).append(column.lower())
    gaps: dict[str, list[str]] = {}
    for node in [*manifest["nodes"].values(), *manifest["sources"].values()]:
        if node["resource_type"] not in CATALOGUED:
            continue
        if node["resource_type"] == "source":  # raw-zone files: the loader's columns
            schema = LEDGER_SCHEMA if node["name"] == "_files" else raw_zone_schema(node["name"])
            columns[_relation(node)] = [f.name for f in schema]
        described = {
            name.lower() for name, spec in node.get("columns", {}).items() if (spec.get("description") or "").strip()
        }
        missing = [c for c in columns.get(_relation(node), []) if c not in described]
        if missing:
            gaps[node["unique_id"]] = missing
    return gaps


def test_every_catalog_column_is_described(xs_data_dir: Path) -> None:
    manifest = json.loads(built_manifest_path().read_text(encoding="utf-8"))
    warehouse = data_paths(xs_data_dir).warehouse
    gaps = undescribed_columns(manifest, warehouse)
    total = sum(len(v) for v in gaps.values())
    assert not gaps, (
        f"{total} columns in {len(gaps)} relations have no description (add them to the yml beside the "
        "model, or a docs block):\n"
        + "\n".join(f"  {uid} ({len(cols)}): {', '.join(cols)}" for uid, cols in sorted(gaps.items()))
    )


def test_the_check_sees_the_warehouse(xs_data_dir: Path) -> None:
    """The gap check matches manifest relations to warehouse tables (else it would pass on nothing)."""
    manifest = json.loads(built_manifest_path().read_text(encoding="utf-8"))
    stripped = json.loads(json.dumps(manifest))
    node = stripped["nodes"]["model.integrity.stg_platform__reports"]
    node["columns"]["report_id"]["description"] = ""
    stripped["sources"]["source.integrity.platform.moderators"]["columns"].pop("vendor")
    gaps = undescribed_columns(stripped, data_paths(xs_data_dir).warehouse)
    assert gaps == {
        "model.integrity.stg_platform__reports": ["report_id"],
        "source.integrity.platform.moderators": ["vendor"],
    }


def test_docs_site_is_one_file_without_compiled_sql_or_key(
    xs_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built_manifest = built_manifest_path()
    before = built_manifest.stat().st_mtime_ns
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(data_paths(xs_data_dir).warehouse, data / "warehouse.duckdb")
    key = "test-docs-key-3f9c1e77b2a04d5e"
    monkeypatch.setenv("INTEGRITY_PSEUDONYM_KEY", key)

    result = build_docs(data_paths(data), target=tmp_path / "docs-target")

    site = docs_site_path(data_paths(data))
    assert result.index == site == data / "docs" / "index.html"
    assert sorted(p.name for p in site.parent.iterdir()) == ["index.html"]
    html = site.read_text(encoding="utf-8")
    assert key not in html
    assert development_key() not in html
    # dbt's own artifacts name the development key (the macro's source): the site redacts it
    assert development_key() in (tmp_path / "docs-target" / "manifest.json").read_text(encoding="utf-8")
    assert "<redacted>" in html
    # the manifest and the catalog are inlined; no node carries compiled SQL
    assert '"MANIFEST.JSON INLINE DATA"' not in html and '"CATALOG.JSON INLINE DATA"' not in html
    assert '"compiled_code"' not in html and '"compiled":' not in html
    assert "model.integrity.fct_spam_prevalence_daily" in html
    assert result.catalog_relations > 100
    # the main manifest (Dagster's, the analyses') is not replaced by the compile-less one
    assert built_manifest.stat().st_mtime_ns == before
