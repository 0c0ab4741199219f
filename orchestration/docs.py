"""`integrity docs`: the dbt docs site as one static file, `<data>/docs/index.html`, beside the dashboard.

`dbt parse` then `dbt docs generate --no-compile` read the project and the warehouse's catalog
(column names and types) without compiling a model: compiled SQL would carry the pseudonymisation key
(macros/pseudonymise.sql renders it into every query that hashes an identifier). Its artifacts go
to their own target path, `<dbt target>/docs`, so the compile-less manifest never replaces the
main `target/manifest.json` that Dagster and the analyses read.

The single file is dbt's own `--static` page (dbt's index.html with the manifest and the catalog
inlined), written here rather than by `--static` so that the manifest is checked first: no node
may carry compiled SQL, and the macros' source, which names the development key as the default
of `env_var`, has that key replaced by `<redacted>`. A key set in INTEGRITY_PSEUDONYM_KEY is never
rendered without compiling; the page is refused, not written, if it or the development key
appears anywhere in it.

The catalog opens the warehouse, so the run holds the warehouse writer lock (resources.py): it
waits for a pipeline run instead of failing on DuckDB's file lock.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.dbt import run_dbt
from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, DataPaths, data_paths, write_atomic

KEY_ENV = "INTEGRITY_PSEUDONYM_KEY"
PSEUDONYMISE_MACRO = PROJECT_DIR / "macros" / "pseudonymise.sql"
REDACTED = "<redacted>"
# node fields that hold SQL as compiled (with rendered env vars); --no-compile leaves them out
COMPILED_FIELDS = ("compiled_code", "compiled_sql", "compiled", "extra_ctes", "extra_ctes_injected", "compiled_path")
MANIFEST_PLACEHOLDER = '"MANIFEST.JSON INLINE DATA"'
CATALOG_PLACEHOLDER = '"CATALOG.JSON INLINE DATA"'


@dataclass(frozen=True)
class DocsResult:
    index: Path
    target: Path
    nodes: int
    catalog_relations: int
    seconds: float


def docs_site_path(paths: DataPaths) -> Path:
    return paths.root / "docs" / "index.html"


def docs_target_path() -> Path:
    """dbt's artifacts of the docs run: beside, never over, the main target's manifest."""
    from orchestration.resources import dbt_target_path

    return dbt_target_path() / "docs"


def development_key() -> str:
    """The built-in development key: the default of env_var(INTEGRITY_PSEUDONYM_KEY) in the macro."""
    text = PSEUDONYMISE_MACRO.read_text(encoding="utf-8")
    pattern = r"""env_var\(\s*["']""" + KEY_ENV + r"""["']\s*,\s*["']([^"']+)["']\s*\)"""
    found = re.search(pattern, text)
    if not found:
        raise UserError(f"cannot find the development default of {KEY_ENV} in {PSEUDONYMISE_MACRO}")
    return found.group(1)


def secret_keys() -> list[str]:
    """Every key the site must not show: the development default first, then the key in the environment."""
    keys = [development_key()]
    given = os.environ.get(KEY_ENV)
    if given and given not in keys:
        keys.append(given)
    return keys


def _scrub(value: object, keys: list[str]) -> object:
    if isinstance(value, str):
        for key in keys:
            value = value.replace(key, REDACTED)
        return value
    if isinstance(value, list):
        return [_scrub(v, keys) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, keys) for k, v in value.items()}
    return value


def scrub_manifest(manifest: dict, keys: list[str]) -> dict:
    """Drop compiled SQL from every node and replace `keys` in every string by `<redacted>`."""
    for group in ("nodes", "sources", "macros", "exposures", "metrics", "semantic_models", "saved_queries",
                  "unit_tests", "disabled"):
        items = manifest.get(group) or {}
        for item in items.values():
            for node in item if isinstance(item, list) else [item]:
                if isinstance(node, dict):
                    for name in COMPILED_FIELDS:
                        node.pop(name, None)
    return _scrub(manifest, keys)  # type: ignore[return-value]


def leaks(text: str, keys: list[str]) -> list[str]:
    """What of the keys or of compiled SQL a page still shows (plain or JSON-escaped)."""
    found = []
    for key in keys:
        if key in text or json.dumps(key)[1:-1] in text:
            found.append("the pseudonymisation key" if key != keys[0] else "the development pseudonymisation key")
    if '"compiled_code"' in text:
        found.append("compiled SQL (compiled_code)")
    return found


def _inline_json(data: dict) -> str:
    # `</` cannot close the <script> the data is inlined into; `<\/` is the same JSON string
    return json.dumps(data).replace("</", "<\\/")


def render_site(target: Path, keys: list[str]) -> tuple[str, int, int]:
    """dbt's static page from the docs run's artifacts: (html, nodes, catalog relations)."""
    template = (target / "index.html").read_text(encoding="utf-8")
    if MANIFEST_PLACEHOLDER not in template or CATALOG_PLACEHOLDER not in template:
        raise UserError(f"{target / 'index.html'} is not dbt's docs page (no inline-data placeholders)")
    manifest = scrub_manifest(json.loads((target / "manifest.json").read_text(encoding="utf-8")), keys)
    catalog = _scrub(json.loads((target / "catalog.json").read_text(encoding="utf-8")), keys)
    assert isinstance(catalog, dict)
    html = template.replace(MANIFEST_PLACEHOLDER, _inline_json(manifest)).replace(
        CATALOG_PLACEHOLDER, _inline_json(catalog)
    )
    relations = len(catalog.get("nodes", {})) + len(catalog.get("sources", {}))
    return html, len(manifest.get("nodes", {})), relations


def build_docs(paths: DataPaths | None = None, *, target: Path | None = None, lock: bool = True) -> DocsResult:
    """Run `dbt docs generate --no-compile` into its own target path and write the static site."""
    from contextlib import nullcontext

    from orchestration.resources import WarehouseResource

    paths = paths or data_paths()
    if not paths.warehouse.exists():
        raise UserError(f"no warehouse at {paths.warehouse}; run `integrity build` first")
    target = target or docs_target_path()
    started = time.monotonic()
    for stale in ("manifest.json", "catalog.json", "index.html"):
        (target / stale).unlink(missing_ok=True)
    # `docs generate --no-compile` writes no manifest.json: `dbt parse` (which compiles nothing)
    # writes it into the same target path first; only the catalog needs the warehouse.
    run_dbt(["parse", "--quiet", "--target-path", str(target)], paths, capture=True, check=True)
    guard = WarehouseResource(data_dir=str(paths.root)).writer_lock() if lock else nullcontext()
    with guard:
        run_dbt(["docs", "generate", "--no-compile", "--target-path", str(target)], paths, capture=True, check=True)
    keys = secret_keys()
    # only the development key is redacted (it is in the macros' source); the environment's is
    # checked: redacting an arbitrary string could mangle the page, and it should not be there
    html, nodes, relations = render_site(target, keys[:1])
    found = leaks(html, keys)
    if found:
        raise UserError(f"the docs site would show {' and '.join(found)}; not written")
    index = docs_site_path(paths)
    write_atomic(index, html)
    return DocsResult(index, target, nodes, relations, time.monotonic() - started)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: $INTEGRITY_DATA_DIR, else ./data)"
    )


def run(args: argparse.Namespace) -> int:
    result = build_docs(data_paths(args.data_dir))
    print(
        f"integrity docs: {result.nodes} nodes, catalog of {result.catalog_relations} relations, "
        f"no compiled SQL, in {result.seconds:.1f}s"
    )
    print(f"  docs site: {result.index}")
    print(f"  open: file://{result.index}")
    return 0
