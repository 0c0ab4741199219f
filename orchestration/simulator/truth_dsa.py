"""DSA transparency-report truth: the figures a perfect warehouse reports for a period, computed from
exactly the records the simulator delivered (`feeds`), written from the specs (`dsa.md`, and
`metrics.md` "SLA compliance" and "Detection rules and automated means"), not from the SQL.

Which events count in a period [start, end] (dates, inclusive, UTC): notices and complaints
*received/filed* in it; actions, decisions and complaint outcomes *decided/resolved* in it.

- Art. 16 notice: a report with `is_dsa_notice` whose reporter is not an authority (an authority's
  report is an order). Trusted-flagger notices: reporter_type `trusted_flagger`.
- An action *answers* a report when it was decided at or after received_at and it is on the
  reported target, names the report (report_id), is on the reported item's owner account, or, for
  a reported account, is on an item the account owns (metrics.md, SLA compliance). The notice's
  first action: the earliest effective_at of those; time to action: hours from receipt to it.
- Part 4: notices received in the period (total, trusted flaggers); actions decided in the period
  whose report_id names a notice, by decision ground (illegal = on the basis of the law, terms);
  median hours to action over the notices whose first action took effect in the period
  (interpolated median, numpy's linear percentile = `quantile_cont`).
- Initiative (dsa.md): own initiative = not preceded by an order or an Art. 16 notice. An action
  that names a delivered report takes the report's kind (authority: order; Art. 16 notice:
  notice; any other report, e.g. an ordinary in-app report: own initiative); an action naming no
  delivered report falls back on its `source` (authority_order: order; notice/trusted_flagger:
  notice; own_initiative: own initiative).
- Parts 5/6: own-initiative actions decided in the period with effect in the EU/EEA (scope GLOBAL
  or naming an EU/EEA country of the countries seed), decision ground illegal (Part 5) or terms
  (Part 6): total and per DSA category (policies seed), with automated detection, solely automated
  (automated detection and a fully automated decision).
- Part 7: internal complaints (route internal) and out-of-court disputes (route out_of_court):
  filed in the period (total); resolved in the period by outcome; median hours filing →
  resolution over those resolved in the period as upheld, partially_reversed or reversed;
  out-of-court share of implemented outcomes among reversed + partially reversed.
- Part 8 measures: EU/EEA actions decided in the period, solely automated or not (scope total,
  and own_initiative). Notices: Art. 16 notices received in the period whose decision (the first
  final review decision on the target at or after receipt, or the first answering action's
  decided_at, the earlier; a tie goes to the review) was automated, with no human final decision
  on the target at or after receipt.
- Part 8 automated systems: a detector is a (rule_id, rule_version) with enforce-mode hits in the
  rule_hits feed. Review side (by hit day): enforcing hits; reviewed = the target has a final
  decision by a person (decided review event, violating / not_violating, not automated); violating
  = that person's latest decision (latest event_ts, ties: highest review_id) is violating under a
  policy of the detector's policy area (detectors seed). Sample side (by sample day): labelled
  prevalence samples (violating / not_violating) with weight 1 / inclusion_prob; positive =
  violating under a spam policy; flagged = an enforce hit of the detector on the item or its owner
  account before the sampled hour ended. sample_precision = Σw·flag·pos / Σw·flag, recall =
  Σw·flag·pos / Σw·pos, accuracy = Σw·[flag = pos] / Σw. The pooled row (detector null) takes a
  sample as flagged by any enforcing detector and sums the hits of all of them.

Long format: part, indicator, scope, detector (null unless per automated system), value (float64;
null where a rate or median has no support).
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from .truth import catalogue
from .world import DAY

FINAL_DECISIONS = {"violating", "not_violating", "unable_to_review"}
OUTCOMES = ["upheld", "partially_reversed", "reversed", "omitted"]
MEDIAN_OUTCOMES = {"upheld", "partially_reversed", "reversed"}
SCHEMA = pa.schema([("part", pa.string()), ("indicator", pa.string()), ("scope", pa.string()),
                    ("detector", pa.string()), ("value", pa.float64())])


def _seed(name: str) -> list[dict]:
    from orchestration.paths import PROJECT_DIR

    with open(Path(PROJECT_DIR) / "seeds" / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _day_ts(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def _median(values: list[float]) -> float | None:
    return float(np.percentile(np.array(values, dtype=np.float64), 50)) if values else None


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def is_eea_scope(scope: list[str] | None, eea: set[str]) -> bool:
    return bool(scope) and any(c == "GLOBAL" or c in eea for c in scope)


def dsa_figures(feeds: dict, period_start: date, period_end: date) -> pa.Table:
    """The DSA figures of the period [period_start, period_end] (inclusive dates)."""
    t0, t1 = _day_ts(period_start), _day_ts(period_end) + DAY

    def in_period(t: int | None) -> bool:
        return t is not None and t0 <= t < t1

    policies = {p["policy_code"]: p for p in _seed("policies")}
    eea = {c["country_code"] for c in _seed("countries") if c["is_eea"].lower() == "true"}
    det_area = {(d["detector"], int(d["version"])): d["policy_area"] or "spam" for d in _seed("detectors")}
    rows: list[tuple] = []

    def emit(part: str, indicator: str, scope: str, value: float | None, detector: str | None = None) -> None:
        rows.append((part, indicator, scope, detector, None if value is None else float(value)))

    # ---------------------------------------------------------------- shared lookups
    latest, owner, owned = catalogue(feeds)
    reports = {r["report_id"]: r for r in feeds.get("reports", [])}
    actions = feeds.get("enforcement_actions", [])
    on_target: dict[tuple, list[dict]] = {}
    by_report: dict[str, list[dict]] = {}
    for a in actions:
        on_target.setdefault((a["target_type"], a["target_id"]), []).append(a)
        if a.get("report_id"):
            by_report.setdefault(a["report_id"], []).append(a)
    # final review decisions per target, sorted by time: (event_ts, automated)
    decisions: dict[tuple, list[tuple[int, bool]]] = {}
    for e in feeds.get("review_events", []):
        if e["event_type"] == "decided" and e["decision"] in FINAL_DECISIONS:
            decisions.setdefault((e["target_type"], e["target_id"]), []).append(
                (e["event_ts"], bool(e.get("automated"))))
    for v in decisions.values():
        v.sort()

    def is_notice(r: dict) -> bool:
        return bool(r["is_dsa_notice"]) and r["reporter_type"] != "authority"

    def answering(r: dict) -> list[dict]:
        found = {a["action_id"]: a for a in on_target.get((r["target_type"], r["target_id"]), [])}
        found.update({a["action_id"]: a for a in by_report.get(r["report_id"], [])})
        if r["target_type"] == "content" and r["target_id"] in owner:
            found.update({a["action_id"]: a for a in on_target.get(("account", owner[r["target_id"]]), [])})
        if r["target_type"] == "account":
            for cid in owned.get(r["target_id"], []):
                found.update({a["action_id"]: a for a in on_target.get(("content", cid), [])})
        return [a for a in found.values() if a["decided_at"] >= r["received_at"]]

    def initiative(a: dict) -> str:
        rep = reports.get(a.get("report_id")) if a.get("report_id") else None
        if a["source"] == "authority_order" or (rep is not None and rep["reporter_type"] == "authority"):
            return "order"
        if rep is not None:
            return "notice" if rep["is_dsa_notice"] else "own_initiative"
        return "notice" if a["source"] in ("notice", "trusted_flagger") else "own_initiative"

    # ---------------------------------------------------------------- Part 4: notices
    notices = [r for r in reports.values() if is_notice(r)]
    received = [r for r in notices if in_period(r["received_at"])]
    emit("4", "notices", "total", len(received))
    emit("4", "notices", "trusted_flagger", sum(r["reporter_type"] == "trusted_flagger" for r in received))
    law = {"total": 0, "trusted_flagger": 0}
    terms = {"total": 0, "trusted_flagger": 0}
    for a in actions:
        rep = reports.get(a.get("report_id")) if a.get("report_id") else None
        if rep is None or not is_notice(rep) or not in_period(a["decided_at"]):
            continue
        scopes = ["total"] + (["trusted_flagger"] if rep["reporter_type"] == "trusted_flagger" else [])
        for s in scopes:
            if a["decision_ground"] == "illegal":
                law[s] += 1
            elif a["decision_ground"] == "terms":
                terms[s] += 1
    hours: dict[str, list[float]] = {"total": [], "trusted_flagger": []}
    nam = {"total": [0, 0], "trusted_flagger": [0, 0]}  # [solely automated, not]
    for r in notices:
        ans = answering(r)
        first_eff = min((a["effective_at"] for a in ans), default=None)
        tf = r["reporter_type"] == "trusted_flagger"
        if in_period(first_eff):
            h = (first_eff - r["received_at"]) / 3600
            hours["total"].append(h)
            if tf:
                hours["trusted_flagger"].append(h)
        if in_period(r["received_at"]):
            # Part 8 NAM: the notice's decision (review or answering action, the earlier) automated,
            # and no person decided on the target at or after receipt
            revs = [d for d in decisions.get((r["target_type"], r["target_id"]), []) if d[0] >= r["received_at"]]
            first_act = min(ans, key=lambda a: (a["decided_at"], a["action_id"]), default=None)
            if revs and (first_act is None or revs[0][0] <= first_act["decided_at"]):
                automated = revs[0][1]
            elif first_act is not None:
                automated = first_act["automated_decision"] == "fully"
            else:
                automated = False
            solely = automated and not any(not d[1] for d in revs)
            for s in ["total"] + (["trusted_flagger"] if tf else []):
                nam[s][0 if solely else 1] += 1
    for s in ("total", "trusted_flagger"):
        emit("4", "actions_law", s, law[s])
        emit("4", "actions_terms", s, terms[s])
        emit("4", "median_hours_action", s, _median(hours[s]))
        emit("4", "notices_acted", s, len(hours[s]))
        emit("8", "notices_solely_automated", "nam_" + s, nam[s][0])
        emit("8", "notices_not_automated", "nam_" + s, nam[s][1])

    # ---------------------------------------------------------------- Parts 5, 6, 8: measures
    own: dict[str, dict[str, list[int]]] = {"5": {}, "6": {}}  # part -> scope -> [n, auto det, solely]
    measures = {"total": [0, 0], "own_initiative": [0, 0]}  # [solely automated, not]
    for a in actions:
        if not in_period(a["decided_at"]) or not is_eea_scope(a["territorial_scope"], eea):
            continue
        solely = bool(a["automated_detection"]) and a["automated_decision"] == "fully"
        kind = initiative(a)
        measures["total"][0 if solely else 1] += 1
        if kind != "own_initiative":
            continue
        measures["own_initiative"][0 if solely else 1] += 1
        part = {"illegal": "5", "terms": "6"}.get(a["decision_ground"])
        if part is None:
            continue
        for s in ("total", policies[a["policy_code"]]["dsa_category"]):
            cell = own[part].setdefault(s, [0, 0, 0])
            cell[0] += 1
            cell[1] += int(bool(a["automated_detection"]))
            cell[2] += int(solely)
    for part in ("5", "6"):
        own[part].setdefault("total", [0, 0, 0])
        for s in sorted(own[part], key=lambda x: (x != "total", x)):
            n, det, solely = own[part][s]
            emit(part, "measures", s, n)
            emit(part, "measures_automated_detection", s, det)
            emit(part, "measures_solely_automated", s, solely)
    for s, (solely, not_solely) in measures.items():
        emit("8", "measures_solely_automated", s, solely)
        emit("8", "measures_not_automated", s, not_solely)

    # ---------------------------------------------------------------- Part 7: complaints, disputes
    for route, indicator in (("internal", "complaints"), ("out_of_court", "disputes")):
        aps = [p for p in feeds.get("appeals", []) if p["route"] == route]
        emit("7", indicator, "total", sum(in_period(p["filed_at"]) for p in aps))
        resolved = [p for p in aps if p["outcome"] is not None and in_period(p["resolved_at"])]
        for o in OUTCOMES:
            emit("7", indicator, o, sum(p["outcome"] == o for p in resolved))
        emit("7", indicator, "median_hours",
             _median([(p["resolved_at"] - p["filed_at"]) / 3600 for p in resolved if p["outcome"] in MEDIAN_OUTCOMES]))
        if route == "out_of_court":
            rp = [p for p in resolved if p["outcome"] in ("reversed", "partially_reversed")]
            emit("7", indicator, "share_implemented", _ratio(sum(p["outcome_implemented"] is True for p in rp), len(rp)))

    # ---------------------------------------------------------------- Part 8: automated systems
    hits = [h for h in feeds.get("rule_hits", []) if h["mode"] == "enforce"]
    detectors = sorted({(h["rule_id"], int(h["rule_version"])) for h in hits})
    # latest final human decision per target: (event_ts, review_id, decision, policy_code)
    last_human: dict[tuple, tuple] = {}
    for e in feeds.get("review_events", []):
        if (e["event_type"] != "decided" or e["decision"] not in ("violating", "not_violating")
                or e.get("automated")):
            continue
        k = (e["target_type"], e["target_id"])
        cand = (e["event_ts"], e["review_id"], e["decision"], e["policy_code"])
        if k not in last_human or cand[:2] > last_human[k][:2]:
            last_human[k] = cand
    review = {d: [0, 0, 0] for d in [*detectors, None]}  # [enforce hits, reviewed, violating]
    first_hit: dict[tuple, dict[tuple, int]] = {}  # target -> detector -> earliest enforce hit_at
    for h in hits:
        d = (h["rule_id"], int(h["rule_version"]))
        k = (h["target_type"], h["target_id"])
        per = first_hit.setdefault(k, {})
        per[d] = min(per.get(d, h["hit_at"]), h["hit_at"])
        if not in_period(h["hit_at"]):
            continue
        out = last_human.get(k)
        reviewed = out is not None
        violating = (reviewed and out[2] == "violating" and out[3] in policies
                     and policies[out[3]]["policy_area"] == det_area.get(d, "spam"))
        for key in (d, None):
            review[key][0] += 1
            review[key][1] += int(reviewed)
            review[key][2] += int(violating)
    # sample side: [n, positives, flagged, flagged positives, Σw, Σw pos, Σw flagged, Σw tp, Σw agree]
    sample = {d: [0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0] for d in [*detectors, None]}
    for s in feeds.get("prevalence_samples", []):
        if s.get("label") not in ("violating", "not_violating") or not in_period(s["hour_ts"]):
            continue
        w = 1.0 / s["inclusion_prob"]
        pos = s["label"] == "violating" and s.get("policy_code") in policies and \
            policies[s["policy_code"]]["is_spam"].lower() == "true"
        end = s["hour_ts"] + 3600
        flagged_by: set = set()
        for k in (("content", s["content_id"]), ("account", owner.get(s["content_id"]))):
            for d, t in first_hit.get(k, {}).items():
                if t < end:
                    flagged_by.add(d)
        for d in [*detectors, None]:
            flag = bool(flagged_by) if d is None else d in flagged_by
            c = sample[d]
            c[0] += 1
            c[1] += int(pos)
            c[2] += int(flag)
            c[3] += int(flag and pos)
            c[4] += w
            c[5] += w if pos else 0.0
            c[6] += w if flag else 0.0
            c[7] += w if flag and pos else 0.0
            c[8] += w if flag == pos else 0.0
    for d in [*detectors, None]:
        name = None if d is None else f"{d[0]} v{d[1]}"
        hits_n, reviewed, violating = review[d]
        n, npos, nflag, ntp, wt, wpos, wflag, wtp, wagree = sample[d]
        for indicator, value in (
            ("enforce_hits", hits_n), ("reviewed_hits", reviewed), ("violating_hits", violating),
            ("review_precision", _ratio(violating, reviewed)),
            ("labelled_samples", n), ("positive_samples", npos), ("flagged_samples", nflag),
            ("flagged_positive_samples", ntp),
            ("sample_precision", _ratio(wtp, wflag)), ("recall", _ratio(wtp, wpos)), ("accuracy", _ratio(wagree, wt)),
        ):
            emit("8", indicator, "total", value, name)

    rows.sort(key=lambda r: int(r[0]))  # stable: by part, each part in the order computed
    cols = list(zip(*rows, strict=True))
    return pa.table([pa.array(c, f.type) for c, f in zip(cols, SCHEMA, strict=True)], schema=SCHEMA)


def write_years(feeds: dict, start_ts: int, end_ts: int, truth_dir: Path | str) -> list[Path]:
    """Write `<truth_dir>/dsa_<YYYY>.parquet` for each calendar year holding a simulated day
    (days from start_ts to end_ts, epoch seconds, end exclusive)."""
    from .truth import write

    first = datetime.fromtimestamp(start_ts, UTC).year
    last = datetime.fromtimestamp(end_ts - 1, UTC).year
    out = []
    for year in range(first, last + 1):
        path = Path(truth_dir) / f"dsa_{year}.parquet"
        write(dsa_figures(feeds, date(year, 1, 1), date(year, 12, 31)), path)
        out.append(path)
    return out
