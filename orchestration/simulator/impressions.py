"""The impressions stream: hourly counts per item × surface × country, generated day by day (NumPy),
written as Parquet per delivery day, with the impression-based truth (prevalence, unwanted
impressions) and the prevalence sample computed on the same arrays as they stream past.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import UserError
from . import constants as K
from .world import DAY, DIURNAL_LOCAL, HOUR, INF, WEEKLY, World

NS = len(K.SURFACES)
NC = len(K.COUNTRY_CODES)
KC = NS * NC

TAIL_ROWS = 3.0  # items expecting fewer impression rows a day than this are drawn per day, not per hour

SCHEMA = pa.schema([
    ("hour_ts", pa.timestamp("us", tz="UTC")),
    ("content_id", pa.string()),
    ("surface", pa.string()),
    ("country", pa.string()),
    ("impressions", pa.int64()),
    ("streams", pa.int64()),
])


@dataclass
class TruthInputs:
    """What a perfect warehouse knows from the delivered files (see truth.py)."""

    judged: np.ndarray  # bool per item
    end_global: np.ndarray  # int64 per item: earliest exposure-ending effective_at with GLOBAL scope (INF)
    scoped_keys: np.ndarray  # sorted int64 item*NC+country
    scoped_end: np.ndarray  # int64 min effective_at for that key
    signal: np.ndarray  # int64 per item: first signal (INF)
    created: np.ndarray  # int64 per item
    # item -> temporary restrictions (country index or -1 for GLOBAL, from, to): exposure paused
    pauses: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)


@dataclass
class ImpressionResult:
    rows_written: int = 0
    rows_delivered: int = 0
    files: list[dict] = field(default_factory=list)
    prevalence: np.ndarray | None = None  # [days, NS, 2] impressions, spam
    prevalence_country: np.ndarray | None = None  # [days, NC, 2] impressions, spam (listener country)
    unwanted: np.ndarray | None = None  # [days, NS, NC, 4] impressions, unwanted, before, after
    samples: list[dict] = field(default_factory=list)
    restated: list[dict] = field(default_factory=list)
    extra_column_file: str | None = None
    seconds: float = 0.0


def _ranking(rng: np.random.Generator) -> np.ndarray:
    """Per market (home country): (surface, country) combos ordered by how often they occur."""
    cw = np.array([c[3] for c in K.COUNTRIES])
    cw = cw / cw.sum()
    sw = np.array(K.SURFACE_WEIGHTS)
    out = np.empty((NC, KC), dtype=np.int32)
    for m in range(NC):
        langs = set(K.COUNTRIES[m][2])
        same_lang = np.array([1.0 if langs & set(c[2]) else 0.0 for c in K.COUNTRIES])
        wc = 0.55 * (np.arange(NC) == m) + 0.3 * cw + 0.15 * same_lang * cw / max((same_lang * cw).sum(), 1e-9)
        w = (sw[:, None] * wc[None, :]).ravel() * rng.lognormal(0, 0.1, size=KC)
        out[m] = np.argsort(-w, kind="stable")
    return out


def _calibrate(pop: np.ndarray, alive_frac: np.ndarray, target_rows: float) -> float:
    lo, hi = 1e-6, 1e6
    dn = DIURNAL_LOCAL / 24.0
    pop32 = pop.astype(np.float32)[:, None]
    dn32 = dn.astype(np.float32)[None, :]
    for _ in range(36):
        c = (lo * hi) ** 0.5
        rows = (np.minimum(KC, np.float32(c) * pop32 * dn32).sum(axis=1) * alive_frac).sum()
        if rows > target_rows:
            hi = c
        else:
            lo = c
    return (lo * hi) ** 0.5


def allocate(sizes: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """Sample size per stratum: proportional to the stratum's size (largest remainder, so the sizes add
    up to `total`), then at least `minimum` for every non-empty stratum and at most its size."""
    sizes = np.asarray(sizes, dtype=np.int64)
    n = np.zeros(len(sizes), dtype=np.int64)
    grand = int(sizes.sum())
    if grand <= 0:
        return n
    quota = total * sizes / grand
    n[:] = np.floor(quota)
    short = total - int(n.sum())
    if short > 0:
        n[np.argsort(-(quota - n), kind="stable")[:short]] += 1
    n = np.where(sizes > 0, np.maximum(n, minimum), 0)
    return np.minimum(n, sizes)


def workers(days: int) -> int:
    """Processes generating days at once: INTEGRITY_SIMULATOR_WORKERS, else one per core (a single
    process for a few days, where starting the pool costs more than it saves)."""
    given = os.environ.get("INTEGRITY_SIMULATOR_WORKERS", "").strip()
    if given:
        try:
            wanted = int(given)
        except ValueError as exc:
            raise UserError(f"INTEGRITY_SIMULATOR_WORKERS must be a whole number, got {given!r}") from exc
        if wanted < 1:
            raise UserError(f"INTEGRITY_SIMULATOR_WORKERS must be at least 1, got {wanted}")
    else:
        wanted = (os.cpu_count() or 1) if days >= 30 else 1
    return max(1, min(wanted, days))


@dataclass
class _Day:
    """What generating one day gives: its rows grouped by delivery lag, the day's truth and sample."""

    slices: list[tuple[int, tuple]]  # (days after the event day it is delivered, columns)
    extra: list[tuple[int, str, tuple]]  # (delivery day, kind, columns): restatement, resend
    restated: list[dict]
    rows_delivered: int
    prev: np.ndarray  # [NS, 2]
    prev_country: np.ndarray  # [NC, 2]
    unw: np.ndarray  # [NS, NC, 4]
    samples: list[dict]


# The inputs every day reads, set before the worker processes fork (they inherit it, nothing is
# pickled); None outside generate().
_INPUTS: SimpleNamespace | None = None


def _generate_day(d: int) -> _Day:
    """Day `d` of the stream. Its random numbers come from its own seeds (the world's seed and the
    day), so a day is the same whichever process draws it and in whatever order."""
    x = _INPUTS
    assert x is not None
    w, tin = x.w, x.tin
    rng = np.random.default_rng(np.random.SeedSequence([w.seed, 7, d]))
    sample_rng = np.random.default_rng(np.random.SeedSequence([w.seed, 11, d]))
    created, hide_from, win_from, win_to = x.created, x.hide_from, x.win_from, x.win_to
    spam_from, spam_to = x.spam_from, x.spam_to
    last_dt = x.last_dt
    out = _Day([], [], [], 0, np.zeros((NS, 2), dtype=np.int64), np.zeros((NC, 2), dtype=np.int64),
               np.zeros((NS, NC, 4), dtype=np.int64), [])
    T = w.start + d * DAY
    hi = np.searchsorted(x.created_sorted, T + DAY, side="left")
    cand = x.order[:hi]
    cand = cand[(hide_from[cand] > T) | (win_to[cand] < T + DAY)]
    hours = T + np.arange(24, dtype=np.int64) * HOUR
    dow = int(((T // DAY) + 3) % 7)
    # two tiers: popular items get an hourly Poisson draw per (item, hour); the long tail draws its
    # day's rows at once and spreads them over the (local) diurnal curve -- same distribution, fewer draws
    lam_day = x.rate[cand] * WEEKLY[dow]
    tail = lam_day < TAIL_ROWS
    cand_t, cand = cand[tail], cand[~tail]
    lam = lam_day[~tail][:, None] * x.diurnal[x.tz_idx[cand]]
    # hours an item can be seen: from the hour after its creation, before it was hidden, outside a
    # reversed action's window; only items that change state during the day need the hourly mask
    cr, hf, wf, wt = created[cand], hide_from[cand], win_from[cand], win_to[cand]
    last_h = T + 23 * HOUR
    part = np.flatnonzero(~((cr <= T - HOUR) & (hf > last_h) & ((wf > last_h) | (wt <= T))))
    if len(part):
        h = hours[None, :]
        c = cr[part, None]
        alive = (h >= c - c % HOUR + HOUR) & (h < hf[part, None])
        alive &= ~((h >= wf[part, None]) & (h < wt[part, None]))
        lam[part] *= alive
    # one Poisson draw per (item, hour), zero-rate hours included (cheaper than finding them first)
    k = rng.poisson(np.minimum(lam, KC).ravel())
    np.minimum(k, KC, out=k)
    nzf = np.flatnonzero(k)
    k = k[nzf]
    item_h = np.repeat(cand[nzf // 24], k)
    hour_h = np.repeat((nzf % 24).astype(np.int8), k)
    j_h = np.arange(len(item_h), dtype=np.int32) - np.repeat((np.cumsum(k) - k).astype(np.int32), k)
    # the tail
    r_t = rng.poisson(lam_day[tail])
    st = r_t > 0
    item_t = np.repeat(cand_t[st], r_t[st])
    tzr = x.tz_idx[item_t]
    hour_t = np.searchsorted(x.cdf_flat, tzr + rng.random(len(item_t)), side="right") - tzr * 24
    hour_t = np.clip(hour_t, 0, 23)
    hts = T + hour_t * HOUR
    c = created[item_t]
    ok = (hts >= c - c % HOUR + HOUR) & (hts < hide_from[item_t])
    ok &= ~((hts >= win_from[item_t]) & (hts < win_to[item_t]))
    item_t, hour_t = item_t[ok], hour_t[ok]
    key = item_t.astype(np.int64) * 24 + hour_t
    o = np.argsort(key, kind="stable")
    item_t, hour_t, key = item_t[o], hour_t[o].astype(np.int8), key[o]
    n_t = len(key)
    first = np.ones(n_t, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    pos = np.arange(n_t, dtype=np.int32)
    j_t = np.minimum(pos - np.maximum.accumulate(np.where(first, pos, 0)), KC - 1)
    item = np.concatenate([item_h, item_t])
    hour = np.concatenate([hour_h, hour_t])
    j = np.concatenate([j_h, j_t])
    combo = x.rank_flat[x.market_kc[item] + j]
    sc_keys, sc_vals = x.sc_keys, x.sc_vals
    if len(sc_keys):  # country-scoped actions hide an item in some countries only
        rows = np.flatnonzero(x.has_scoped[item])
        if len(rows):
            key = item[rows].astype(np.int64) * NC + combo[rows] % NC
            pos = np.minimum(np.searchsorted(sc_keys, key), len(sc_keys) - 1)
            drop = (sc_keys[pos] == key) & (T + hour[rows].astype(np.int64) * HOUR >= sc_vals[pos])
            if drop.any():
                keep = np.ones(len(item), dtype=bool)
                keep[rows[drop]] = False
                item, hour, j, combo = item[keep], hour[keep], j[keep], combo[keep]
    total = len(item)
    # delivery day (relative): hours before 18:00 the same day, the evening the next day, ~1.5% late
    # by 2-14 days; rows are put in delivery order once, so every delivery is a slice
    rel = (hour >= 18).view(np.uint8)
    late = np.flatnonzero(rng.random(total, dtype=np.float32) < np.float32(0.015))
    rel[late] = rng.integers(2, 15, size=len(late), dtype=np.uint8)
    o = np.argsort(rel, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(rel, minlength=15))])
    item, hour, j, combo = item[o], hour[o], j[o], combo[o]
    surface, country = np.divmod(combo, NC)
    hour_ts = T + hour.astype(np.int64) * HOUR
    imp = 1 + rng.poisson(x.mu1[item] * x.gdec[j])
    sr = np.where(x.fake_streams[item], np.float32(0.97), x.stream_rate[surface])
    streams = (imp * (sr * rng.random(total, dtype=np.float32) * np.float32(1.6))).astype(np.int64)
    np.minimum(streams, imp, out=streams)
    n_del = int(bounds[min(max(last_dt - d + 1, 0), 15)])  # rows delivered by the last day: a prefix
    imp_truth = imp
    on_time = np.arange(bounds[1]) if d <= last_dt else np.arange(0)
    if d == x.restate_day:
        cand_r = on_time[:: max(1, total // 40)][:25]
        if len(cand_r) and d + 3 <= last_dt:
            new = imp[cand_r] + rng.integers(1, 25, size=len(cand_r))
            imp_truth = imp.copy()
            imp_truth[cand_r] = new
            out.extra.append((d + 3, "restatement", (
                hour_ts[cand_r], item[cand_r], surface[cand_r], country[cand_r], new, np.minimum(streams[cand_r], new))))
            out.restated.append({"delivered_dt": str(np.datetime64(w.start // DAY, "D") + d), "restated_dt":
                                 str(np.datetime64(w.start // DAY, "D") + d + 3), "rows": len(cand_r)})
    if d == x.resend_day:
        cand_s = on_time[:: max(1, total // 60)][:30]
        if len(cand_s) and d + 2 <= last_dt:
            out.extra.append((d + 2, "resend", (
                hour_ts[cand_s], item[cand_s], surface[cand_s], country[cand_s], imp[cand_s], streams[cand_s])))
    # the day's rows grouped by delivery day: slices of the delivery-ordered arrays, in narrow types
    # (hours since the start, int8 codes, int32 counts: less to move between processes); late
    # slices are copied, so a slice waiting days for its delivery does not keep the whole day alive
    narrow = (
        ((hour_ts - w.start) // HOUR).astype(np.int32), item.astype(np.int32), surface.astype(np.int8),
        country.astype(np.int8), imp.astype(np.int32), streams.astype(np.int32),
    )
    for r in range(15):
        lo, hi = int(bounds[r]), int(bounds[r + 1])
        if hi > lo and d + r <= last_dt:
            out.slices.append((r, tuple(col[lo:hi] if r < 2 else col[lo:hi].copy() for col in narrow)))
    # ---- truth on the delivered rows (restated values)
    it_d, ht_d, s_d, c_d, v_d = item[:n_del], hour_ts[:n_del], surface[:n_del], country[:n_del], imp_truth[:n_del]
    out.rows_delivered = n_del
    cell = s_d * NC + c_d
    cells = np.bincount(cell, weights=v_d, minlength=KC).reshape(NS, NC).astype(np.int64)
    out.unw[:, :, 0] += cells
    out.prev[:, 0] += cells.sum(axis=1)
    out.prev_country[:, 0] += cells.sum(axis=0)
    sp = np.flatnonzero(x.spam_item[it_d])  # only rows of (ever-)spam items can be spam
    if len(sp):
        it_s, ht_s = it_d[sp], ht_d[sp]
        spam_now = (ht_s + HOUR > spam_from[it_s]) & (ht_s < spam_to[it_s])
        out.prev[:, 1] += np.bincount(s_d[sp], weights=v_d[sp] * spam_now, minlength=NS).astype(np.int64)
        out.prev_country[:, 1] += np.bincount(c_d[sp], weights=v_d[sp] * spam_now, minlength=NC).astype(np.int64)
    jr = np.flatnonzero(tin.judged[it_d])  # only rows of judged items can be unwanted
    if len(jr):
        it_j, ht_j, c_j, v_j = it_d[jr], ht_d[jr], c_d[jr], v_d[jr]
        end = tin.end_global[it_j]
        if len(tin.scoped_keys):
            key = it_j.astype(np.int64) * NC + c_j
            pos = np.minimum(np.searchsorted(tin.scoped_keys, key), len(tin.scoped_keys) - 1)
            hitk = tin.scoped_keys[pos] == key
            end = np.where(hitk, np.minimum(end, tin.scoped_end[pos]), end)
        unwanted = (ht_j < end) & (ht_j + HOUR > tin.created[it_j])
        if tin.pauses:
            for r in np.flatnonzero(unwanted & x.paused_item[it_j]).tolist():
                h, ci = int(ht_j[r]), int(c_j[r])
                if any(pc in (-1, ci) and h >= pf and h + HOUR <= pt for pc, pf, pt in tin.pauses[int(it_j[r])]):
                    unwanted[r] = False
        before = unwanted & (ht_j < tin.signal[it_j])
        after = unwanted & ~before
        cell_j = cell[jr]
        b_cells = np.bincount(cell_j, weights=v_j * before, minlength=KC).reshape(NS, NC).astype(np.int64)
        a_cells = np.bincount(cell_j, weights=v_j * after, minlength=KC).reshape(NS, NC).astype(np.int64)
        out.unw[:, :, 1] += b_cells + a_cells
        out.unw[:, :, 2] += b_cells
        out.unw[:, :, 3] += a_cells
    # ---- prevalence sample: stratified by surface, allocation proportional to the day's impressions
    # (with a floor per surface); within a stratum a simple random sample of impressions without
    # replacement, so every impression of the stratum has inclusion probability n_s / N_s
    alloc = allocate(out.prev[:, 0], x.samples_per_day, x.min_per_stratum)
    by_surface = np.argsort(s_d.astype(np.uint8), kind="stable")
    s_bounds = np.concatenate([[0], np.cumsum(np.bincount(s_d, minlength=NS))])
    for s in np.flatnonzero(alloc).tolist():
        ms = by_surface[s_bounds[s]:s_bounds[s + 1]]
        cum = np.cumsum(v_d[ms])
        tot = int(cum[-1])
        nsmp = int(alloc[s])
        u = np.sort(sample_rng.choice(tot, size=nsmp, replace=False))
        picks = ms[np.searchsorted(cum, u, side="right")]
        prob = nsmp / tot
        for p in picks.tolist():
            itx = int(it_d[p])
            hts = int(ht_d[p])
            pol = w.item_policy[itx]
            spam_p = bool(hts + HOUR > spam_from[itx] and hts < spam_to[itx])
            if spam_p or pol is not None and not K.POLICIES[pol][1] and hts + HOUR > created[itx]:
                label, code = "violating", pol
            else:
                label, code = "not_violating", None
            if sample_rng.random() < 0.02:
                label, code = "unlabelable", None
            lab_at = T + DAY + int(sample_rng.integers(2 * HOUR, 4 * DAY))
            out.samples.append({
                "sample_id": "smp_" + f"{int(sample_rng.integers(0, 2**62)):016x}", "hour_ts": hts,
                "content_id": w.item_ids[itx], "surface": K.SURFACES[s], "country": K.COUNTRY_CODES[int(c_d[p])],
                "stratum": K.SURFACES[s], "inclusion_prob": round(prob, 10), "label": label, "policy_code": code,
                "labeled_at": lab_at, "labeler_id": x.labelers[int(sample_rng.integers(0, len(x.labelers)))],
                "_t": lab_at, "_drawn": T + DAY, "_item": itx, "_spam": spam_p,
            })
    return out


def generate(w: World, landing: Path, last_dt: int, tin: TruthInputs, samples_per_day: int,
             progress: bool = True, extra_column_dt: int | None = None,
             min_per_stratum: int = 3) -> ImpressionResult:
    global _INPUTS
    t0 = time.perf_counter()
    rng = np.random.default_rng(np.random.SeedSequence([w.seed, 7]))
    res = ImpressionResult()
    n = len(w.item_ids)
    days = w.days
    created = np.array(w.item_created, dtype=np.int64)
    pop = np.array(w.item_pop, dtype=np.float64)
    market = np.array(w.item_country, dtype=np.int32)
    tz = np.array([K.COUNTRIES[c][4] for c in range(NC)], dtype=np.int64)[market]
    # diurnal profile in UTC hours per item (local curve shifted by the market's offset)
    diurnal_by_tz = {o: np.roll(DIURNAL_LOCAL, -o) for o in set(tz.tolist())}  # utc h = local h - offset
    tz_codes = sorted(diurnal_by_tz)
    tz_idx = np.searchsorted(np.array(tz_codes), tz)
    diurnal = np.stack([diurnal_by_tz[o] for o in tz_codes]) / 24.0  # [ntz, 24]
    ranking = _ranking(rng)
    cdf = np.cumsum(diurnal, axis=1)
    cdf_flat = (np.arange(len(tz_codes))[:, None] + cdf / cdf[:, -1:]).ravel()
    alive_frac = np.clip((w.end - np.maximum(created, w.start)) / (w.end - w.start), 0, 1)
    c = _calibrate(pop, alive_frac, w.scale.rows_per_day)
    rate = c * pop  # expected rows per day (before the weekly factor)
    mu = 1.0 + 3.0 * (pop / np.median(pop)) ** 0.35  # mean impressions of a row
    hide_from = np.full(n, INF, dtype=np.int64)
    for it, t in w.hide_from.items():
        hide_from[it] = t
    win_from = np.full(n, INF, dtype=np.int64)
    win_to = np.full(n, INF, dtype=np.int64)
    for it, wins in w.hide_windows.items():
        win_from[it], win_to[it] = wins[0]
    sc = {}
    for it, ci, t in w.scoped_hide:
        k = it * NC + ci
        sc[k] = min(sc.get(k, INF), t)
    sc_keys = np.array(sorted(sc), dtype=np.int64)
    spam_from = np.array(w.item_spam_from, dtype=np.int64)
    paused_item = np.zeros(n, dtype=bool)
    paused_item[list(tin.pauses)] = True
    order = np.argsort(created, kind="stable").astype(np.int32)
    has_scoped = np.zeros(n, dtype=bool)
    has_scoped[sc_keys // NC] = True
    _INPUTS = SimpleNamespace(
        w=w, tin=tin, last_dt=last_dt, samples_per_day=samples_per_day, min_per_stratum=min_per_stratum,
        created=created, hide_from=hide_from, win_from=win_from, win_to=win_to, rate=rate, diurnal=diurnal,
        tz_idx=tz_idx, cdf_flat=cdf_flat, order=order, created_sorted=created[order], mu1=mu - 1.0,
        gdec=1.6 / (1.0 + np.arange(KC) / 6.0) + 0.2, stream_rate=np.array(K.STREAM_RATE, dtype=np.float32),
        fake_streams=np.array([p == "spam_artificial_streaming" for p in w.item_policy]),
        sc_keys=sc_keys, sc_vals=np.array([sc[k] for k in sorted(sc)], dtype=np.int64), has_scoped=has_scoped,
        spam_from=spam_from, spam_to=np.array(w.item_spam_to, dtype=np.int64), spam_item=spam_from < INF,
        paused_item=paused_item, rank_flat=ranking.ravel(), market_kc=market * KC,
        restate_day=days // 2 if days >= 6 else -1, resend_day=max(1, days // 3) if days >= 5 else -1,
        labelers=["lbl-" + x for x in ("4f1d9a0c22e1", "8b3e77d1a0f4", "c9a2e6153b7d", "17e0b5fd9c3a")],
    )
    tty = sys.stderr.isatty()
    n_workers = workers(days)
    # Days are drawn by worker processes, forked here before this process starts a thread or uses
    # Arrow (they inherit the inputs, nothing is pickled but their results); this process assembles
    # each delivery day's file in day order, and one thread encodes the Parquet beside it.
    procs = mp.get_context("fork").Pool(n_workers) if n_workers > 1 else None
    ids = pa.array(w.item_ids, pa.string())
    surf_arr = pa.array(K.SURFACES, pa.string())
    ctry_arr = pa.array(K.COUNTRY_CODES, pa.string())
    prev = np.zeros((days, NS, 2), dtype=np.int64)
    prev_country = np.zeros((days, NC, 2), dtype=np.int64)
    unw = np.zeros((days, NS, NC, 4), dtype=np.int64)
    pending: dict[int, list[tuple]] = {}
    extra_files: dict[int, list[tuple[str, tuple]]] = {}
    part_no: dict[int, int] = {}

    pool = ThreadPoolExecutor(max_workers=2)
    writing: list = []

    def flush(dt: int) -> None:
        parts = pending.pop(dt, [])
        if dt > last_dt:
            return
        day = np.datetime64(w.start // DAY, "D") + dt
        out_dir = landing / "impressions" / f"dt={day}"
        files = []
        if parts:
            hour, *cols = (np.concatenate([p[k] for p in parts]) for k in range(6))
            tbl = _table(ids, surf_arr, ctry_arr, w.start + hour.astype(np.int64) * HOUR, *cols)
            if dt == extra_column_dt:  # schema drift: a producer adds a column (rows stay clean)
                tbl = tbl.append_column("device_class", pa.array(
                    np.array(["mobile", "desktop", "tv", "car"])[np.arange(tbl.num_rows) % 4], pa.string()))
                res.extra_column_file = f"impressions/dt={day}/part-{part_no.get(dt, 0)}.parquet"
            files.append(("clean", tbl))
        files.extend((k, _table(ids, surf_arr, ctry_arr, *a)) for k, a in extra_files.pop(dt, []))
        for kind, tbl in files:
            out_dir.mkdir(parents=True, exist_ok=True)
            pno = part_no.get(dt, 0)
            part_no[dt] = pno + 1
            path = out_dir / f"part-{pno}.parquet"
            while len(writing) >= 3:
                writing.pop(0).result()
            writing.append(pool.submit(pq.write_table, tbl, path, compression="snappy", store_schema=False,
                                       write_statistics=["hour_ts"]))
            res.files.append({"feed": "impressions", "delivered_dt": str(day), "file": str(path.relative_to(landing)),
                              "kind": kind, "records": tbl.num_rows})
            res.rows_written += tbl.num_rows

    # at most two days per worker wait to be assembled (bounds memory)
    queued: deque = deque()
    next_day = 0
    try:
        for d in range(days):
            if procs is None:
                day_out = _generate_day(d)
            else:
                while next_day < days and len(queued) < 2 * n_workers:
                    queued.append(procs.apply_async(_generate_day, (next_day,)))
                    next_day += 1
                day_out = queued.popleft().get()
            for r, cols in day_out.slices:
                pending.setdefault(d + r, []).append(cols)
            for dt, kind, cols in day_out.extra:
                extra_files.setdefault(dt, []).append((kind, cols))
            res.restated.extend(day_out.restated)
            res.rows_delivered += day_out.rows_delivered
            prev[d], prev_country[d], unw[d] = day_out.prev, day_out.prev_country, day_out.unw
            res.samples.extend(day_out.samples)
            flush(d)
            if progress and (tty or (d + 1) % max(1, days // 10) == 0 or d + 1 == days):
                el = time.perf_counter() - t0
                done = int(30 * (d + 1) / days)
                cr = "\r" if tty else ""
                print(f"{cr}  impressions [{'#' * done}{'.' * (30 - done)}] day {d + 1}/{days}  "
                      f"{res.rows_written:,} rows  {res.rows_written / max(el, 1e-9) / 1e6:.2f}M rows/s"
                      f"{f' ({n_workers} processes)' if n_workers > 1 else ''}",
                      end="" if tty else "\n", file=sys.stderr, flush=True)
        for dt in sorted(set(pending) | set(extra_files)):
            if dt <= last_dt:
                flush(dt)
        for f in writing:
            f.result()
    finally:
        if procs is not None:
            procs.terminate()
            procs.join()
        pool.shutdown()
        _INPUTS = None
    if progress and tty:
        print(file=sys.stderr)
    res.prevalence = prev
    res.prevalence_country = prev_country
    res.unwanted = unw
    res.seconds = time.perf_counter() - t0
    return res


def _table(ids, surf_arr, ctry_arr, hour_ts, item, surface, country, imp, streams) -> pa.Table:
    """Big tables keep content_id dictionary-encoded over the whole catalogue (no string copies);
    small ones are decoded so their Parquet dictionary holds only the ids they use."""
    n = len(item)
    content = pa.DictionaryArray.from_arrays(pa.array(item.astype(np.int32)), ids)
    surf = pa.DictionaryArray.from_arrays(pa.array(surface.astype(np.int32)), surf_arr)
    ctry = pa.DictionaryArray.from_arrays(pa.array(country.astype(np.int32)), ctry_arr)
    if n < len(ids) // 2:
        content = content.dictionary_decode()
    return pa.table({
        "hour_ts": pa.array(hour_ts * 1_000_000, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
        "content_id": content,
        "surface": surf.dictionary_decode() if n < 1000 else surf,
        "country": ctry.dictionary_decode() if n < 1000 else ctry,
        "impressions": pa.array(imp, pa.int64()),
        "streams": pa.array(streams, pa.int64()),
    })
