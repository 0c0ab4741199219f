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


def test_every_feed_declares_its_lateness_and_contract_version(tmp_path: Path) -> None:
    for name, feed in registry().items():
        assert feed.max_lateness_days >= 0 and feed.contract_version >= 1, name
    # a declaration without them is refused, naming the feed
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    del project["vars"]["platform_feeds"]["reports"]["max_lateness_days"]
    broken = tmp_path / "dbt_project.yml"
    broken.write_text(yaml.safe_dump(project))
    try:
        registry(broken)
    except RuntimeError as exc:
        assert "feed reports: max_lateness_days" in str(exc)
    else:
        raise AssertionError("a feed without max_lateness_days was accepted")


def test_raw_assets_show_what_the_registry_declares() -> None:
    spec = next(s for s in loader.load_landing_files.specs if s.key == loader.raw_key("impressions"))
    feed = registry()["impressions"]
    assert spec.metadata["contract_version"] == feed.contract_version
    assert spec.metadata["max_lateness_days"] == feed.max_lateness_days
    assert spec.metadata["format"] == "parquet"


def test_dsa_completeness_waits_for_the_latest_feed() -> None:
    """The DSA period is complete once every feed was delivered max_lateness_days past its end: the
    compiled model carries the registry's largest value, not a number of its own."""
    from helpers_warehouse import built_manifest_path

    compiled = built_manifest_path().parent / "compiled" / "integrity" / "models" / "marts" / "dsa"
    sql = (compiled / "dsa_report_period.sql").read_text()
    days = max(f.max_lateness_days for f in registry().values())
    assert f"{days} as max_lateness_days" in sql
    assert f"coverage_end >= period_end + {days}" in sql
    model = (PROJECT_DIR / "models" / "marts" / "dsa" / "dsa_report_period.sql").read_text()
    assert not re.search(r"\b14\b", model), "the lateness is written in the model"


def test_dbt_source_freshness_follows_the_registry() -> None:
    """`dbt source freshness` warns after the same lag as the Dagster freshness checks."""
    import json

    from helpers_warehouse import built_manifest_path

    sources = json.loads(built_manifest_path().read_text())["sources"]
    for name, feed in registry().items():
        fresh = sources[f"source.integrity.platform.{name}"]["freshness"]
        assert fresh["warn_after"] == {"count": feed.freshness_lag_days, "period": "day"}, name
