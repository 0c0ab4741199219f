"""Delivery: which day each record lands in the landing zone, how producers format it, and the files.

Late delivery (0-14 days), identical re-sends in another byte format, producers that send local
offsets (+02:00, +08:00) or milliseconds. A record never lands before a record it refers to.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from . import constants as K
from .world import DAY, HOUR, World

TS_FIELDS = {
    "accounts": ["created_at"],
    "content": ["created_at", "updated_at"],
    "reports": ["received_at", "acknowledged_at"],
    "review_events": ["event_ts"],
    "enforcement_actions": ["decided_at", "effective_at", "end_at"],
    "appeals": ["filed_at", "resolved_at"],
    "rule_hits": ["hit_at"],
    "prevalence_samples": ["hour_ts", "labeled_at"],
    "qa_audits": ["audited_at"],
}
FIELDS = {
    "accounts": ["account_id", "account_type", "created_at", "country", "email", "signup_ip", "is_verified"],
    "content": ["content_id", "content_type", "owner_account_id", "created_at", "updated_at", "country", "language",
                "title", "description", "link_domains", "ean13"],
    "reports": ["report_id", "received_at", "reporter_type", "channel", "target_type", "target_id", "reason_code",
                "reporter_id", "reporter_email", "country", "language", "is_dsa_notice", "authority_member_state",
                "order_type", "priority", "acknowledged_at", "free_text"],
    "review_events": ["event_id", "review_id", "event_type", "event_ts", "target_type", "target_id", "queue",
                      "source_type", "source_ref", "decision", "policy_code", "reviewer_id", "vendor",
                      "reviewer_language", "handling_seconds", "automated"],
    "enforcement_actions": ["action_id", "decided_at", "effective_at", "target_type", "target_id", "action_type",
                            "policy_code", "decision_ground", "legal_ground", "territorial_scope", "source",
                            "automated_detection", "automated_decision", "end_at", "review_id", "report_id",
                            "rule_id", "facts"],
    "appeals": ["appeal_id", "action_id", "filed_at", "route", "outcome", "resolved_at", "outcome_implemented"],
    "rule_hits": ["hit_id", "hit_at", "rule_id", "rule_version", "mode", "target_type", "target_id", "score"],
    "prevalence_samples": ["sample_id", "hour_ts", "content_id", "surface", "country", "stratum", "inclusion_prob",
                           "label", "policy_code", "labeled_at", "labeler_id"],
    "qa_audits": ["audit_id", "review_id", "audited_at", "gold_decision", "gold_policy_code", "auditor_id"],
}
DECIDED_ONLY = ["decision", "policy_code", "reviewer_id", "vendor", "reviewer_language", "handling_seconds", "automated"]
ID_FIELD = {"accounts": "account_id", "content": "content_id", "reports": "report_id", "review_events": "event_id",
            "enforcement_actions": "action_id", "appeals": "appeal_id", "rule_hits": "hit_id",
            "prevalence_samples": "sample_id", "qa_audits": "audit_id"}
GZIP_FEEDS = {"review_events", "rule_hits"}
PRIMARY_TS = {"reports": "received_at", "review_events": "event_ts", "enforcement_actions": "decided_at",
              "appeals": "filed_at", "rule_hits": "hit_at", "qa_audits": "audited_at"}
JSONL_FEEDS = list(FIELDS)


def fmt_ts(t: int | None, style: str = "Z") -> str | None:
    if t is None:
        return None
    if style == "Z":
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "ms":
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if style == "+00:00":
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    hours = int(style[:3])
    return datetime.fromtimestamp(t + hours * HOUR, UTC).strftime("%Y-%m-%dT%H:%M:%S") + style


def fmt_date(t: int | None) -> str:
    return "" if t is None else datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d")


@dataclass
class FileSpec:
    feed: str
    dt: str
    name: str
    lines: list[bytes] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # per line: clean | resend | <fault kind>
    raw_bytes: bytes | None = None  # written as-is (truncated gzip, empty file)

    @property
    def rel(self) -> str:
        return f"{self.feed}/dt={self.dt}/{self.name}"


def _style(feed: str, rec: dict) -> str:
    if feed == "reports" and rec["channel"] in ("web_form", "dsa_notice_form"):
        return "+02:00"
    if feed == "review_events" and rec.get("vendor") == "vendor_a":
        return "+08:00"
    if feed == "rule_hits":
        return "ms"
    if feed == "appeals" and rec["route"] == "out_of_court":
        return "+01:00"
    return "Z"


def render(feed: str, rec: dict, style: str | None = None, resend: bool = False) -> bytes:
    style = style or _style(feed, rec)
    ts = TS_FIELDS.get(feed, [])
    names = FIELDS[feed]
    if feed == "review_events" and rec["event_type"] != "decided":
        names = [n for n in names if n not in DECIDED_ONLY]
    out = {}
    for n in names:
        v = rec.get(n)
        if n in ts:
            v = fmt_ts(v, "+00:00" if resend and style == "Z" else style)
        out[n] = v
    if resend:
        out = dict(reversed(list(out.items())))
        return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return json.dumps(out, ensure_ascii=False).encode("utf-8")


def content_records(w: World) -> list[dict]:
    """Catalogue change log: one insert per item, updates for hijacked profiles and some renames."""
    rng = np.random.default_rng(np.random.SeedSequence([w.seed, 3]))
    recs = []
    hij = {h["item"]: h for h in w.feeds.get("_hijack", [])}
    digits = rng.integers(0, 10, size=(len(w.item_ids), 12))
    check = (10 - (digits * np.array([1, 3] * 6)).sum(axis=1) % 10) % 10
    eans = ["".join(map(str, d)) + str(c) for d, c in zip(digits.tolist(), check.tolist(), strict=True)]
    for i, cid in enumerate(w.item_ids):
        tc = w.item_created[i]
        if tc >= w.end:
            continue
        base = {"content_id": cid, "content_type": w.item_type[i], "owner_account_id": w.account_ids[w.item_owner[i]],
                "created_at": tc, "updated_at": tc, "country": K.COUNTRY_CODES[w.item_country[i]],
                "language": w.item_lang[i], "title": w.item_title[i] or None, "description": w.item_desc[i] or None,
                "link_domains": list(w.item_domains[i]),
                "ean13": eans[i] if w.item_type[i] == "track" else None, "_t": max(tc, w.start), "_item": i,
                "_base": True}
        recs.append(base)
        if i in hij:
            h = hij[i]
            spam = dict(base, updated_at=h["from"], description=f"NEW: free premium here https://{h['domain']}/x",
                        link_domains=base["link_domains"] + [h["domain"]], _t=h["from"], _base=False)
            recs.append(spam)
            if h["to"] < w.end:
                recs.append(dict(base, updated_at=h["to"], _t=h["to"], _base=False))
        elif tc < w.start and rng.random() < 0.03:
            tu = w.start + int(rng.integers(0, w.days * DAY))
            recs.append(dict(base, updated_at=tu, title=(base["title"] or "") + " (Remastered)", _t=tu, _base=False))
    return recs


def _ean(rng) -> str:
    digits = [int(d) for d in rng.integers(0, 10, size=12)]
    s = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return "".join(map(str, digits)) + str((10 - s % 10) % 10)


def account_records(w: World) -> list[dict]:
    out = []
    for a, aid in enumerate(w.account_ids):
        t = w.acc_created[a]
        if t >= w.end:
            continue
        out.append({"account_id": aid, "account_type": w.acc_type[a], "created_at": t,
                    "country": K.COUNTRY_CODES[w.acc_country[a]], "email": w.acc_email[a], "signup_ip": w.acc_ip[a],
                    "is_verified": w.acc_verified[a], "_t": max(t, w.start), "_acc": a})
    return out


def assign_delivery(w: World, last_dt: int) -> dict[str, list[dict]]:
    """Set `_dt` (day index from the period start) on every record; return the feeds incl. reference data.
    Records with `_dt > last_dt` are not delivered."""
    rng = np.random.default_rng(np.random.SeedSequence([w.seed, 5]))
    feeds: dict[str, list[dict]] = {"accounts": account_records(w), "content": content_records(w)}
    id_dt: dict[str, int] = {}

    def day(t: int) -> int:
        return max(0, (t - w.start) // DAY)

    for r in feeds["accounts"]:
        r["_dt"] = day(r["created_at"])
        id_dt[r["account_id"]] = r["_dt"]
    for r in feeds["content"]:
        if r["_base"]:
            r["_dt"] = max(day(r["created_at"]), id_dt.get(r["owner_account_id"], 0))
            id_dt[r["content_id"]] = r["_dt"]
        else:
            r["_dt"] = day(r["updated_at"]) + (1 if rng.random() < 0.2 else 0)
    lags = np.array([0, 1, 2, 3] + list(range(4, 15)))
    p = np.array([0.72, 0.18, 0.04, 0.02] + [0.04 / 11] * 11)
    events = []
    for feed in ("reports", "review_events", "enforcement_actions", "appeals", "rule_hits", "qa_audits"):
        for r in w.feeds.get(feed, []):
            events.append((r["_seq"], feed, r))
    events.sort(key=lambda x: x[0])
    lag = rng.choice(lags, size=len(events), p=p)
    for (_, feed, r), lg in zip(events, lag.tolist(), strict=True):
        # late by `lg` days after its own timestamp, never before it is complete (acknowledged, resolved)
        deps = [max(day(r[PRIMARY_TS[feed]]) + lg, day(r["_t"]))]
        if feed in ("reports", "rule_hits", "review_events", "enforcement_actions"):
            deps.append(id_dt.get(r["target_id"], 10**6))
        if feed == "review_events" and r.get("source_ref"):
            deps.append(id_dt.get(r["source_ref"], 0))
        if feed == "enforcement_actions":
            for k in ("review_id", "report_id"):
                if r.get(k):
                    deps.append(id_dt.get(r[k], 0))
        if feed == "appeals":
            deps.append(id_dt.get(r["action_id"], 10**6))
        if feed == "qa_audits":
            deps.append(id_dt.get(r["review_id"], 10**6))
        r["_dt"] = max(deps)  # what it refers to is older, so already delivered by then
        id_dt[r[ID_FIELD[feed]]] = r["_dt"]
        if feed == "review_events":
            id_dt[r["review_id"]] = max(id_dt.get(r["review_id"], 0), r["_dt"])
        feeds.setdefault(feed, []).append(r)
    for f in list(feeds):
        feeds[f] = [r for r in feeds[f] if r["_dt"] <= last_dt]
    return feeds


def build_files(w: World, feeds: dict[str, list[dict]], last_dt: int) -> dict[str, FileSpec]:
    """JSONL files per feed and delivery day (part-0: the day's delivery, part-1: re-sends)."""
    rng = np.random.default_rng(np.random.SeedSequence([w.seed, 9]))
    files: dict[str, FileSpec] = {}
    day0 = np.datetime64(w.start // DAY, "D")
    for feed in JSONL_FEEDS:
        ext = "jsonl.gz" if feed in GZIP_FEEDS else "jsonl"
        recs = sorted(feeds.get(feed, []), key=lambda r: (r["_dt"], r["_t"], r.get("_seq", 0)))
        resend_p = 0.004 if feed in ("accounts", "content") else 0.01
        for r in recs:
            dt = str(day0 + r["_dt"])
            key = f"{feed}/dt={dt}/part-0.{ext}"
            fs = files.get(key) or files.setdefault(key, FileSpec(feed, dt, f"part-0.{ext}"))
            fs.lines.append(render(feed, r))
            fs.tags.append("clean")
            if rng.random() < resend_p:
                rdt = r["_dt"] + int(rng.integers(1, 4))
                first = r.get(PRIMARY_TS.get(feed, ""), None)
                if rdt <= last_dt and (first is None or rdt <= (first - w.start) // DAY + 14):
                    dts = str(day0 + rdt)
                    k2 = f"{feed}/dt={dts}/part-1.{ext}"
                    f2 = files.get(k2) or files.setdefault(k2, FileSpec(feed, dts, f"part-1.{ext}"))
                    f2.lines.append(render(feed, r, resend=True))
                    f2.tags.append("resend")
    _csv_files(w, files, last_dt)
    return files


def _csv_files(w: World, files: dict[str, FileSpec], last_dt: int) -> None:
    rng = np.random.default_rng(np.random.SeedSequence([w.seed, 13]))
    day0 = np.datetime64(w.start // DAY, "D")
    snap_days = [0] + [d for d in range(1, last_dt + 1) if str(day0 + d).endswith("-01")]
    for d in snap_days:
        t_snap = w.start + d * DAY
        buf = io.StringIO()
        wr = csv.writer(buf, lineterminator="\n")
        wr.writerow(["reviewer_id", "vendor", "employment", "languages", "active_from", "active_to"])
        for r in w.reviewers:
            if r["active_from"] > t_snap:
                continue
            to = r["active_to"] if r["active_to"] is not None and r["active_to"] <= t_snap else None
            wr.writerow([r["reviewer_id"], r["vendor"], r["employment"], ";".join(r["languages"]),
                         fmt_date(r["active_from"]), fmt_date(to)])
        dt = str(day0 + d)
        fs = FileSpec("moderators", dt, "part-0.csv")
        fs.lines = [ln.encode() for ln in buf.getvalue().splitlines()]
        fs.tags = ["header"] + ["clean"] * (len(fs.lines) - 1)
        files[fs.rel] = fs
    # monthly active recipients: history at the first delivery, then each month on the 1st
    first_month = (day0.astype("datetime64[M]") - 6)
    mar_days = {0: [first_month + i for i in range(6)]}
    for d in snap_days[1:]:
        mar_days[d] = [(day0 + d).astype("datetime64[M]") - 1]
    base = w.scale.accounts * 400
    for d, months in mar_days.items():
        buf = io.StringIO()
        wr = csv.writer(buf, lineterminator="\n")
        wr.writerow(["month", "country", "recipients"])
        for m in months:
            mi = int((m - np.datetime64("2024-01", "M")).astype(int))
            eu_sum = 0
            for code, eu, _l, share, _tz in K.COUNTRIES:
                val = int(base * share * (1 + 0.012 * mi) * (1 + 0.02 * rng.standard_normal()))
                wr.writerow([str(m), code, val])
                eu_sum += val if eu else 0
            # the de-duplicated EU total: a listener active in two member states counts once
            wr.writerow([str(m), "EU", int(eu_sum * 0.97)])
        dt = str(day0 + d)
        fs = FileSpec("monthly_active_recipients", dt, "part-0.csv")
        fs.lines = [ln.encode() for ln in buf.getvalue().splitlines()]
        fs.tags = ["header"] + ["clean"] * (len(fs.lines) - 1)
        files[fs.rel] = fs


def write_files(landing: Path, files: dict[str, FileSpec]) -> None:
    for rel in sorted(files):
        fs = files[rel]
        path = landing / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if fs.raw_bytes is not None:
            data = fs.raw_bytes
        else:
            data = b"\n".join(fs.lines) + (b"\n" if fs.lines else b"")
            if fs.name.endswith(".gz"):
                data = gzip.compress(data, compresslevel=6, mtime=0)
        path.write_bytes(data)


def deliver_samples(w: World, samples: list[dict], feeds: dict, last_dt: int) -> list[dict]:
    """Labelled samples arrive when labelled; ones not yet labelled by the end (recent days) arrive the
    day after they were drawn with label, labeled_at and labeler_id null."""
    content_dt = {r["content_id"]: r["_dt"] for r in feeds["content"] if r["_base"]}
    out = []
    for s in samples:
        if s["labeled_at"] >= w.end:
            s = dict(s, label=None, policy_code=None, labeled_at=None, labeler_id=None, _pending=True)
            dt = (s["_drawn"] - w.start) // DAY
        else:
            dt = (s["labeled_at"] - w.start) // DAY
        s["_dt"] = max(dt, content_dt.get(s["content_id"], 10**6))
        if s["_dt"] <= last_dt:
            out.append(s)
    return out
