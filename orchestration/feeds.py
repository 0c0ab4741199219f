"""The feed registry: one declaration per platform feed, read from `dbt_project.yml`.

The registry is the dbt var `platform_feeds` (dbt needs it while it parses the project, when only
vars and macros are available). The loader, the Dagster raw assets and their freshness checks read
it here; the dbt models read it through the macros `platform_feed` / `platform_feed_names`. Nothing
else lists the feeds: adding one is an entry in the registry plus its dbt source, base, staging and
quarantine models (docs/adding-a-feed.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_PROJECT_FILE = Path(__file__).resolve().parent.parent / "dbt_project.yml"
FORMATS = ("jsonl", "parquet", "csv")


@dataclass(frozen=True)
class Feed:
    name: str
    format: str  # jsonl | parquet | csv
    key: tuple[str, ...]
    dedup: str
    freshness_lag_days: int
    max_lateness_days: int  # days after it happened an event may still be delivered
    contract_version: int  # version of the raw contract this declaration follows
    fields: tuple[Mapping[str, Any], ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """The contract's field names, in contract order (the columns of a Parquet / CSV feed)."""
        return tuple(str(f["name"]) for f in self.fields)


@cache
def registry(project_file: Path = _PROJECT_FILE) -> dict[str, Feed]:
    project = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    declared = (project.get("vars") or {}).get("platform_feeds") or {}
    if not declared:
        raise RuntimeError(f"{project_file}: no feed registry (vars.platform_feeds)")
    feeds: dict[str, Feed] = {}
    for name, spec in declared.items():
        if spec.get("format") not in FORMATS:
            raise RuntimeError(f"{project_file}: feed {name}: format must be one of {FORMATS}")
        for required in ("max_lateness_days", "contract_version"):
            if not isinstance(spec.get(required), int) or spec[required] < 0:
                raise RuntimeError(f"{project_file}: feed {name}: {required} must be a whole number")
        feeds[name] = Feed(
            name=name,
            format=spec["format"],
            key=tuple(spec["key"]),
            dedup=spec.get("dedup", "first"),
            freshness_lag_days=int(spec.get("freshness_lag_days", 1)),
            max_lateness_days=spec["max_lateness_days"],
            contract_version=spec["contract_version"],
            fields=tuple(spec["fields"]),
        )
    return feeds


FEEDS: tuple[str, ...] = tuple(registry())
