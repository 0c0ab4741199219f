"""The simulator: determinism, the raw contract, realism patterns, truth consistency, the fault manifest.

Runs the simulator itself (scale xs, 14 days, seed 7, --faults) into a temporary folder once per session.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.paths import FEEDS
from orchestration.simulator import constants as K
from orchestration.simulator import simulate
from orchestration.simulator.deliver import FIELDS

# SIM_TEST_SCALE=s runs the same checks on a bigger simulation (slow; for development)
_SCALE = os.environ.get("SIM_TEST_SCALE", "xs")
_DAYS = {"xs": 14, "s": 90, "m": 365, "l": 365}[_SCALE]
ARGS = {"scale": _SCALE, "days": _DAYS, "end_date": date(2026, 10, 31), "seed": 7, "faults": True}
END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(days=_DAYS)
HOUR = timedelta(hours=1)

ENUMS = {
    "accounts": {"account_type": K.ACCOUNT_TYPES},
    "content": {"content_type": K.CONTENT_TYPES},
    "reports": {"reporter_type": K.REPORTER_TYPES, "channel": K.CHANNELS, "target_type": ["content", "account"],
                "reason_code": K.REASON_CODES, "order_type": ["act", "provide_information"],
                "priority": ["P0", "P1", "P2", "P3"]},
    "review_events": {"event_type": K.REVIEW_EVENT_TYPES, "target_type": ["content", "account"], "queue": K.QUEUES,
                      "source_type": K.SOURCE_TYPES, "decision": K.DECISIONS, "policy_code": list(K.POLICIES)},
    "enforcement_actions": {"target_type": ["content", "account"], "action_type": K.ACTION_TYPES,
                            "policy_code": list(K.POLICIES), "decision_ground": ["illegal", "terms"],
                            "source": K.ACTION_SOURCES, "automated_decision": K.AUTOMATED_DECISIONS},
    "appeals": {"route": K.APPEAL_ROUTES, "outcome": K.APPEAL_OUTCOMES},
    "rule_hits": {"mode": K.RULE_MODES, "target_type": ["content", "account"]},
    "prevalence_samples": {"surface": K.SURFACES, "label": K.SAMPLE_LABELS, "policy_code": list(K.POLICIES)},
    "qa_audits": {"gold_decision": ["violating", "not_violating"], "gold_policy_code": list(K.POLICIES)},
}
REQUIRED = {
    "accounts": ["account_id", "account_type", "created_at", "country"],
    "content": ["content_id", "content_type", "owner_account_id", "created_at", "updated_at"],
    "reports": ["report_id", "received_at", "reporter_type", "channel", "target_type", "target_id", "reason_code"],
    "review_events": ["event_id", "review_id", "event_type", "event_ts", "target_type", "target_id", "queue", "source_type"],
    "enforcement_actions": ["action_id", "decided_at", "effective_at", "target_type", "target_id", "action_type",
                            "policy_code", "decision_ground", "territorial_scope", "source", "automated_detection",
                            "automated_decision"],
    "appeals": ["appeal_id", "action_id", "filed_at", "route"],
    "rule_hits": ["hit_id", "hit_at", "rule_id", "rule_version", "mode", "target_type", "target_id"],
    # `label` is required once labelled: recent samples not yet labelled have label/labeled_at null
    "prevalence_samples": ["sample_id", "hour_ts", "content_id", "surface", "country", "stratum", "inclusion_prob"],
    "qa_audits": ["audit_id", "review_id", "audited_at", "gold_decision"],
}
TS = {"accounts": ["created_at"], "content": ["created_at", "updated_at"], "reports": ["received_at", "acknowledged_at"],
      "review_events": ["event_ts"], "enforcement_actions": ["decided_at", "effective_at", "end_at"],
      "appeals": ["filed_at", "resolved_at"], "rule_hits": ["hit_at"], "prevalence_samples": ["hour_ts", "labeled_at"],
      "qa_audits": ["audited_at"]}
ISO_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def ts(v: str | None) -> datetime | None:
    return None if v is None else datetime.fromisoformat(v).astimezone(UTC)


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim") / "data"
    simulate(out, **ARGS)
    return out


@pytest.fixture(scope="session")
def manifest(sim: Path) -> dict:
    return json.loads((sim / "truth" / "manifest.json").read_text())


@pytest.fixture(scope="session")
def fault_lines(manifest: dict) -> set[tuple[str, int]]:
    out = set()
    for f in manifest["faults"]:
        if f["line_no"] and f["expected"] != "clean (schema drift recorded)":
            out.update((f["file"], n) for n in f["line_no"])
    return out


@pytest.fixture(scope="session")
def fault_files(manifest: dict) -> set[str]:
    return {f["file"] for f in manifest["faults"] if f["kind"] in ("empty_file", "truncated_gzip")} | {
        f["file"] for f in manifest["faults"] if f["feed"] == "impressions" and f["kind"] != "extra_column"}


def _lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.split(b"\n")[:-1] if data else []


@pytest.fixture(scope="session")
def raw(sim: Path, fault_lines, fault_files) -> dict[str, list[dict]]:
    """Every clean JSONL record: {feed: [record + _file, _line, _dt, _bytes]} (fault lines excluded)."""
    land = sim / "landing"
    out: dict[str, list[dict]] = defaultdict(list)
    for feed in FIELDS:
        for path in sorted((land / feed).glob("dt=*/part-*")):
            rel = str(path.relative_to(land))
            if rel in fault_files:
                continue
            for i, line in enumerate(_lines(path), start=1):
                if (rel, i) in fault_lines:
                    continue
                rec = json.loads(line)
                rec.update(_file=rel, _line=i, _dt=rel.split("dt=")[1][:10], _bytes=line)
                out[feed].append(rec)
    return out


def first_delivery(records: list[dict], key: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in sorted(records, key=lambda r: (r["_dt"], r["_file"], r["_line"])):
        out.setdefault(r[key], r)
    return out


@pytest.fixture(scope="session")
def clean(raw) -> dict[str, dict[str, dict]]:
    from orchestration.simulator.deliver import ID_FIELD

    return {feed: first_delivery(recs, ID_FIELD[feed]) for feed, recs in raw.items() if feed != "content"}


@pytest.fixture(scope="session")
def content(raw) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    first: dict[str, str] = {}
    for r in raw["content"]:
        first[r["content_id"]] = min(first.get(r["content_id"], r["_dt"]), r["_dt"])
        if r["content_id"] not in latest or ts(r["updated_at"]) > ts(latest[r["content_id"]]["updated_at"]):
            latest[r["content_id"]] = r
    return {k: dict(v, _dt=first[k]) for k, v in latest.items()}


@pytest.fixture(scope="session")
def con(sim: Path, fault_files) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("set TimeZone = 'UTC'")
    files = sorted(str(p) for p in (sim / "landing" / "impressions").glob("dt=*/*.parquet")
                   if str(p.relative_to(sim / "landing")) not in fault_files)
    c.execute(f"""create view imp_raw as select hour_ts, content_id, surface, country, impressions, streams,
                  regexp_extract(filename, 'dt=([0-9-]+)', 1)::date as dt, filename
                  from read_parquet({files!r}, filename = true, union_by_name = true)""")
    # restatements: the latest delivery of a key wins
    c.execute("""create view imp as select * from imp_raw
                 qualify row_number() over (partition by hour_ts, content_id, surface, country order by dt desc) = 1""")
    return c


# ============================================================ determinism and layout


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_arguments_give_byte_identical_files(sim: Path, tmp_path: Path):
    again = tmp_path / "again"
    simulate(again, **ARGS)
    a, b = _digest(sim), _digest(again)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_worker_processes_give_byte_identical_files(sim: Path, tmp_path: Path, monkeypatch):
    """Days drawn by 3 worker processes (each day from its own seeds) give the files one process
    writes: the process pool changes how fast, never what."""
    monkeypatch.setenv("INTEGRITY_SIMULATOR_WORKERS", "1")
    alone = tmp_path / "alone"
    simulate(alone, **ARGS)
    monkeypatch.setenv("INTEGRITY_SIMULATOR_WORKERS", "3")
    pooled = tmp_path / "pooled"
    simulate(pooled, **ARGS)
    a, b = _digest(alone), _digest(pooled)
    assert a.keys() == b.keys() and len(a) > 100
    assert [k for k in a if a[k] != b[k]] == []


@pytest.mark.parametrize("given", ["two", "0", "-3"])
def test_a_bad_worker_count_is_one_clear_error(given: str, monkeypatch):
    from orchestration.errors import UserError
    from orchestration.simulator.impressions import workers

    monkeypatch.setenv("INTEGRITY_SIMULATOR_WORKERS", given)
    with pytest.raises(UserError, match="INTEGRITY_SIMULATOR_WORKERS must be"):
        workers(90)
    monkeypatch.setenv("INTEGRITY_SIMULATOR_WORKERS", "8")
    assert workers(5) == 5  # never more processes than days


def test_other_seed_gives_other_data(sim: Path, tmp_path: Path):
    other = tmp_path / "other"
    simulate(other, **{**ARGS, "seed": 8, "faults": False})
    a, b = _digest(sim / "landing"), _digest(other / "landing")
    assert sum(a.get(k) == v for k, v in b.items()) < len(b) / 2


def test_every_feed_is_delivered_in_its_layout(sim: Path):
    land = sim / "landing"
    pat = re.compile(r"^(?P<feed>[a-z_]+)/dt=(?P<dt>\d{4}-\d{2}-\d{2})/part-\d+\.(?P<ext>jsonl|jsonl\.gz|parquet|csv)$")
    seen: dict[str, set[str]] = defaultdict(set)
    for p in land.rglob("*"):
        if p.is_file():
            m = pat.match(str(p.relative_to(land)))
            assert m, p
            seen[m["feed"]].add(m["ext"])
            d = date.fromisoformat(m["dt"])
            assert START.date() <= d <= ARGS["end_date"], p
    assert set(seen) == set(FEEDS)
    assert seen["impressions"] == {"parquet"}
    assert seen["moderators"] == {"csv"} and seen["monthly_active_recipients"] == {"csv"}
    assert "jsonl.gz" in seen["review_events"] and "jsonl" in seen["reports"]
    assert not (land / "truth").exists() and (sim / "truth" / "manifest.json").exists()


def test_truth_files_and_columns(sim: Path):
    t = sim / "truth"
    expect = {
        "spam_items": {"content_id", "owner_account_id", "campaign_id", "spam_from", "spam_to", "policy_code"},
        "campaigns": {"campaign_id", "link_domain", "start_at", "detected_at", "rule_id", "items", "accounts"},
        "prevalence_daily": {"date_day", "surface", "impressions", "spam_impressions", "true_prevalence"},
        "unwanted_impressions": {"date_day", "surface", "country", "unwanted_impressions", "unwanted_before_signal",
                                 "unwanted_after_signal"},
        "report_sla": {"report_id", "target_hours", "decided_at", "actioned_at", "sla_status"},
        "reviewer_error_rates": {"reviewer_id", "vendor", "true_error_rate"},
        "prevalence_by_country": {"date_day", "country", "impressions", "spam_impressions"},
        "proactive_daily": {"date_day", "policy_area", "actioned_items", "proactive_items"},
    }
    for name, cols in expect.items():
        schema = pq.read_schema(t / f"{name}.parquet")
        assert cols <= set(schema.names), name
    doc = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    for name in expect:
        assert f"`{name}.parquet`" in doc


# ============================================================ the raw contract


def test_jsonl_records_conform_to_the_contract(raw):
    countries = set(K.COUNTRY_CODES)
    for feed, recs in raw.items():
        assert recs, feed
        for r in recs:
            keys = {k for k in r if not k.startswith("_")}
            assert keys <= set(FIELDS[feed]) | {"client_version"}, (feed, keys - set(FIELDS[feed]))
            for f in REQUIRED[feed]:
                assert r.get(f) is not None, (feed, f, r["_file"], r["_line"])
            for f, allowed in ENUMS.get(feed, {}).items():
                assert r.get(f) is None or r[f] in allowed, (feed, f, r[f])
            for f in TS[feed]:
                v = r.get(f)
                if v is not None:
                    assert ISO_TS.match(v), (feed, f, v)
                    assert START - timedelta(days=3 * 366) <= ts(v) < END + timedelta(days=400), (feed, f, v)
            if "country" in r and r["country"] is not None:
                assert r["country"] in countries
    for r in raw["content"]:
        assert isinstance(r["link_domains"], list)
        assert r["ean13"] is None or (r["content_type"] == "track" and re.fullmatch(r"\d{13}", r["ean13"]))
        assert ts(r["updated_at"]) >= ts(r["created_at"])
    for r in raw["enforcement_actions"]:
        assert isinstance(r["territorial_scope"], list) and r["territorial_scope"]
        assert r["territorial_scope"] == ["GLOBAL"] or set(r["territorial_scope"]) <= countries
        assert (r["legal_ground"] is not None) == (r["decision_ground"] == "illegal")
        assert isinstance(r["automated_detection"], bool)
        assert ts(r["effective_at"]) >= ts(r["decided_at"])
    for r in raw["rule_hits"]:
        assert isinstance(r["rule_version"], int)
        assert r["score"] is None or 0.0 <= r["score"] <= 1.0
    for r in raw["prevalence_samples"]:
        assert 0 < r["inclusion_prob"] <= 1
        assert r["stratum"] in K.SURFACES
        if r["label"] == "violating":
            assert r["policy_code"] in K.POLICIES
        assert (r["label"] is None) == (r["labeled_at"] is None)
    for r in raw["review_events"]:
        if r["event_type"] != "decided":
            assert "decision" not in r
        else:
            assert r["decision"] in K.DECISIONS and isinstance(r["automated"], bool)
    for r in raw["reports"]:
        if r["reporter_type"] == "authority":
            assert r["authority_member_state"] in K.EU_MEMBER_STATES and r["order_type"] in ("act", "provide_information")
        if r["channel"] == "escalation":
            assert r["priority"] in ("P0", "P1", "P2", "P3")


def test_no_record_comes_from_the_future(raw):
    """A delivered file holds nothing that happened after its delivery day (end_at is a planned end)."""
    for feed, recs in raw.items():
        for r in recs:
            eod = datetime.fromisoformat(r["_dt"]).replace(tzinfo=UTC) + timedelta(days=1)
            for f in TS[feed]:
                if f != "end_at" and r.get(f) is not None:
                    assert ts(r[f]) < eod, (feed, f, r[f], r["_dt"])


def test_ids_unique_and_references_resolve(raw, clean, content):
    from orchestration.simulator.deliver import ID_FIELD

    for feed, recs in raw.items():
        if feed == "content":
            continue
        by_id = defaultdict(set)
        for r in recs:
            by_id[r[ID_FIELD[feed]]].add(json.dumps({k: (ts(v) if k in TS[feed] and v else v) for k, v in r.items()
                                                     if not k.startswith("_")}, default=str, sort_keys=True))
        # re-sends carry the same values (after normalising timestamps)
        assert all(len(v) == 1 for v in by_id.values()), feed
    accounts = clean["accounts"]
    for c in content.values():
        a = accounts[c["owner_account_id"]]
        assert a["_dt"] <= c["_dt"]  # first delivery of the item
    targets = {"content": content, "account": accounts}
    for feed in ("reports", "review_events", "enforcement_actions", "rule_hits"):
        for r in clean[feed].values():
            ref = targets[r["target_type"]].get(r["target_id"])
            assert ref is not None, (feed, r["target_id"])
            assert ref["_dt"] <= r["_dt"], "reference data must arrive no later than the events that use it"
    for r in clean["appeals"].values():
        assert clean["enforcement_actions"][r["action_id"]]["_dt"] <= r["_dt"]
    for r in clean["prevalence_samples"].values():
        assert r["content_id"] in content
    reviews = {e["review_id"] for e in clean["review_events"].values()}
    assert all(q["review_id"] in reviews for q in clean["qa_audits"].values())
    per_review = Counter((e["review_id"], e["event_type"]) for e in clean["review_events"].values())
    assert max(per_review.values()) == 1


def test_impressions_parquet_and_csv_conform(sim: Path, con, fault_files):
    land = sim / "landing"
    for p in sorted((land / "impressions").glob("dt=*/*.parquet")):
        names = pq.read_schema(p).names
        assert names[:6] == ["hour_ts", "content_id", "surface", "country", "impressions", "streams"]
    bad = con.execute(
        f"""select count(*) from imp_raw where impressions < 0 or streams < 0 or streams > impressions
            or surface not in {tuple(K.SURFACES)} or country not in {tuple(K.COUNTRY_CODES)}
            or hour_ts <> date_trunc('hour', hour_ts)""").fetchone()[0]
    assert bad == 0
    mods = list((land / "moderators").glob("dt=*/*.csv"))
    assert mods
    head = mods[0].read_text().splitlines()[0]
    assert head == "reviewer_id,vendor,employment,languages,active_from,active_to"
    mar = sorted((land / "monthly_active_recipients").glob("dt=*/*.csv"))
    rows = [ln.split(",") for p in mar for ln in p.read_text().splitlines()[1:]]
    assert all(re.fullmatch(r"\d{4}-\d{2}", r[0]) and r[1] in (*K.COUNTRY_CODES, "EU") and int(r[2]) > 0
               for r in rows)
    # the contract's de-duplicated EU total, below the sum of the EU member states of the month
    eu_codes = {c[0] for c in K.COUNTRIES if c[1]}
    for month in {r[0] for r in rows}:
        total = [int(r[2]) for r in rows if r[0] == month and r[1] == "EU"]
        states = sum(int(r[2]) for r in rows if r[0] == month and r[1] in eu_codes)
        assert len(total) == 1 and 0 < total[0] < states
    assert {r[1] for r in rows} >= set(K.EU_MEMBER_STATES) - {"LU", "SK", "SI", "HR", "BG", "LT", "LV", "EE", "CY", "MT"}


def test_personal_data_is_present_to_be_pseudonymised(clean):
    accs = list(clean["accounts"].values())
    assert all(UUID.match(a["account_id"]) for a in accs)
    assert sum("@" in (a["email"] or "") for a in accs) > 0.9 * len(accs)
    assert any(":" in a["signup_ip"] for a in accs) and any(a["signup_ip"].count(".") == 3 for a in accs)
    assert any(r["reporter_email"] for r in clean["reports"].values())
    assert all(r["reporter_id"] for r in clean["reports"].values() if r["channel"] == "in_app")


# ============================================================ realism


def test_weekly_and_daily_cycles(sim, con):
    # on the catalogue that existed before the period (new uploads and campaigns blur the weekly pattern)
    dow = dict(con.execute(f"""select isodow(hour_ts) >= 6, sum(impressions) / count(distinct hour_ts::date)
                              from imp where hour_ts::date < date '2026-10-31' and content_id in (
                                  select content_id from read_json('{sim}/landing/content/*/*.jsonl', format = 'newline_delimited',
                                      ignore_errors = true) where created_at::timestamptz < '{START.isoformat()}')
                              group by 1""").fetchall())
    assert dow[True] / dow[False] > 1.1, dow
    hours = dict(con.execute("""select hour(hour_ts), sum(impressions) from imp where country = 'DE' group by 1""").fetchall())
    assert max(hours.values()) / min(hours.values()) > 3
    assert max(hours, key=hours.get) in (17, 18, 19, 20)  # 19-22h local (UTC+2)


def test_eu_and_non_eu_markets_with_languages(con, content):
    share = con.execute(f"select sum(impressions) filter (where country in {tuple(sorted(K.EU_EEA))}) / sum(impressions) "
                        "from imp").fetchone()[0]
    assert 0.35 < share < 0.75
    assert con.execute("select count(distinct country) from imp").fetchone()[0] >= 25
    langs = Counter(c["language"] for c in content.values())
    assert len(langs) >= 15 and langs["de"] > 0 and langs["en"] > 0


def test_long_tailed_popularity(con):
    per_item = np.array(sorted((r[0] for r in con.execute(
        "select sum(impressions) from imp group by content_id").fetchall()), reverse=True))
    top = per_item[: max(1, len(per_item) // 100)].sum() / per_item.sum()
    assert top > 0.15, top
    assert np.median(per_item) < per_item.mean() / 3


def test_campaigns_grow_until_a_rule_catches_them(sim, clean, content):
    camps = pq.read_table(sim / "truth" / "campaigns.parquet").to_pylist()
    assert len(camps) >= 2
    accounts = clean["accounts"]
    hits = defaultdict(list)
    for h in clean["rule_hits"].values():
        hits[h["rule_id"]].append(h)
    for c in camps:
        items = [x for x in content.values() if c["link_domain"] in x["link_domains"]
                 and UUID.match(x["owner_account_id"]) and ts(x["created_at"]) >= c["start_at"]]
        owners = {x["owner_account_id"] for x in items}
        assert len(owners) >= 10
        created = sorted(ts(accounts[o]["created_at"]) for o in owners)
        det = c["detected_at"]
        first_day = sum(c["start_at"] <= t < c["start_at"] + timedelta(days=1) for t in created)
        last_day = sum(det - timedelta(days=1) <= t < det for t in created)
        assert last_day > 2 * max(first_day, 1), (c["campaign_id"], first_day, last_day)
        enforce = [ts(h["hit_at"]) for h in hits[c["rule_id"]] if h["mode"] == "enforce"
                   and h["target_id"] in {x["content_id"] for x in items}]
        assert min(enforce) >= det
    # one rule is added mid-campaign: its first hit ever comes after the campaign started
    burst = min(ts(h["hit_at"]) for h in hits["rule_shared_domain_burst"])
    c0 = next(c for c in camps if c["rule_id"] == "rule_shared_domain_burst")
    assert c0["start_at"] + timedelta(days=1) < burst


def test_shadow_rules_and_classifier_logging(clean):
    hits = list(clean["rule_hits"].values())
    assert {h["mode"] for h in hits if h["rule_id"] == "rule_new_account_velocity"} == {"shadow"}
    v4 = [h for h in hits if h["rule_id"] == "clf_spam_text" and h["rule_version"] == 4]
    assert v4 and {h["mode"] for h in v4} == {"shadow"}
    v3 = [h for h in hits if h["rule_id"] == "clf_spam_text" and h["rule_version"] == 3]
    assert all(h["score"] >= 0.05 for h in v3)
    assert all((h["mode"] == "enforce") == (h["score"] >= 0.85) for h in v3)
    assert Counter(h["mode"] for h in v3)["shadow"] > Counter(h["mode"] for h in v3)["enforce"]


def test_reports_from_every_kind_of_reporter(clean):
    reps = list(clean["reports"].values())
    assert {r["reporter_type"] for r in reps} == set(K.REPORTER_TYPES)
    orders = [r for r in reps if r["reporter_type"] == "authority"]
    assert {r["order_type"] for r in orders} == {"act", "provide_information"}
    assert all(r["acknowledged_at"] and ts(r["acknowledged_at"]) > ts(r["received_at"]) for r in orders)
    assert len({r["priority"] for r in reps if r["priority"]}) >= 3
    assert any(r["is_dsa_notice"] for r in reps) and any(not r["is_dsa_notice"] for r in reps)


def test_every_action_type_with_dsa_fields(clean):
    acts = list(clean["enforcement_actions"].values())
    assert {a["action_type"] for a in acts} == set(K.ACTION_TYPES)
    assert {a["automated_decision"] for a in acts} == set(K.AUTOMATED_DECISIONS)
    assert {a["decision_ground"] for a in acts} == {"illegal", "terms"}
    assert any(a["territorial_scope"] == ["GLOBAL"] for a in acts)
    assert any(a["territorial_scope"] != ["GLOBAL"] for a in acts)
    assert {"own_initiative", "notice", "authority_order", "trusted_flagger"} <= {a["source"] for a in acts}
    assert any(a["end_at"] for a in acts) and any(a["end_at"] is None for a in acts)
    assert any(a["automated_detection"] for a in acts) and any(not a["automated_detection"] for a in acts)


def test_appeals_internal_and_out_of_court(clean):
    aps = list(clean["appeals"].values())
    assert {a["route"] for a in aps} == {"internal", "out_of_court"}
    internal = Counter(a["outcome"] for a in aps if a["route"] == "internal")
    assert internal["upheld"] > 0 and internal["reversed"] + internal["partially_reversed"] > 0
    assert any(a["outcome"] is None and a["resolved_at"] is None for a in aps)


def test_review_queues_vendors_languages_and_handling_times(clean):
    dec = [e for e in clean["review_events"].values() if e["event_type"] == "decided"]
    human = [e for e in dec if not e["automated"]]
    assert {e["vendor"] for e in human} == {"internal", "vendor_a", "vendor_b"}
    assert len({e["reviewer_language"] for e in human}) >= 5
    assert any(e["automated"] for e in dec)
    hs = np.array([e["handling_seconds"] for e in human])
    assert 30 < np.median(hs) < 900
    assert {e["decision"] for e in dec} >= {"violating", "not_violating", "escalated"}


def _decision_hours(clean):
    enq = {e["review_id"]: ts(e["event_ts"]) for e in clean["review_events"].values() if e["event_type"] == "enqueued"}
    out = []
    for e in clean["review_events"].values():
        if e["event_type"] == "decided" and not e["automated"] and e["review_id"] in enq:
            out.append((enq[e["review_id"]], (ts(e["event_ts"]) - enq[e["review_id"]]).total_seconds() / 3600, e))
    return out


def test_vendor_outage_breaches_sla(sim, clean):
    dh = _decision_hours(clean)
    # the outage: vendor_b reviews enqueued in one ~40h window wait much longer than any others
    b = sorted((t, h) for t, h, e in dh if e["vendor"] == "vendor_b")
    others = [h for t, h, e in dh if e["vendor"] != "vendor_b"]
    assert max(h for _, h in b) > 30 and np.median(others) < 12
    sla = pq.read_table(sim / "truth" / "report_sla.parquet").to_pylist()
    assert Counter(r["sla_status"] for r in sla)["breached"] >= 3


def test_weekend_backlog(clean):
    dh = _decision_hours(clean)
    wk = [h for t, h, e in dh if t.isoweekday() >= 6 and e["vendor"] == "internal" and e["queue"] not in ("safety",)]
    wd = [h for t, h, e in dh if t.isoweekday() <= 4 and e["vendor"] == "internal" and e["queue"] not in ("safety",)]
    assert np.mean(wk) > 1.5 * np.mean(wd), (np.mean(wk), np.mean(wd))


def test_qa_audits_show_realistic_reviewer_error_rates(sim, clean):
    dec = {e["review_id"]: e for e in clean["review_events"].values() if e["event_type"] == "decided"}
    audits = list(clean["qa_audits"].values())
    assert audits
    wrong = [dec[a["review_id"]]["decision"] != a["gold_decision"] for a in audits]
    assert 0 <= np.mean(wrong) < 0.3
    rates = pq.read_table(sim / "truth" / "reviewer_error_rates.parquet").to_pylist()
    by_vendor = defaultdict(list)
    for r in rates:
        assert 0 < r["true_error_rate"] < 0.3
        by_vendor[r["vendor"]].append(r["true_error_rate"])
    assert np.mean(by_vendor["internal"]) < np.mean(by_vendor["vendor_b"])


def test_moderator_roster_and_monthly_active_recipients(sim: Path, clean):
    land = sim / "landing"
    rows = [ln.split(",") for p in sorted((land / "moderators").glob("dt=*/*.csv")) for ln in p.read_text().splitlines()[1:]]
    assert {r[2] for r in rows} == {"internal", "external"}
    assert any(";" in r[3] for r in rows)
    reviewers = {r[0] for r in rows}
    assert {e["reviewer_id"] for e in clean["review_events"].values() if e.get("reviewer_id")} <= reviewers


def test_late_delivery_offsets_and_resends(raw, manifest):
    lags = []
    for feed in ("reports", "review_events", "enforcement_actions", "rule_hits"):
        f = TS[feed][0] if feed != "enforcement_actions" else "decided_at"
        for r in raw[feed]:
            lags.append((date.fromisoformat(r["_dt"]) - ts(r[f]).date()).days)
    lags = np.array(lags)
    assert lags.min() >= 0 and lags.max() <= 14 and lags.max() >= 7
    assert (lags <= 1).mean() > 0.8
    stamps = [r["received_at"] for r in raw["reports"]] + [r["event_ts"] for r in raw["review_events"]]
    assert any(s.endswith("+02:00") for s in stamps) and any(s.endswith("+08:00") for s in stamps)
    assert any(s.endswith("Z") for s in stamps)
    assert sum(manifest["resends"].values()) > 10


def test_prevalence_sample_design(clean, manifest):
    smp = list(clean["prevalence_samples"].values())
    assert {s["stratum"] for s in smp} == set(K.SURFACES)
    labels = Counter(s["label"] for s in smp)
    assert labels["violating"] > 0 and labels["not_violating"] > 0 and labels["unlabelable"] > 0
    assert labels[None] == manifest["pending_prevalence_samples"] > 0
    pending_days = {ts(s["hour_ts"]).date() for s in smp if s["label"] is None}
    assert min(pending_days) >= (END - timedelta(days=6)).date()  # only recent samples wait for labels
    probs = defaultdict(set)
    for s in smp:
        probs[(ts(s["hour_ts"]).date(), s["stratum"])].add(s["inclusion_prob"])
    assert all(len(v) == 1 for v in probs.values())  # one probability per stratum and day
    assert len({p for v in probs.values() for p in v}) > 10  # strata differ


def test_prevalence_sample_allocation_is_proportional_to_surface_impressions(sim, clean):
    """Stratified by surface, sample sizes proportional to the day's impressions (floor per surface), each
    impression of a stratum included with probability n_s / N_s: the weights are (nearly) equal."""
    from orchestration.simulator.core import MIN_SAMPLES_PER_STRATUM, SAMPLES_PER_DAY

    truth = pq.read_table(sim / "truth" / "prevalence_daily.parquet").to_pylist()
    imps = {(r["date_day"], r["surface"]): r["impressions"] for r in truth if r["surface"] != "all"}
    probs = defaultdict(set)
    for s in clean["prevalence_samples"].values():
        probs[(ts(s["hour_ts"]).date(), s["stratum"])].add(s["inclusion_prob"])
    days = sorted({d for d, _ in probs})
    assert len(days) >= _DAYS - 2
    total = SAMPLES_PER_DAY[ARGS["scale"]]
    checked = 0
    for d in days:
        day_imps = sum(v for (dd, _), v in imps.items() if dd == d)
        alloc = {}
        for surface in K.SURFACES:
            if (d, surface) not in probs:
                continue
            (p,) = probs[(d, surface)]
            alloc[surface] = p * imps[(d, surface)]  # n_s = inclusion_prob * N_s
            assert alloc[surface] == pytest.approx(round(alloc[surface]), abs=1e-3)
        if len(alloc) < len(K.SURFACES) - 1:  # a day whose samples were mostly not delivered
            continue
        for surface, n_s in alloc.items():
            quota = total * imps[(d, surface)] / day_imps
            assert round(n_s) == MIN_SAMPLES_PER_STRATUM or abs(n_s - quota) <= 1.0, (d, surface, n_s, quota)
        n = sum(alloc.values())
        assert total <= round(n) <= total + len(K.SURFACES) * MIN_SAMPLES_PER_STRATUM
        # near-equal weights: Kish's effective sample size stays close to the sample size
        weights = [imps[(d, s)] / n_s for s, n_s in alloc.items() for _ in range(round(n_s))]
        n_eff = sum(weights) ** 2 / sum(w * w for w in weights)
        assert n_eff >= 0.9 * n, (d, n_eff, n)
        checked += 1
    assert checked >= _DAYS - 2


# ============================================================ truth = what the delivered files imply


def test_true_prevalence_equals_impressions_and_spam_windows(sim, con):
    con.execute(f"create or replace view spam as select * from read_parquet('{sim}/truth/spam_items.parquet')")
    got = con.execute("""
        select i.hour_ts::date as d, i.surface, sum(i.impressions) as imp,
               sum(i.impressions) filter (where s.content_id is not null
                   and i.hour_ts + interval 1 hour > s.spam_from and (s.spam_to is null or i.hour_ts < s.spam_to)) as spam
        from imp i left join spam s using (content_id) group by all order by all""").fetchall()
    truth = pq.read_table(sim / "truth" / "prevalence_daily.parquet").to_pylist()
    t = {(r["date_day"], r["surface"]): r for r in truth}
    assert len(got) == len([r for r in truth if r["surface"] != "all"])
    for d, s, imp, spam in got:
        r = t[(d, s)]
        assert (r["impressions"], r["spam_impressions"]) == (imp, spam or 0)
        assert r["true_prevalence"] == pytest.approx((spam or 0) / imp)
    tot = sum(r["spam_impressions"] for r in truth if r["surface"] == "all")
    assert tot > 0


def test_restatement_later_delivery_wins(con, manifest):
    assert manifest["impressions_restatements"]
    n = con.execute("""select count(*) from (select hour_ts, content_id, surface, country, count(distinct impressions) v
                       from imp_raw group by all having v > 1)""").fetchone()[0]
    assert n == manifest["impressions_restatements"][0]["rows"]


def test_prevalence_labels_follow_the_spam_windows(sim, clean):
    spam = {r["content_id"]: r for r in pq.read_table(sim / "truth" / "spam_items.parquet").to_pylist()}
    for s in clean["prevalence_samples"].values():
        if s["label"] not in ("violating", "not_violating"):
            continue
        sp = spam.get(s["content_id"])
        h = ts(s["hour_ts"])
        is_spam = sp is not None and h + HOUR > sp["spam_from"] and (sp["spam_to"] is None or h < sp["spam_to"])
        labelled_spam = s["label"] == "violating" and K.POLICIES[s["policy_code"]][1]
        assert is_spam == labelled_spam, s["sample_id"]


def _detector_thresholds() -> dict[tuple[str, int], float | None]:
    """The detectors seed, read here on its own (not through the simulator's loader)."""
    with open(SEEDS / "detectors.csv", newline="", encoding="utf-8") as fh:
        return {(r["detector"], int(r["version"])): (float(r["operating_threshold"]) if r["operating_threshold"] else None)
                for r in csv.DictReader(fh)}


def test_unwanted_impressions_recomputed_straightforwardly(sim, con, clean, content):
    """Straight from metrics.md, item by item, in Python + SQL, on the delivered records: judged by a
    standing spam action on the item or its owner (an account action only for items created by its
    decision), ended per country by the earliest lasting exposure-ending action, paused by temporary
    ones, split at the first signal (reports; enforce hits; shadow hits at the operating threshold)."""
    reversed_ids = {a["action_id"] for a in clean["appeals"].values() if a["outcome"] == "reversed"
                    and (a["route"] == "internal" or a["outcome_implemented"] is True)}
    owned = defaultdict(list)
    for c in content.values():
        owned[c["owner_account_id"]].append(c["content_id"])

    def items(target_type, target_id, decided_at=None):
        if target_type == "content":
            return [target_id]
        return [it for it in owned.get(target_id, [])
                if decided_at is None or ts(content[it]["created_at"]) <= ts(decided_at)]

    judged, ends, pauses = set(), {}, []
    for a in clean["enforcement_actions"].values():
        if a["action_id"] in reversed_ids:
            continue
        for it in items(a["target_type"], a["target_id"], a["decided_at"]):
            if K.POLICIES[a["policy_code"]][1]:
                judged.add(it)
            if a["action_type"] in K.EXPOSURE_ENDING:
                scope = K.COUNTRY_CODES if a["territorial_scope"] == ["GLOBAL"] else a["territorial_scope"]
                for c in scope:
                    if a["end_at"]:
                        pauses.append((it, c, ts(a["effective_at"]), ts(a["end_at"])))
                    else:
                        ends[(it, c)] = min(ends.get((it, c), END + timedelta(days=9999)), ts(a["effective_at"]))
    thresholds = _detector_thresholds()

    def signals(hit) -> bool:
        if hit["mode"] == "enforce":
            return True
        key = (hit["rule_id"], int(hit["rule_version"]))
        return key in thresholds and (thresholds[key] is None or (hit["score"] or 0) >= thresholds[key])

    signal = {}
    for feed, f in (("reports", "received_at"), ("rule_hits", "hit_at")):
        for r in clean[feed].values():
            if feed == "rule_hits" and not signals(r):
                continue
            for it in items(r["target_type"], r["target_id"]):
                signal[it] = min(signal.get(it, ts(r[f])), ts(r[f]))
    rows = [(it, c, ends.get((it, c)), ts(content[it]["created_at"]), signal.get(it)) for it in sorted(judged)
            for c in K.COUNTRY_CODES]
    j = pa.table({name: pa.array([r[k] for r in rows], typ) for k, (name, typ) in enumerate([
        ("content_id", pa.string()), ("country", pa.string()), ("end_at", pa.timestamp("us", tz="UTC")),
        ("created_at", pa.timestamp("us", tz="UTC")), ("signal_at", pa.timestamp("us", tz="UTC"))])})
    p = pa.table({name: pa.array([r[k] for r in pauses], typ) for k, (name, typ) in enumerate([
        ("content_id", pa.string()), ("country", pa.string()), ("paused_from", pa.timestamp("us", tz="UTC")),
        ("paused_to", pa.timestamp("us", tz="UTC"))])})
    assert pauses, "the simulated data should hold temporary restrictions"
    con = con.cursor()
    con.register("j_arrow", j)
    con.register("p_arrow", p)
    got = con.execute("""
        with rows as (
            select i.*, j.content_id is not null and (j.end_at is null or i.hour_ts < j.end_at)
                   and i.hour_ts + interval 1 hour > j.created_at
                   and not exists (select 1 from p_arrow p where p.content_id = i.content_id and p.country = i.country
                                   and i.hour_ts >= p.paused_from and i.hour_ts + interval 1 hour <= p.paused_to)
                   as is_unwanted,
                   j.signal_at
            from imp i left join j_arrow j using (content_id, country)
        )
        select hour_ts::date d, surface, country, sum(impressions),
               coalesce(sum(impressions) filter (where is_unwanted), 0) as unwanted,
               coalesce(sum(impressions) filter (where is_unwanted and (signal_at is null or hour_ts < signal_at)), 0)
        from rows group by all""").fetchall()
    truth = {(r["date_day"], r["surface"], r["country"]): r
             for r in pq.read_table(sim / "truth" / "unwanted_impressions.parquet").to_pylist()}
    assert len(got) == len(truth)
    total = 0
    for d, s, c, imp, unw, before in got:
        r = truth[(d, s, c)]
        assert (r["impressions"], r["unwanted_impressions"], r["unwanted_before_signal"],
                r["unwanted_after_signal"]) == (imp, unw, before, unw - before), (d, s, c)
        total += unw
    assert total > 0 and any(r["unwanted_before_signal"] for r in truth.values())


def test_report_sla_truth_is_consistent(sim, clean, content):
    """metrics.md, SLA compliance, written out again: the first final review decision on the target,
    or the decided_at of an answering action (on the target, naming the report, on the reported
    item's owner, on a reported account's items), decided at or after receipt."""
    sla = {r["report_id"]: r for r in pq.read_table(sim / "truth" / "report_sla.parquet").to_pylist()}
    assert set(sla) == set(clean["reports"])
    decided = defaultdict(list)
    for e in clean["review_events"].values():
        if e["event_type"] == "decided" and e["decision"] in ("violating", "not_violating", "unable_to_review"):
            decided[(e["target_type"], e["target_id"])].append(ts(e["event_ts"]))
    owned = defaultdict(set)
    for c in content.values():
        owned[c["owner_account_id"]].add(c["content_id"])
    actions = list(clean["enforcement_actions"].values())
    as_of = max(r["as_of"] for r in sla.values())
    answered_by_other_target = 0
    for rid, r in sla.items():
        rep = clean["reports"][rid]
        rt = ts(rep["received_at"])
        tt, tid = rep["target_type"], rep["target_id"]

        def answers(a, rep=rep, tt=tt, tid=tid) -> bool:
            if (a["target_type"], a["target_id"]) == (tt, tid) or a.get("report_id") == rep["report_id"]:
                return True
            if tt == "content" and a["target_type"] == "account":
                return tid in content and content[tid]["owner_account_id"] == a["target_id"]
            return tt == "account" and a["target_type"] == "content" and a["target_id"] in owned.get(tid, ())

        answering = [a for a in actions if ts(a["decided_at"]) >= rt and answers(a)]
        candidates = [t for t in decided[(tt, tid)] if t >= rt] + [ts(a["decided_at"]) for a in answering]
        first = min(candidates, default=None)
        assert r["decided_at"] == first
        assert r["actioned_at"] == min((ts(a["effective_at"]) for a in answering), default=None)
        answered_by_other_target += any((a["target_type"], a["target_id"]) != (tt, tid) for a in answering)
        if first is None:
            age = (as_of - rt).total_seconds() / 3600
            assert r["sla_status"] == ("open_breached" if age > r["target_hours"] else "open_within_target")
        else:
            assert r["sla_status"] == ("compliant" if (first - rt).total_seconds() / 3600 <= r["target_hours"] else "breached")
    assert answered_by_other_target > 0, "some reports should be answered by an action on another target"
    assert {r["sla_status"] for r in sla.values()} >= {"compliant", "breached", "open_within_target"}
    esc = [r for r in sla.values() if r["priority"] == "P0"]
    assert all(r["target_hours"] == 1 for r in esc)


def test_spam_items_and_campaigns_agree(sim, content):
    spam = pq.read_table(sim / "truth" / "spam_items.parquet").to_pylist()
    camps = pq.read_table(sim / "truth" / "campaigns.parquet").to_pylist()
    assert all(s["content_id"] in content for s in spam)
    assert {s["policy_code"] for s in spam} <= set(K.SPAM_POLICIES)
    per = Counter(s["campaign_id"] for s in spam if s["campaign_id"])
    assert {c["campaign_id"]: c["items"] for c in camps} == dict(per)
    assert any(s["spam_to"] is not None for s in spam)  # hijacked profiles that were cleaned


# ============================================================ the fault manifest


def test_every_fault_kind_is_injected(manifest):
    kinds = {f["kind"] for f in manifest["faults"]}
    assert kinds == {"malformed_json", "missing_required_field", "unknown_enum_value", "unparsable_timestamp",
                     "impossible_timestamp", "negative_count", "unknown_reference", "conflicting_duplicate",
                     "exact_duplicate", "extra_column", "empty_file", "truncated_gzip", "invalid_encoding"}


def test_fault_manifest_matches_the_files(sim, manifest, raw, content):
    land = sim / "landing"
    from orchestration.simulator.deliver import ID_FIELD

    all_ids = {feed: {r[ID_FIELD[feed]]: r for r in recs} for feed, recs in raw.items()}
    for f in manifest["faults"]:
        path = land / f["file"]
        assert path.exists(), f
        kind = f["kind"]
        if kind == "empty_file":
            assert path.stat().st_size == 0
            continue
        if kind == "truncated_gzip":
            with pytest.raises((EOFError, OSError)):
                gzip.decompress(path.read_bytes())
            continue
        if f["feed"] == "impressions":
            t = pq.read_table(path).to_pylist()
            if kind == "extra_column":
                assert "device_class" in pq.read_schema(path).names and len(t) == f["count"]
            elif kind == "negative_count":
                assert all(t[n - 1]["impressions"] < 0 for n in f["line_no"]) and len(f["line_no"]) == f["count"]
            elif kind == "unknown_reference":
                assert all(t[n - 1]["content_id"] not in content for n in f["line_no"])
            continue
        lines = _lines(path)
        (n,) = f["line_no"]
        line = lines[n - 1]
        if kind == "invalid_encoding":
            with pytest.raises(UnicodeDecodeError):
                line.decode("utf-8")
            continue
        if kind == "malformed_json":
            with pytest.raises(json.JSONDecodeError):
                json.loads(line)
            continue
        rec = json.loads(line)
        feed = f["feed"]
        idf = ID_FIELD[feed]
        if kind == "missing_required_field":
            assert any(rec.get(x) is None for x in REQUIRED[feed])
        elif kind == "unknown_enum_value":
            assert any(rec.get(k) is not None and rec[k] not in v for k, v in ENUMS[feed].items())
        elif kind == "unparsable_timestamp":
            bad = [rec[k] for k in TS[feed] if rec.get(k)]
            assert any(not ISO_TS.match(v) for v in bad)
        elif kind == "impossible_timestamp":
            vals = [rec[k] for k in TS[feed] if rec.get(k)]

            def impossible(v):
                try:
                    t = datetime.fromisoformat(v)
                except ValueError:
                    return True
                return t.year < 2000 or t.year > 2030

            assert any(impossible(v) for v in vals)
        elif kind == "unknown_reference":
            assert (feed == "reports" and rec["target_id"] not in content) or (
                feed == "appeals" and rec["action_id"] not in all_ids["enforcement_actions"])
        elif kind == "conflicting_duplicate":
            orig = all_ids[feed][rec[idf]]
            assert orig["_dt"] < f["delivered_dt"]
            assert {k: v for k, v in orig.items() if not k.startswith("_")} != rec
        elif kind == "exact_duplicate":
            orig = all_ids[feed][rec[idf]]
            assert orig["_dt"] < f["delivered_dt"] and orig["_bytes"] == line
        elif kind == "extra_column":
            assert set(rec) - set(FIELDS[feed])
        # fresh ids for record faults: never the id of a clean record (only duplicates repeat one)
        if kind not in ("conflicting_duplicate", "exact_duplicate", "extra_column"):
            assert rec.get(idf) not in all_ids[feed]


def test_delivery_counts_reconcile(sim, manifest):
    """Per file: lines in the file = clean + re-sends + listed faults (what a loader must reconcile)."""
    land = sim / "landing"
    faults_per_file = Counter()
    for f in manifest["faults"]:
        if f["line_no"] and f["feed"] != "impressions" and f["kind"] != "extra_column":
            faults_per_file[f["file"]] += len(f["line_no"])
    unreadable = {f["file"] for f in manifest["faults"] if f["kind"] in ("truncated_gzip", "empty_file")}
    for d in manifest["deliveries"]:
        path = land / d["file"]
        if d["file"] in unreadable:
            assert d["records"] == 0
            continue
        if d["feed"] == "impressions":
            assert pq.ParquetFile(path).metadata.num_rows == d["records"]
            continue
        n = len(_lines(path)) - (1 if path.suffix == ".csv" else 0)
        assert n == d["records"], d["file"]
        non_clean = sum(v for k, v in d["tags"].items() if k not in ("clean", "resend", "extra_column"))
        assert non_clean == faults_per_file[d["file"]], d["file"]


# ============================================================ the simulator and the seeds speak the same codes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(name: str) -> list[dict]:
    import csv

    path = SEEDS / f"{name}.csv"
    assert path.exists(), f"seed {name} is missing"
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_simulator_and_seeds_agree():
    pol = {r["policy_code"]: (r["policy_area"], r["is_spam"].lower() == "true") for r in _seed("policies")}
    assert pol == K.POLICIES
    assert {r["reason_code"]: r["policy_area"] for r in _seed("reason_codes")} == K.REASON_POLICY_AREA
    ends = {r["action_type"] for r in _seed("action_types") if r["ends_exposure"].lower() == "true"}
    assert ends == K.EXPOSURE_ENDING
    mine = (Path(K.__file__).parent / "sla_targets.csv").read_text().splitlines()
    theirs = (SEEDS / "sla_targets.csv").read_text().splitlines()
    assert sorted(mine) == sorted(theirs)
    countries = {r["country_code"]: r for r in _seed("countries")}
    for code, eu_eea, _langs, _share, _tz in K.COUNTRIES:
        assert code in countries
        assert (countries[code]["is_eea"].lower() == "true") == eu_eea, code
    assert {r["surface"] for r in _seed("surfaces")} == set(K.SURFACES)
    assert {r["content_type"] for r in _seed("content_types")} == set(K.CONTENT_TYPES)
