"""One declaration per feed: the registry (var `platform_feeds` in dbt_project.yml) is the only feed
list. The loader, the base models, reconciliation and schema drift read it; a list of feeds written
anywhere else in the pipeline's code fails here."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from orchestration import ingest
from orchestration.assets import loader
from orchestration.feeds import FEEDS, registry
from orchestration.paths import PROJECT_DIR

# Code that may name many feeds, and why.
ALLOWED = {
    # the simulator is the platform's exporter, the other side of the contract: it writes the
    # feeds from the spec on its own, so a registry mistake cannot hide in a shared definition
    "orchestration/simulator/",
    # the dashboard's fallback when a published copy has no load report (replaced by the
    # dashboard-tiles model of the next issue)
    "orchestration/dashboard/data.py",
    # maps the registry's reference kinds (ref: accounts, content, target, reports, reviews,
    # actions) to the base model holding the ids each kind is checked against
    "macros/staging/platform_base.sql",
}
QUOTED_FEED = re.compile(r"[\"'](" + "|".join(sorted(FEEDS, key=len, reverse=True)) + r")[\"']")
MODEL_OF_FEED = re.compile(r"(?:base|qrt)_platform__(" + "|".join(sorted(FEEDS, key=len, reverse=True)) + r")\b")
SOURCE_OF_FEED = re.compile(r"source\(\s*'platform',\s*'(" + "|".join(FEEDS) + r")'\s*\)")


def _feed_lists(text: str) -> list[str]:
    """Places naming 4+ feeds: quoted names within 15 lines, or models / sources of 4+ feeds in one file."""
    found = []
    lines = text.split("\n")
    for i in range(len(lines)):
        names = set(QUOTED_FEED.findall("\n".join(lines[i : i + 15])))
        if len(names) >= 4:
            found.append(f"line {i + 1}: {sorted(names)}")
            break
    for pattern in (MODEL_OF_FEED, SOURCE_OF_FEED):
        names = set(pattern.findall(text))
        if len(names) >= 4:
            found.append(f"{pattern.pattern[:20]}...: {sorted(names)}")
    return found


def test_no_feed_list_outside_the_registry() -> None:
    offenders = {}
    for root in ("orchestration", "models", "macros", "analyses"):
        for path in sorted((PROJECT_DIR / root).rglob("*")):
            rel = path.relative_to(PROJECT_DIR).as_posix()
            if path.suffix not in {".py", ".sql", ".yml"} or any(rel.startswith(a) for a in ALLOWED):
                continue
            if rel == "models/staging/platform/_platform__sources.yml":
                continue  # dbt's source tables: checked against the registry below
            lists = _feed_lists(path.read_text(encoding="utf-8"))
            if lists:
                offenders[rel] = lists
    assert offenders == {}, "feed lists outside the registry (read orchestration.feeds or platform_feed_names())"


def test_the_checker_finds_a_hand_written_list() -> None:
    unrolled = "\n".join(f"select * from {{{{ ref('base_platform__{f}') }}}} union all" for f in FEEDS[:4])
    assert _feed_lists(unrolled)
    assert _feed_lists('FEEDS = ("accounts", "content",\n "reports", "appeals")')
    assert not _feed_lists("select * from {{ ref('base_platform__' ~ feed) }}")


def test_dbt_sources_and_models_match_the_registry() -> None:
    sources = yaml.safe_load((PROJECT_DIR / "models/staging/platform/_platform__sources.yml").read_text())
    tables = [t["name"] for s in sources["sources"] if s["name"] == "platform" for t in s["tables"]]
    assert sorted(tables) == sorted(["_files", *FEEDS]) and len(tables) == len(set(tables))
    platform = PROJECT_DIR / "models" / "staging" / "platform"
    # one quarantine model over every feed, not one copy per feed
    assert sorted(p.stem for p in (platform / "quarantine").glob("qrt_*.sql")) == ["qrt_files", "qrt_platform__records"]
    for feed in FEEDS:
        base = (platform / "base" / f"base_platform__{feed}.sql").read_text()
        assert f"platform_base('{feed}')" in base, feed
        assert (platform / f"stg_platform__{feed}.sql").exists(), feed


def test_loader_reads_the_registry() -> None:
    feeds = registry()
    assert set(ingest.FEED_FORMAT) == set(feeds) == set(loader.MAX_LAG_DAYS)
    for name, feed in feeds.items():
        assert ingest.FEED_FORMAT[name] == feed.format
        assert loader.MAX_LAG_DAYS[name] == feed.freshness_lag_days
        if feed.format != "jsonl":
            assert ingest.COLUMNAR_FEEDS[name] == feed.columns
    # the contract's columns of the columnar feeds, as the raw contract lists them
    assert feeds["monthly_active_recipients"].columns == ("month", "country", "recipients")
    assert Path(ingest.__file__).read_text().count('"monthly_active_recipients"') == 0
