"""Ground truth: what a perfect warehouse computes from exactly the delivered files.

Definitions (metrics.md, made exact here; the warehouse must agree):
- reversed action: an appeal with outcome `reversed`, route internal, or out_of_court with
  outcome_implemented = true. `partially_reversed` leaves the action standing.
- judged spam item: a delivered, non-reversed action with a spam policy (policies.is_spam) targets the
  item, or the account that owns it (owner from the content feed).
- an action on an account concerns the items the account had created by the action's decided_at
  (it neither judges nor hides later uploads).
- action time of an item, per country: the earliest effective_at among its delivered non-reversed
  lasting (no end_at) exposure-ending actions (remove, disable, service_suspend/terminate,
  account_suspend/terminate) on the item or its owner account; GLOBAL applies to every country, a
  country list to those countries. No such action: exposure runs to the end of the data.
- a temporary exposure-ending action (with end_at) pauses exposure in its scope from effective_at to
  end_at: a row inside (hour_ts >= effective_at and hour_ts + 1h <= end_at) is not unwanted.
- an hourly impressions row is unwanted when the item is judged spam, hour_ts < action time
  (country of the row), hour_ts + 1h > created_at, and it is inside no pause.
- first signal: the earliest delivered report (received_at) or signalling rule hit (hit_at) on the
  item or its owner account. A hit signals when it is in enforce mode, or its detector version is in
  the detectors seed with no operating threshold, or its score is at or above that threshold. An
  unwanted row is `before signal` when hour_ts < first signal, otherwise `after signal`.
- true spam at an hour (prevalence): hour_ts + 1h > spam_from and hour_ts < spam_to (null = never ends).
- impressions: the latest delivery of each (hour_ts, content_id, surface, country) key (restatements).
- SLA: see `report_sla`.
"""

from __future__ import annotations

import bisect
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import constants as K
from .impressions import NC, NS, TruthInputs
from .world import DAY, INF, World

FINAL_DECISIONS = {"violating", "not_violating", "unable_to_review"}


def _ts(values: list[int | None]) -> pa.Array:
    return pa.array([None if v is None or v >= INF else v * 1_000_000 for v in values], pa.int64()).cast(
        pa.timestamp("us", tz="UTC"))


def catalogue(feeds: dict) -> tuple[dict[str, dict], dict[str, str], dict[str, list[str]]]:
    """The delivered catalogue: the latest version of each item (last updated_at wins), its owner
    account, and the items each account owns."""
    latest: dict[str, dict] = {}
    for c in feeds.get("content", []):
        cur = latest.get(c["content_id"])
        if cur is None or c["updated_at"] > cur["updated_at"]:
            latest[c["content_id"]] = c
    owner = {cid: c["owner_account_id"] for cid, c in latest.items()}
    owned: dict[str, list[str]] = {}
    for cid, acc in owner.items():
        owned.setdefault(acc, []).append(cid)
    return latest, owner, owned


def reversed_actions(feeds: dict) -> set[str]:
    out = set()
    for a in feeds.get("appeals", []):
        if a["outcome"] == "reversed" and (a["route"] == "internal" or a["outcome_implemented"] is True):
            out.add(a["action_id"])
    return out


def is_signal(hit: dict, thresholds: dict[tuple[str, int], float | None]) -> bool:
    """A rule hit is a signal a team could act on: enforce mode, or a seeded detector version whose
    operating threshold the score reaches (detectors without a score: any hit)."""
    if hit["mode"] == "enforce":
        return True
    key = (hit["rule_id"], int(hit["rule_version"]))
    if key not in thresholds:
        return False
    threshold = thresholds[key]
    return threshold is None or (hit["score"] is not None and hit["score"] >= threshold)


def truth_inputs(w: World, feeds: dict) -> TruthInputs:
    n = len(w.item_ids)
    idx = {cid: i for i, cid in enumerate(w.item_ids)}
    owner_items: dict[str, list[int]] = {}
    created = np.full(n, INF, dtype=np.int64)
    latest: dict[str, dict] = {}
    for r in feeds["content"]:
        cur = latest.get(r["content_id"])
        if cur is None or r["updated_at"] > cur["updated_at"]:
            latest[r["content_id"]] = r
    for cid, r in latest.items():
        i = idx[cid]
        created[i] = r["created_at"]
        owner_items.setdefault(r["owner_account_id"], []).append(i)
    rev = reversed_actions(feeds)

    def items_of(target_type: str, target_id: str, decided_at: int | None = None) -> list[int]:
        """The items a record on this target concerns; an action (decided_at given) on an account
        concerns only the items the account had created by then."""
        if target_type == "content":
            return [idx[target_id]] if target_id in latest else []
        its = owner_items.get(target_id, [])
        return its if decided_at is None else [i for i in its if created[i] <= decided_at]

    judged = np.zeros(n, dtype=bool)
    end_g = np.full(n, INF, dtype=np.int64)
    scoped: dict[int, int] = {}
    pauses: dict[int, list[tuple[int, int, int]]] = {}
    for a in feeds.get("enforcement_actions", []):
        if a["action_id"] in rev:
            continue
        its = items_of(a["target_type"], a["target_id"], a["decided_at"])
        if K.POLICIES[a["policy_code"]][1]:
            judged[its] = True
        if a["action_type"] in K.EXPOSURE_ENDING and a.get("end_at") is not None:
            # a temporary restriction pauses exposure from effective_at to end_at, nothing more
            if a["end_at"] > a["effective_at"]:
                cis = [-1] if a["territorial_scope"] == ["GLOBAL"] else [
                    K.COUNTRY_CODES.index(c) for c in a["territorial_scope"]]
                for i in its:
                    pauses.setdefault(i, []).extend((ci, a["effective_at"], a["end_at"]) for ci in cis)
        elif a["action_type"] in K.EXPOSURE_ENDING:
            eff = a["effective_at"]
            if a["territorial_scope"] == ["GLOBAL"]:
                for i in its:
                    end_g[i] = min(end_g[i], eff)
            else:
                for c in a["territorial_scope"]:
                    ci = K.COUNTRY_CODES.index(c)
                    for i in its:
                        k = i * NC + ci
                        scoped[k] = min(scoped.get(k, INF), eff)
    signal = np.full(n, INF, dtype=np.int64)
    thresholds = K.load_detector_thresholds()
    for feed, tfield in (("reports", "received_at"), ("rule_hits", "hit_at")):
        for r in feeds.get(feed, []):
            if feed == "rule_hits" and not is_signal(r, thresholds):
                continue
            for i in items_of(r["target_type"], r["target_id"]):
                signal[i] = min(signal[i], r[tfield])
    keys = np.array(sorted(scoped), dtype=np.int64)
    return TruthInputs(judged=judged, end_global=end_g, scoped_keys=keys,
                       scoped_end=np.array([scoped[k] for k in keys.tolist()], dtype=np.int64),
                       signal=signal, created=created, pauses=pauses)


# ------------------------------------------------------------------ SLA


def sla_target(rep: dict, targets: list[dict]) -> tuple[float, bool]:
    area = K.REASON_POLICY_AREA[rep["reason_code"]]
    vals = {"reporter_type": rep["reporter_type"], "channel": rep["channel"], "priority": rep["priority"] or "",
            "policy_area": area}
    day = datetime.fromtimestamp(rep["received_at"], UTC).strftime("%Y-%m-%d")
    best = None
    for t in targets:
        if t["valid_from"] > day:
            continue
        spec = 0
        ok = True
        for col, v in vals.items():
            if t[col]:
                if t[col] != v:
                    ok = False
                    break
                spec += 1
        if not ok:
            continue
        key = (-spec, t["target_hours"])
        if best is None or key < best[0]:
            best = (key, t)
    return best[1]["target_hours"], best[1]["published"]


# Times at which something happened (metrics.md, SLA compliance): these, and only these, move "now".
# effective_at and end_at are set ahead of time and never count.
HAPPENED_AT = {
    "reports": ("received_at",),
    "review_events": ("event_ts",),
    "enforcement_actions": ("decided_at",),
    "rule_hits": ("hit_at",),
    "appeals": ("filed_at", "resolved_at"),
    "prevalence_samples": ("labeled_at",),
}


def as_of(feeds: dict, period_start: int) -> int:
    """The latest time something happened in the delivered data, capped at the end of the latest
    delivery day (`_dt` is the delivery day's index from `period_start`)."""
    happened: list[int] = []
    last_dt = 0
    for feed, fields in HAPPENED_AT.items():
        for r in feeds.get(feed, []):
            last_dt = max(last_dt, r["_dt"])
            happened += [r[f] for f in fields if r.get(f) is not None]
    return min(max(happened), period_start + (last_dt + 1) * DAY)


def report_sla(feeds: dict, period_start: int) -> pa.Table:
    """Per report, from metrics.md "SLA compliance", written from the spec:

    - decision: the first `decided` review event on the reported target at or after received_at
      with a final decision, or the decided_at of an action that answers the report, whichever
      comes first;
    - an action answers a report when it was decided at or after received_at and it is on the
      reported target, names the report (report_id), is on the reported item's owner account, or,
      for a reported account, is on an item the account owns;
    - first action: the earliest effective_at of the actions that answer it;
    - status against the most specific target, as of `as_of`.
    """
    targets = K.load_sla_targets()
    decisions: dict[tuple, list[int]] = {}
    for e in feeds.get("review_events", []):
        if e["event_type"] == "decided" and e["decision"] in FINAL_DECISIONS:
            decisions.setdefault((e["target_type"], e["target_id"]), []).append(e["event_ts"])
    for v in decisions.values():
        v.sort()
    latest, owner, owned = catalogue(feeds)
    on_target: dict[tuple, list[dict]] = {}
    by_report: dict[str, list[dict]] = {}
    for a in feeds.get("enforcement_actions", []):
        on_target.setdefault((a["target_type"], a["target_id"]), []).append(a)
        if a.get("report_id"):
            by_report.setdefault(a["report_id"], []).append(a)
    now = as_of(feeds, period_start)

    def first_at_or_after(lst, t):
        if not lst:
            return None
        i = bisect.bisect_left(lst, t)
        return lst[i] if i < len(lst) else None

    def answering_actions(r: dict) -> list[dict]:
        found = {a["action_id"]: a for a in on_target.get((r["target_type"], r["target_id"]), [])}
        found.update({a["action_id"]: a for a in by_report.get(r["report_id"], [])})
        if r["target_type"] == "content" and r["target_id"] in owner:
            found.update({a["action_id"]: a for a in on_target.get(("account", owner[r["target_id"]]), [])})
        if r["target_type"] == "account":
            for cid in owned.get(r["target_id"], []):
                found.update({a["action_id"]: a for a in on_target.get(("content", cid), [])})
        return [a for a in found.values() if a["decided_at"] >= r["received_at"]]

    rows = {k: [] for k in ("report_id", "received_at", "reporter_type", "channel", "priority", "reason_code",
                            "policy_area", "target_hours", "is_published_sla", "decided_at", "actioned_at",
                            "hours_to_decision", "sla_status", "as_of")}
    for r in sorted(feeds.get("reports", []), key=lambda x: x["report_id"]):
        rt = r["received_at"]
        answers = answering_actions(r)
        cands = [x for x in (first_at_or_after(decisions.get((r["target_type"], r["target_id"])), rt),
                             min((a["decided_at"] for a in answers), default=None)) if x is not None]
        dec = min(cands) if cands else None
        act = min((a["effective_at"] for a in answers), default=None)
        th, pub = sla_target(r, targets)
        if dec is not None:
            hrs = (dec - rt) / 3600
            status = "compliant" if hrs <= th else "breached"
        else:
            hrs = None
            status = "open_breached" if (now - rt) / 3600 > th else "open_within_target"
        rows["report_id"].append(r["report_id"])
        rows["received_at"].append(rt)
        rows["reporter_type"].append(r["reporter_type"])
        rows["channel"].append(r["channel"])
        rows["priority"].append(r["priority"])
        rows["reason_code"].append(r["reason_code"])
        rows["policy_area"].append(K.REASON_POLICY_AREA[r["reason_code"]])
        rows["target_hours"].append(th)
        rows["is_published_sla"].append(pub)
        rows["decided_at"].append(dec)
        rows["actioned_at"].append(act)
        rows["hours_to_decision"].append(hrs)
        rows["sla_status"].append(status)
        rows["as_of"].append(now)
    cols = {}
    for k, v in rows.items():
        if k in ("received_at", "decided_at", "actioned_at", "as_of"):
            cols[k] = _ts(v)
        elif k in ("target_hours", "hours_to_decision"):
            cols[k] = pa.array(v, pa.float64())
        elif k == "is_published_sla":
            cols[k] = pa.array(v, pa.bool_())
        else:
            cols[k] = pa.array(v, pa.string())
    return pa.table(cols)


# ------------------------------------------------------------------ proactive rate

EXTERNAL_REPORTERS = {"user", "trusted_flagger", "authority", "rights_holder"}


def proactive_daily(feeds: dict) -> pa.Table:
    """metrics.md "Proactive rate", written from the spec: every target (item or account) actioned
    counts once, on the day its first action was decided, under that action's policy area; it is
    proactive when that decided_at is before the first report from outside the company on the
    target, on the owner account of an item, or, for an account, on any item it owns."""
    latest, _owner, owned = catalogue(feeds)
    first_report: dict[tuple, int] = {}
    for r in feeds.get("reports", []):
        if r["reporter_type"] not in EXTERNAL_REPORTERS:
            continue
        keys = [(r["target_type"], r["target_id"])]
        if r["target_type"] == "content" and r["target_id"] in latest:
            keys.append(("account", latest[r["target_id"]]["owner_account_id"]))
        if r["target_type"] == "account":
            keys += [("content", cid) for cid in owned.get(r["target_id"], [])]
        for k in keys:
            first_report[k] = min(first_report.get(k, INF), r["received_at"])
    first_action: dict[tuple, tuple[int, str]] = {}
    for a in feeds.get("enforcement_actions", []):
        k = (a["target_type"], a["target_id"])
        cand = (a["decided_at"], K.POLICIES[a["policy_code"]][0])
        if k not in first_action or cand < first_action[k]:
            first_action[k] = cand
    cells: dict[tuple, list[int]] = {}
    for k, (t, area) in first_action.items():
        day = datetime.fromtimestamp(t, UTC).date()
        cell = cells.setdefault((day, area), [0, 0])
        cell[0] += 1
        cell[1] += int(t < first_report.get(k, INF))
    keys = sorted(cells)
    return pa.table({
        "date_day": pa.array([k[0] for k in keys], pa.date32()),
        "policy_area": pa.array([k[1] for k in keys], pa.string()),
        "actioned_items": pa.array([cells[k][0] for k in keys], pa.int64()),
        "proactive_items": pa.array([cells[k][1] for k in keys], pa.int64()),
    })


# ------------------------------------------------------------------ other truth tables


def spam_items(w: World, feeds: dict) -> pa.Table:
    delivered = {r["content_id"] for r in feeds["content"]}
    rows = [i for i, cid in enumerate(w.item_ids) if cid in delivered and w.item_spam_from[i] < INF]
    camp = {c: w.campaigns[c]["campaign_id"] for c in range(len(w.campaigns))}
    return pa.table({
        "content_id": pa.array([w.item_ids[i] for i in rows], pa.string()),
        "owner_account_id": pa.array([w.account_ids[w.item_owner[i]] for i in rows], pa.string()),
        "campaign_id": pa.array([camp.get(w.item_campaign[i]) for i in rows], pa.string()),
        "spam_from": _ts([w.item_spam_from[i] for i in rows]),
        "spam_to": _ts([w.item_spam_to[i] for i in rows]),
        "policy_code": pa.array([w.item_policy[i] for i in rows], pa.string()),
        "content_type": pa.array([w.item_type[i] for i in rows], pa.string()),
    })


def campaigns(w: World, feeds: dict) -> pa.Table:
    delivered = {r["content_id"] for r in feeds["content"]}
    acc_delivered = {r["account_id"] for r in feeds["accounts"]}
    rows = []
    for c in w.campaigns:
        items = [i for i in c["items_idx"] if w.item_ids[i] in delivered]
        accs = [a for a in c["accounts_idx"] if w.account_ids[a] in acc_delivered]
        rows.append((c["campaign_id"], c["link_domain"], c["start_at"], c["detected_at"] if c["detected_at"] < w.end else None,
                     c["rule_id"], c["rule_version"], c["content_type"], len(items), len(accs)))
    cols = list(zip(*rows, strict=True)) if rows else [[]] * 9
    return pa.table({
        "campaign_id": pa.array(cols[0], pa.string()), "link_domain": pa.array(cols[1], pa.string()),
        "start_at": _ts(list(cols[2])), "detected_at": _ts(list(cols[3])), "rule_id": pa.array(cols[4], pa.string()),
        "rule_version": pa.array(cols[5], pa.int64()), "content_type": pa.array(cols[6], pa.string()),
        "items": pa.array(cols[7], pa.int64()), "accounts": pa.array(cols[8], pa.int64()),
    })


def reviewer_error_rates(w: World, feeds: dict) -> pa.Table:
    n_dec: dict[str, int] = {}
    for e in feeds.get("review_events", []):
        if e["event_type"] == "decided" and e.get("reviewer_id"):
            n_dec[e["reviewer_id"]] = n_dec.get(e["reviewer_id"], 0) + 1
    rs = sorted(w.reviewers, key=lambda r: r["reviewer_id"])
    return pa.table({
        "reviewer_id": pa.array([r["reviewer_id"] for r in rs], pa.string()),
        "vendor": pa.array([r["vendor"] for r in rs], pa.string()),
        "true_error_rate": pa.array([round(r["error_rate"], 6) for r in rs], pa.float64()),
        "decisions": pa.array([n_dec.get(r["reviewer_id"], 0) for r in rs], pa.int64()),
    })


def prevalence_daily(w: World, prev: np.ndarray) -> pa.Table:
    day0 = np.datetime64(w.start // DAY, "D")
    rows = []
    for d in range(prev.shape[0]):
        for s in range(NS):
            imp, sp = int(prev[d, s, 0]), int(prev[d, s, 1])
            if imp > 0:
                rows.append((day0 + d, K.SURFACES[s], imp, sp))
        imp, sp = int(prev[d, :, 0].sum()), int(prev[d, :, 1].sum())
        if imp > 0:
            rows.append((day0 + d, "all", imp, sp))
    return pa.table({
        "date_day": pa.array(np.array([r[0] for r in rows], dtype="datetime64[D]"), pa.date32()),
        "surface": pa.array([r[1] for r in rows], pa.string()),
        "impressions": pa.array([r[2] for r in rows], pa.int64()),
        "spam_impressions": pa.array([r[3] for r in rows], pa.int64()),
        "true_prevalence": pa.array([r[3] / r[2] for r in rows], pa.float64()),
    })


def prevalence_by_country(w: World, prev_country: np.ndarray) -> pa.Table:
    """True impressions and spam impressions per day and listener country (the basis of the
    country prevalence marts' truth; any period is a sum of these days)."""
    day0 = np.datetime64(w.start // DAY, "D")
    d, c = np.nonzero(prev_country[:, :, 0] > 0)
    return pa.table({
        "date_day": pa.array((day0 + d).astype("datetime64[D]"), pa.date32()),
        "country": pa.array(np.array(K.COUNTRY_CODES)[c].tolist(), pa.string()),
        "impressions": pa.array(prev_country[d, c, 0], pa.int64()),
        "spam_impressions": pa.array(prev_country[d, c, 1], pa.int64()),
    })


def unwanted(w: World, unw: np.ndarray) -> pa.Table:
    day0 = np.datetime64(w.start // DAY, "D")
    d, s, c = np.nonzero(unw[:, :, :, 0] > 0)
    return pa.table({
        "date_day": pa.array((day0 + d).astype("datetime64[D]"), pa.date32()),
        "surface": pa.array(np.array(K.SURFACES)[s].tolist(), pa.string()),
        "country": pa.array(np.array(K.COUNTRY_CODES)[c].tolist(), pa.string()),
        "impressions": pa.array(unw[d, s, c, 0], pa.int64()),
        "unwanted_impressions": pa.array(unw[d, s, c, 1], pa.int64()),
        "unwanted_before_signal": pa.array(unw[d, s, c, 2], pa.int64()),
        "unwanted_after_signal": pa.array(unw[d, s, c, 3], pa.int64()),
    })


def write(table: pa.Table, path) -> None:
    pq.write_table(table, path, compression="snappy", store_schema=False)
