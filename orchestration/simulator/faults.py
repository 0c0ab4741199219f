"""Bad input (--faults): EXTRA records and files on top of the clean delivery, each listed in the
manifest, so the truth (computed from the clean records) is unaffected.

Manifest entry: {feed, delivered_dt, file, kind, line_no: [1-based line/row numbers] | null,
count: raw records added, expected: what a correct loader/staging does with them, detail}.
Record faults carry fresh ids (never colliding with clean records) except the duplicates, which
repeat a clean record's id on purpose and are delivered after it.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import deliver
from .deliver import ID_FIELD, FileSpec, render
from .world import DAY, HOUR, World

EXPECTED = {
    "malformed_json": "quarantine:malformed_json",
    "missing_required_field": "quarantine:missing_required_field",
    "unknown_enum_value": "quarantine:unknown_enum_value",
    "unparsable_timestamp": "quarantine:unparsable_timestamp",
    "impossible_timestamp": "quarantine:impossible_timestamp",
    "negative_count": "quarantine:negative_count",
    "unknown_reference": "quarantine:unknown_reference",
    "conflicting_duplicate": "quarantine:conflicting_duplicate",
    "invalid_encoding": "quarantine:invalid_encoding",
    "exact_duplicate": "duplicate",
    "extra_column": "clean (schema drift recorded)",
    "empty_file": "file:empty",
    "truncated_gzip": "file:unreadable (truncated_gzip)",
}


def plan(w: World, last_dt: int) -> dict:
    return {"extra_column_dt": max(1, last_dt // 2 + 1)}


def inject(w: World, files: dict[str, FileSpec], feeds: dict, imp, landing: Path, last_dt: int, plan: dict) -> list[dict]:
    rng = np.random.default_rng(np.random.SeedSequence([w.seed, 17]))
    day0 = np.datetime64(w.start // DAY, "D")
    out: list[dict] = []
    placed: list[tuple[FileSpec, int, str, str]] = []  # (file, index of inserted line, kind, detail)

    # a copied record goes into a file delivered no earlier than the record itself, so the only
    # fault it carries is the one injected (an event delivered before it happened is impossible)
    last_pick = {"dt": 1}

    def target_file(feed: str, min_dt: int | None = None) -> FileSpec:
        min_dt = max(1, last_pick["dt"]) if min_dt is None else min_dt
        cands = [f for f in files.values() if f.feed == feed and f.name.startswith("part-0")
                 and int((np.datetime64(f.dt) - day0).astype(int)) >= min_dt]
        if not cands:
            cands = [f for f in files.values() if f.feed == feed and f.name.startswith("part-0")]
        cands.sort(key=lambda f: f.rel)
        return cands[int(rng.integers(0, len(cands)))]

    def pick(feed: str, min_dt: int = 0) -> dict:
        recs = [r for r in feeds[feed] if r["_dt"] >= min_dt and r["_dt"] <= last_dt]
        rec = recs[int(rng.integers(0, len(recs)))]
        last_pick["dt"] = rec["_dt"]
        return rec

    def insert(fs: FileSpec, line: bytes, kind: str, detail: str) -> None:
        pos = int(rng.integers(0, len(fs.lines) + 1))
        fs.lines.insert(pos, line)
        fs.tags.insert(pos, kind)
        placed.append((fs, line, kind, detail))

    def fresh(feed: str, rec: dict) -> dict:
        r = dict(rec)
        r[ID_FIELD[feed]] = w.uid({"reports": "rpt_", "review_events": "evt_", "enforcement_actions": "act_",
                                   "appeals": "apl_", "rule_hits": "hit_", "qa_audits": "qa_", "accounts": "",
                                   "content": "trk_", "prevalence_samples": "smp_"}[feed] + "f")
        if feed == "review_events":
            r["review_id"] = w.uid("rev_f")
        return r

    def as_obj(feed, rec):
        return json.loads(render(feed, rec))

    def dumps(obj) -> bytes:
        return json.dumps(obj, ensure_ascii=False).encode("utf-8")

    # --- malformed JSON (a line cut in half; a line with a trailing comma)
    for feed in ("reports", "qa_audits"):
        line = render(feed, fresh(feed, pick(feed)))
        insert(target_file(feed), line[: len(line) // 2], "malformed_json", "line cut off mid-record")
    obj = as_obj("appeals", fresh("appeals", pick("appeals")))
    insert(target_file("appeals"), dumps(obj)[:-1] + b",}", "malformed_json", "trailing comma")
    # --- missing required field
    obj = as_obj("enforcement_actions", fresh("enforcement_actions", pick("enforcement_actions")))
    del obj["decision_ground"]
    insert(target_file("enforcement_actions"), dumps(obj), "missing_required_field", "decision_ground absent")
    obj = as_obj("review_events", fresh("review_events", pick("review_events")))
    obj["event_ts"] = None
    insert(target_file("review_events"), dumps(obj), "missing_required_field", "event_ts null")
    # --- unknown enum values
    obj = as_obj("reports", fresh("reports", pick("reports")))
    obj["reason_code"] = "spam_bot"
    insert(target_file("reports"), dumps(obj), "unknown_enum_value", "reason_code spam_bot")
    obj = as_obj("enforcement_actions", fresh("enforcement_actions", pick("enforcement_actions")))
    obj["action_type"] = "shadowban"
    insert(target_file("enforcement_actions"), dumps(obj), "unknown_enum_value", "action_type shadowban")
    # --- unparsable timestamps
    obj = as_obj("rule_hits", fresh("rule_hits", pick("rule_hits")))
    obj["hit_at"] = "31/10/2026 14:03"
    insert(target_file("rule_hits"), dumps(obj), "unparsable_timestamp", "hit_at 31/10/2026 14:03")
    obj = as_obj("reports", fresh("reports", pick("reports")))
    obj["received_at"] = "yesterday"
    insert(target_file("reports"), dumps(obj), "unparsable_timestamp", "received_at yesterday")
    # --- impossible timestamps
    obj = as_obj("review_events", fresh("review_events", pick("review_events")))
    obj["event_ts"] = "2026-02-30T10:00:00Z"
    insert(target_file("review_events"), dumps(obj), "impossible_timestamp", "event_ts 2026-02-30")
    obj = as_obj("appeals", fresh("appeals", pick("appeals")))
    obj["filed_at"] = "1970-01-01T00:00:00Z"
    insert(target_file("appeals"), dumps(obj), "impossible_timestamp", "filed_at 1970-01-01 (before the platform existed)")
    obj = as_obj("rule_hits", fresh("rule_hits", pick("rule_hits")))
    obj["hit_at"] = "2099-05-01T00:00:00Z"
    insert(target_file("rule_hits"), dumps(obj), "impossible_timestamp", "hit_at 2099-05-01 (far future)")
    # --- unknown references
    obj = as_obj("reports", fresh("reports", pick("reports")))
    obj["target_type"], obj["target_id"] = "content", w.uid("trk_")
    insert(target_file("reports"), dumps(obj), "unknown_reference", "target_id never delivered in content")
    obj = as_obj("appeals", fresh("appeals", pick("appeals")))
    obj["action_id"] = w.uid("act_")
    insert(target_file("appeals"), dumps(obj), "unknown_reference", "action_id never delivered")
    # --- non-UTF-8 bytes (latin-1 in free text)
    rec = fresh("reports", pick("reports"))
    rec["free_text"] = "PLACEHOLDER"
    line = render("reports", rec).replace(b"PLACEHOLDER", "Qualité très mauvaise, arnaque".encode("latin-1"))
    insert(target_file("reports"), line, "invalid_encoding", "free_text encoded as latin-1")
    # --- conflicting duplicates (same id, other values, delivered later than the original)
    for feed, mutate in (("enforcement_actions", lambda o: o.update(action_type="demote" if o["action_type"] != "demote" else "label")),
                         ("reports", lambda o: o.update(reason_code="other" if o["reason_code"] != "other" else "spam"))):
        rec = pick(feed, 0)
        for _ in range(50):
            if rec["_dt"] < last_dt:
                break
            rec = pick(feed, 0)
        obj = as_obj(feed, rec)
        mutate(obj)
        dt = min(last_dt, rec["_dt"] + int(rng.integers(1, 4)))
        insert(_file_on(files, feed, str(day0 + dt)), dumps(obj), "conflicting_duplicate",
               f"{ID_FIELD[feed]} {rec[ID_FIELD[feed]]} first delivered {day0 + rec['_dt']}")
    # --- exact duplicates (same bytes, delivered again later)
    for feed in ("review_events", "rule_hits"):
        rec = pick(feed, 0)
        for _ in range(50):
            if rec["_dt"] < last_dt:
                break
            rec = pick(feed, 0)
        dt = min(last_dt, rec["_dt"] + 1)
        insert(_file_on(files, feed, str(day0 + dt)), render(feed, rec), "exact_duplicate",
               f"{ID_FIELD[feed]} {rec[ID_FIELD[feed]]} first delivered {day0 + rec['_dt']}")
    # --- extra column on a clean JSONL record (record stays clean; the drift is recorded)
    fs = target_file("accounts", 1)
    i = int(rng.integers(0, len(fs.lines)))
    obj = json.loads(fs.lines[i])
    obj["client_version"] = "8.9.74"
    fs.lines[i] = dumps(obj)
    fs.tags[i] = "extra_column"
    placed.append((fs, fs.lines[i], "extra_column", "client_version added to a clean accounts record"))

    # --- an empty file
    dt = str(day0 + int(rng.integers(1, last_dt + 1)))
    fs = FileSpec("appeals", dt, "part-7.jsonl", raw_bytes=b"")
    files[fs.rel] = fs
    out.append({"feed": "appeals", "delivered_dt": dt, "file": fs.rel, "kind": "empty_file", "line_no": None,
                "count": 0, "expected": EXPECTED["empty_file"], "detail": "zero bytes"})
    # --- a truncated gzip (copies of clean review events, cut at 60% of the compressed bytes)
    src = target_file("review_events", 2)
    data = gzip.compress(b"\n".join(src.lines[:40]) + b"\n", compresslevel=6, mtime=0)
    fs = FileSpec("review_events", src.dt, "part-8.jsonl.gz", raw_bytes=data[: int(len(data) * 0.6)])
    files[fs.rel] = fs
    out.append({"feed": "review_events", "delivered_dt": src.dt, "file": fs.rel, "kind": "truncated_gzip",
                "line_no": None, "count": 0, "expected": EXPECTED["truncated_gzip"],
                "detail": f"gzip of {min(40, len(src.lines))} lines copied from {src.rel}, cut to 60% of its bytes"})
    # --- impressions: negative counts and unknown content ids, in an extra Parquet file
    out.extend(_impression_faults(w, landing, last_dt, rng, imp))
    # line numbers once every insertion is done (identity of the inserted bytes object)
    for fs, line, kind, detail in placed:
        k = next(k for k, (ln, t) in enumerate(zip(fs.lines, fs.tags, strict=True)) if ln is line and t == kind)
        out.append({"feed": fs.feed, "delivered_dt": fs.dt, "file": fs.rel, "kind": kind, "line_no": [k + 1],
                    "count": 1, "expected": EXPECTED[kind], "detail": detail})
    out.sort(key=lambda f: (f["feed"], f["delivered_dt"], f["file"], f["kind"], f["line_no"] or []))
    return out


def _file_on(files: dict[str, FileSpec], feed: str, dt: str) -> FileSpec:
    ext = "jsonl.gz" if feed in deliver.GZIP_FEEDS else "jsonl"
    key = f"{feed}/dt={dt}/part-0.{ext}"
    if key not in files:
        files[key] = FileSpec(feed, dt, f"part-0.{ext}")
    return files[key]


def _impression_faults(w: World, landing: Path, last_dt: int, rng, imp) -> list[dict]:
    from .impressions import SCHEMA

    day0 = np.datetime64(w.start // DAY, "D")
    d = max(1, last_dt - 2)
    dt = str(day0 + d)
    # keys that cannot collide with clean rows: hours before the item existed
    new_items = [i for i, t in enumerate(w.item_created) if w.start + DAY < t < w.end - DAY]
    its = [new_items[int(rng.integers(0, len(new_items)))] for _ in range(3)]
    hours = [(w.item_created[i] // HOUR - 5) * HOUR for i in its]
    rows = {
        "hour_ts": [h * 1_000_000 for h in hours] + [(w.start + d * DAY) * 1_000_000] * 2,
        "content_id": [w.item_ids[i] for i in its] + [w.uid("trk_"), w.uid("pls_")],
        "surface": ["home", "search", "radio", "home", "browse"],
        "country": ["DE", "FR", "US", "SE", "GB"],
        "impressions": [-3, -1, -12, 4, 9],
        "streams": [0, 0, 0, 1, 2],
    }
    tbl = pa.table({k: pa.array(v) for k, v in rows.items()}).cast(SCHEMA)
    out_dir = landing / "impressions" / f"dt={dt}"
    out_dir.mkdir(parents=True, exist_ok=True)
    n = len(list(out_dir.glob("part-*.parquet")))
    path = out_dir / f"part-{n}.parquet"
    pq.write_table(tbl, path, compression="snappy", store_schema=False)
    rel = str(path.relative_to(landing))
    imp.files.append({"feed": "impressions", "delivered_dt": dt, "file": rel, "kind": "faults", "records": 5})
    out = [
        {"feed": "impressions", "delivered_dt": dt, "file": rel, "kind": "negative_count", "line_no": [1, 2, 3],
         "count": 3, "expected": EXPECTED["negative_count"], "detail": "impressions < 0 (keys not otherwise delivered)"},
        {"feed": "impressions", "delivered_dt": dt, "file": rel, "kind": "unknown_reference", "line_no": [4, 5],
         "count": 2, "expected": EXPECTED["unknown_reference"], "detail": "content_id never delivered in content"},
    ]
    if imp.extra_column_file:
        n_rows = pq.ParquetFile(landing / imp.extra_column_file).metadata.num_rows
        out.append({"feed": "impressions", "delivered_dt": imp.extra_column_file.split("dt=")[1][:10],
                    "file": imp.extra_column_file, "kind": "extra_column", "line_no": None, "count": n_rows,
                    "expected": EXPECTED["extra_column"], "detail": "extra column device_class; rows are clean"})
    return out
