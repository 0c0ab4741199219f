"""The simulated platform: accounts, catalogue, spam campaigns and everything moderation does about them.

All times are integer seconds since the Unix epoch (UTC). Records are plain dicts in contract field
order plus private keys starting with `_` (event time `_t`, delivery dependencies `_after`).
Events at or after the end of the simulated period are never created (nothing after --end-date is
delivered). The impressions stream is generated separately (impressions.py) from the item arrays
built here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import constants as K

DAY = 86400
HOUR = 3600
INF = 2**62


@dataclass(frozen=True)
class Scale:
    name: str
    days: int
    accounts: int
    items: int
    rows_per_day: int
    campaigns: int
    reviewers: int


SCALES = {
    "xs": Scale("xs", 14, 1500, 4000, 20_000, 2, 24),
    "s": Scale("s", 90, 9000, 30000, 125_000, 5, 48),
    "m": Scale("m", 365, 20000, 60000, 340_000, 12, 80),
    "l": Scale("l", 365, 40000, 120000, 1_700_000, 16, 120),
}

DIURNAL_LOCAL = np.array(
    [0.35, 0.25, 0.18, 0.15, 0.15, 0.2, 0.35, 0.6, 0.8, 0.85, 0.85, 0.9,
     0.95, 0.95, 0.9, 0.9, 0.95, 1.05, 1.2, 1.35, 1.45, 1.35, 1.05, 0.65]
)
DIURNAL_LOCAL = DIURNAL_LOCAL / DIURNAL_LOCAL.mean()
WEEKLY = np.array([0.95, 0.94, 0.96, 1.0, 1.08, 1.26, 1.2])  # Monday .. Sunday


def hex_ids(rng: np.random.Generator, n: int, prefix: str, width: int = 16) -> list[str]:
    v = rng.integers(0, 2**63 - 1, size=n, dtype=np.int64)
    return [f"{prefix}{x:0{width}x}" for x in v.tolist()]


def uuid_ids(rng: np.random.Generator, n: int) -> list[str]:
    a = rng.integers(0, 2**63 - 1, size=n, dtype=np.int64).tolist()
    b = rng.integers(0, 2**63 - 1, size=n, dtype=np.int64).tolist()
    out = []
    for x, y in zip(a, b, strict=True):
        h = f"{x:016x}{y:016x}"
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[y % 4]}{h[17:20]}-{h[20:32]}")
    return out


def ean13(rng: np.random.Generator) -> str:
    digits = [int(d) for d in rng.integers(0, 10, size=12)]
    s = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return "".join(map(str, digits)) + str((10 - s % 10) % 10)


@dataclass
class World:
    scale: Scale
    seed: int
    start: int  # first second of the period (UTC midnight)
    end: int  # first second after the period
    rng: np.random.Generator
    days: int
    # entity arrays
    account_ids: list[str] = field(default_factory=list)
    acc_type: list[str] = field(default_factory=list)
    acc_country: list[int] = field(default_factory=list)
    acc_created: list[int] = field(default_factory=list)
    acc_campaign: list[int] = field(default_factory=list)
    acc_email: list[str] = field(default_factory=list)
    acc_ip: list[str] = field(default_factory=list)
    acc_verified: list[bool] = field(default_factory=list)
    item_ids: list[str] = field(default_factory=list)
    item_type: list[str] = field(default_factory=list)
    item_owner: list[int] = field(default_factory=list)
    item_created: list[int] = field(default_factory=list)
    item_country: list[int] = field(default_factory=list)
    item_lang: list[str] = field(default_factory=list)
    item_pop: list[float] = field(default_factory=list)
    item_campaign: list[int] = field(default_factory=list)
    item_policy: list[str | None] = field(default_factory=list)  # true violation (spam or not), None = fine
    item_domains: list[list[str]] = field(default_factory=list)
    item_title: list[str] = field(default_factory=list)
    item_desc: list[str] = field(default_factory=list)
    item_spam_from: list[int] = field(default_factory=list)
    item_spam_to: list[int] = field(default_factory=list)
    # feeds (records)
    feeds: dict[str, list[dict]] = field(default_factory=dict)
    campaigns: list[dict] = field(default_factory=list)
    reviewers: list[dict] = field(default_factory=list)
    outage: tuple[int, int] = (0, 0)
    # real exposure (what the platform actually did, delivered or not)
    hide_from: dict[int, int] = field(default_factory=dict)  # item -> earliest global exposure end
    hide_windows: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # reversed: (from, to)
    scoped_hide: list[tuple[int, int, int]] = field(default_factory=list)  # (item, country idx, from)
    counters: dict[str, int] = field(default_factory=dict)

    # ------------------------------------------------------------ helpers
    def uid(self, prefix: str) -> str:
        return hex_ids(self.rng, 1, prefix)[0]

    def add(self, feed: str, rec: dict) -> dict | None:
        if rec["_t"] >= self.end:
            return None
        self.counters["seq"] = rec["_seq"] = self.counters.get("seq", 0) + 1
        self.feeds.setdefault(feed, []).append(rec)
        return rec


# ==================================================================== entities


def build_world(scale: Scale, days: int, start: int, seed: int) -> World:
    rng = np.random.default_rng(np.random.SeedSequence([seed, 20261031]))
    w = World(scale=scale, seed=seed, start=start, end=start + days * DAY, rng=rng, days=days)
    _accounts(w)
    _reviewers(w)
    _catalogue(w)
    _campaigns(w)
    _background_violations(w)
    _moderate(w)
    _classifier_scores(w)
    _appeals(w)
    _qa_audits(w)
    return w


def _country_probs() -> np.ndarray:
    p = np.array([c[3] for c in K.COUNTRIES])
    return p / p.sum()


def _new_account(w: World, t: int, atype: str, country: int, campaign: int = -1, verified: bool = False) -> int:
    rng = w.rng
    aid = uuid_ids(rng, 1)[0]
    w.account_ids.append(aid)
    w.acc_type.append(atype)
    w.acc_country.append(country)
    w.acc_created.append(int(t))
    w.acc_campaign.append(campaign)
    if campaign >= 0:
        local = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), size=10))
        dom = ["mail.ru", "tempmail.io", "gmail.com", "outlook.com"][int(rng.integers(0, 4))]
        ip = f"185.{int(rng.integers(200, 240))}.{int(rng.integers(0, 255))}.{int(rng.integers(1, 255))}"
    else:
        local = f"{['anna', 'lukas', 'marie', 'tom', 'sofia', 'jan', 'emma', 'leo', 'mia', 'noah'][int(rng.integers(0, 10))]}.{int(rng.integers(10, 9999))}"
        dom = ["gmail.com", "outlook.com", "web.de", "orange.fr", "yahoo.com", "icloud.com", "gmx.de"][int(rng.integers(0, 7))]
        if rng.random() < 0.15:
            ip = "2a02:{:x}:{:x}::{:x}".format(*(int(x) for x in rng.integers(0x100, 0xFFFF, size=3)))
        else:
            ip = ".".join(str(int(x)) for x in rng.integers(1, 255, size=4))
    w.acc_email.append(f"{local}@{dom}")
    w.acc_ip.append(ip)
    w.acc_verified.append(bool(verified))
    return len(w.account_ids) - 1


def _accounts(w: World) -> None:
    rng = w.rng
    n = w.scale.accounts
    probs = _country_probs()
    types = rng.choice(K.ACCOUNT_TYPES, size=n, p=[0.55, 0.2, 0.1, 0.05, 0.1])
    countries = rng.choice(len(K.COUNTRIES), size=n, p=probs)
    pre = rng.random(n) < 0.85
    created = np.where(
        pre,
        w.start - rng.integers(DAY, 3 * 365 * DAY, size=n),
        w.start + rng.integers(0, w.days * DAY, size=n),
    )
    verified = np.isin(types, ["artist", "label", "podcaster"]) & (rng.random(n) < 0.4)
    names = np.array(["anna", "lukas", "marie", "tom", "sofia", "jan", "emma", "leo", "mia", "noah", "lea", "paul"])
    doms = np.array(["gmail.com", "outlook.com", "web.de", "orange.fr", "yahoo.com", "icloud.com", "gmx.de"])
    emails = [f"{a}.{b}@{c}" for a, b, c in zip(names[rng.integers(0, len(names), n)].tolist(),
                                               rng.integers(10, 99999, n).tolist(),
                                               doms[rng.integers(0, len(doms), n)].tolist(), strict=True)]
    v6 = rng.random(n) < 0.15
    q = rng.integers(1, 255, size=(n, 4)).tolist()
    h = rng.integers(0x100, 0xFFFF, size=(n, 3)).tolist()
    ips = [f"2a02:{x[0]:x}:{x[1]:x}::{x[2]:x}" if six else f"{y[0]}.{y[1]}.{y[2]}.{y[3]}"
           for six, x, y in zip(v6.tolist(), h, q, strict=True)]
    w.account_ids.extend(uuid_ids(rng, n))
    w.acc_type.extend(types.tolist())
    w.acc_country.extend(countries.tolist())
    w.acc_created.extend(created.tolist())
    w.acc_campaign.extend([-1] * n)
    w.acc_email.extend(emails)
    w.acc_ip.extend(ips)
    w.acc_verified.extend(verified.tolist())


def _reviewers(w: World) -> None:
    """Moderator roster: in-house (internal) and two vendors, with languages and true error rates."""
    rng = w.rng
    n = w.scale.reviewers
    ids = uuid_ids(rng, n)
    lang_pool = ["en", "de", "fr", "es", "it", "nl", "pl", "sv", "pt", "da", "fi", "el", "cs", "ro", "hu", "tr", "ja", "hi", "no"]
    for i in range(n):
        vendor = "internal" if i % 3 == 0 else ("vendor_a" if i % 3 == 1 else "vendor_b")
        k = int(rng.integers(1, 4))
        langs = ["en"] + [str(x) for x in rng.choice(lang_pool[1:], size=k - 1, replace=False)] if k > 1 else ["en"]
        if i < 10:  # make sure the big markets are covered
            langs = ["en", lang_pool[1 + i % 9]]
        base = {"internal": 0.03, "vendor_a": 0.06, "vendor_b": 0.09}[vendor]
        err = float(np.clip(rng.normal(base, base / 3), 0.005, 0.25))
        active_from = w.start - int(rng.integers(30, 700)) * DAY
        active_to = None
        if rng.random() < 0.1:
            active_to = w.start + int(rng.integers(w.days // 2, w.days)) * DAY
        w.reviewers.append({
            "reviewer_id": ids[i], "vendor": vendor,
            "employment": "internal" if vendor == "internal" else "external",
            "languages": langs, "active_from": active_from, "active_to": active_to, "error_rate": err,
        })
    # one vendor outage of ~40h in the second half of the period (vendor_b)
    o = w.start + int(w.days * 0.55) * DAY + 6 * HOUR
    w.outage = (o, o + 40 * HOUR)


def _title(rng, ctype: str, lang: str) -> str:
    words = ["night", "summer", "echo", "river", "gold", "love", "city", "dream", "fire", "blue", "road", "home"]
    a, b = rng.choice(words, size=2)
    if ctype == "episode":
        return f"Ep. {int(rng.integers(1, 300))}: The {a} and the {b}"
    if ctype == "playlist":
        return f"{a.title()} {b} mix"
    if ctype == "comment":
        return ""
    return f"{a.title()} {b.title()}"


def _new_item(w: World, ctype: str, owner: int, t: int, pop: float, policy: str | None = None,
              campaign: int = -1, domains: list[str] | None = None, desc: str | None = None,
              spam_from: int | None = None, spam_to: int = INF) -> int:
    rng = w.rng
    country = w.acc_country[owner]
    langs = K.COUNTRIES[country][2]
    lang = langs[0] if rng.random() < 0.8 else ("en" if rng.random() < 0.7 else langs[-1])
    prefix = {"track": "trk_", "episode": "epi_", "show": "shw_", "audiobook": "abk_", "playlist": "pls_",
              "profile": "prf_", "comment": "cmt_"}[ctype]
    w.item_ids.append(hex_ids(rng, 1, prefix)[0])
    w.item_type.append(ctype)
    w.item_owner.append(owner)
    w.item_created.append(int(t))
    w.item_country.append(country)
    w.item_lang.append(lang)
    w.item_pop.append(float(pop))
    w.item_campaign.append(campaign)
    w.item_policy.append(policy)
    w.item_domains.append(domains if domains is not None else
                          ([str(rng.choice(K.LEGIT_DOMAINS))] if rng.random() < 0.2 else []))
    w.item_title.append(_title(rng, ctype, lang))
    w.item_desc.append(desc if desc is not None else ("" if rng.random() < 0.4 else "Official release. Thanks for listening!"))
    is_spam = policy is not None and K.POLICIES[policy][1]
    w.item_spam_from.append(int(spam_from if spam_from is not None else (t if is_spam else INF)))
    w.item_spam_to.append(int(spam_to if is_spam or spam_from is not None else INF))
    return len(w.item_ids) - 1


OWNER_TYPES = {
    "track": ["artist", "label"], "episode": ["podcaster"], "show": ["podcaster"], "audiobook": ["label", "business"],
    "playlist": ["listener", "business", "label"], "profile": ["artist", "podcaster", "listener"], "comment": ["listener"],
}


def _catalogue(w: World) -> None:
    rng = w.rng
    n = w.scale.items
    types = rng.choice(K.CONTENT_TYPES, size=n, p=[0.42, 0.16, 0.03, 0.03, 0.2, 0.06, 0.1])
    by_type: dict[str, np.ndarray] = {}
    acc_type = np.array(w.acc_type)
    for ct, owners in OWNER_TYPES.items():
        by_type[ct] = np.flatnonzero(np.isin(acc_type, owners))
    acc_created = np.array(w.acc_created)
    pops = (rng.pareto(1.15, size=n) + 0.05) * rng.lognormal(0, 0.5, size=n)
    type_factor = {"track": 1.0, "episode": 0.8, "show": 0.6, "audiobook": 0.5, "playlist": 1.4, "profile": 0.5, "comment": 0.15}
    pre = rng.random(n) < 0.6
    owners = np.empty(n, dtype=np.int64)
    for ct in OWNER_TYPES:
        m = types == ct
        owners[m] = by_type[ct][rng.integers(0, len(by_type[ct]), int(m.sum()))]
    oc = acc_created[owners]
    u = rng.random(n)
    before = pre & (oc < w.start)
    lo = np.maximum(oc, w.start)
    t_pre = oc + (u * (w.start - oc)).astype(np.int64)
    t_new = lo + (u * (w.end - lo)).astype(np.int64)
    created = np.where(before | (lo >= w.end), t_pre, t_new)
    country = np.array(w.acc_country)[owners]
    main_lang = np.array([c[2][0] for c in K.COUNTRIES])[country]
    last_lang = np.array([c[2][-1] for c in K.COUNTRIES])[country]
    r1, r2 = rng.random(n), rng.random(n)
    lang = np.where(r1 < 0.8, main_lang, np.where(r2 < 0.7, "en", last_lang))
    prefix = {"track": "trk_", "episode": "epi_", "show": "shw_", "audiobook": "abk_", "playlist": "pls_",
              "profile": "prf_", "comment": "cmt_"}
    raw_ids = rng.integers(0, 2**63 - 1, size=n, dtype=np.int64).tolist()
    words = np.array(["night", "summer", "echo", "river", "gold", "love", "city", "dream", "fire", "blue", "road", "home"])
    wa = words[rng.integers(0, len(words), n)].tolist()
    wb = words[rng.integers(0, len(words), n)].tolist()
    epn = rng.integers(1, 300, n).tolist()
    has_dom = rng.random(n) < 0.2
    dom = np.array(K.LEGIT_DOMAINS)[rng.integers(0, len(K.LEGIT_DOMAINS), n)].tolist()
    no_desc = rng.random(n) < 0.4
    tl = types.tolist()
    for i in range(n):
        ct = tl[i]
        title = (f"Ep. {epn[i]}: The {wa[i]} and the {wb[i]}" if ct == "episode" else f"{wa[i].title()} {wb[i]} mix"
                 if ct == "playlist" else "" if ct == "comment" else f"{wa[i].title()} {wb[i].title()}")
        w.item_ids.append(f"{prefix[ct]}{raw_ids[i]:016x}")
        w.item_title.append(title)
        w.item_domains.append([dom[i]] if has_dom[i] else [])
        w.item_desc.append("" if no_desc[i] else "Official release. Thanks for listening!")
    w.item_type.extend(tl)
    w.item_owner.extend(owners.tolist())
    w.item_created.extend(created.tolist())
    w.item_country.extend(country.tolist())
    w.item_lang.extend(lang.tolist())
    w.item_pop.extend((pops * np.array([type_factor[t] for t in tl])).tolist())
    w.item_campaign.extend([-1] * n)
    w.item_policy.extend([None] * n)
    w.item_spam_from.extend([INF] * n)
    w.item_spam_to.extend([INF] * n)


def _campaigns(w: World) -> None:
    """Bursts of new accounts posting playlists/episodes that share a link domain, growing until caught."""
    rng = w.rng
    n = w.scale.campaigns
    for c in range(n):
        lo, hi = 0.08, 0.75
        start = w.start + int((lo + (hi - lo) * (c + rng.random() * 0.8) / max(n, 1)) * w.days * DAY)
        det_days = 3.0 + rng.random() * (3.0 if w.days > 20 else 1.5)
        detected = start + int(det_days * DAY)
        domain = K.SPAM_DOMAINS[c % len(K.SPAM_DOMAINS)]
        ctype = "playlist" if c % 2 == 0 else "episode"
        rule_id = "rule_shared_domain_burst" if c == 0 else "rule_link_domain_blocklist"
        country = int(rng.choice(len(K.COUNTRIES), p=_country_probs()))
        camp = {"campaign_id": f"camp_{c + 1:03d}", "link_domain": domain, "start_at": start, "detected_at": detected,
                "rule_id": rule_id, "content_type": ctype, "accounts_idx": [], "items_idx": [],
                "policy_code": "spam_deceptive_links", "rule_version": c + 1 if c > 0 else 1}
        # growth: accounts per hour grows ~60%/day until detection, then a short tail (caught at upload)
        t = start
        base = 0.35 * (w.scale.items / 4000) ** 0.5
        while t < min(detected + 30 * HOUR, w.end):
            age_days = (t - start) / DAY
            rate = base * (1.6 ** age_days) if t < detected else base * 0.8
            for _ in range(int(rng.poisson(rate))):
                ta = t + int(rng.integers(0, HOUR))
                acc_country = country if rng.random() < 0.6 else int(rng.choice(len(K.COUNTRIES), p=_country_probs()))
                a = _new_account(w, ta, "listener" if ctype == "playlist" else "podcaster", acc_country, c)
                camp["accounts_idx"].append(a)
                for _k in range(int(rng.integers(1, 5))):
                    ti = ta + int(rng.integers(60, 3 * HOUR))
                    desc = f"FREE premium 🎁 claim now → https://{domain}/r/{int(rng.integers(1000, 99999))} free gift music premium free"
                    it = _new_item(w, ctype, a, ti, 2.5 + rng.pareto(1.5), "spam_deceptive_links", c, [domain], desc)
                    camp["items_idx"].append(it)
            t += HOUR
        w.campaigns.append(camp)


def _background_violations(w: World) -> None:
    """Individual spam and non-spam violations, plus a few hijacked profiles that were spam for a while."""
    rng = w.rng
    n_new = max(40, int(w.scale.items * 0.02 * w.days / 90))
    probs = _country_probs()
    spam_kinds = [
        ("spam_keyword_stuffing", "playlist", 0.3),
        ("spam_repetitive_uploads", "track", 0.2),
        ("spam_artificial_streaming", "track", 0.2),
        ("spam_deceptive_links", "episode", 0.15),
        ("spam_fake_accounts", "profile", 0.15),
    ]
    p = np.array([k[2] for k in spam_kinds])
    for _ in range(n_new):
        k = int(rng.choice(len(spam_kinds), p=p / p.sum()))
        pol, ct, _w = spam_kinds[k]
        t = w.start + int(rng.integers(0, w.days * DAY))
        a = _new_account(w, t - int(rng.integers(HOUR, 5 * DAY)), "artist" if ct == "track" else "listener",
                         int(rng.choice(len(K.COUNTRIES), p=probs)))
        reps = int(rng.integers(3, 8)) if pol == "spam_repetitive_uploads" else 1
        for r in range(reps):
            dom = [str(rng.choice(K.SPAM_DOMAINS[-6:]))] if pol == "spam_deceptive_links" else []
            desc = ("lofi chill beats study sleep relax lofi chill beats study sleep relax rain lofi"
                    if pol == "spam_keyword_stuffing" else None)
            _new_item(w, ct, a, t + r * 600, 0.5 + rng.pareto(1.3) * (3 if pol == "spam_artificial_streaming" else 1),
                      pol, -1, dom, desc)
    # non-spam violations on existing and new owners
    n_bad = max(70, int(w.scale.items * 0.006 * max(w.days, 30) / 90))
    kinds = [
        ("hate_speech", "comment", 0.25), ("copyright", "track", 0.22), ("impersonation", "profile", 0.1),
        ("misinformation", "episode", 0.12), ("violent_extremism", "episode", 0.05), ("self_harm", "episode", 0.06),
        ("sexual_content", "track", 0.1), ("scam_fraud", "audiobook", 0.1),
    ]
    p = np.array([k[2] for k in kinds])
    for _ in range(n_bad):
        acc_type = np.array(w.acc_type)
        k = int(rng.choice(len(kinds), p=p / p.sum()))
        pol, ct, _w = kinds[k]
        t = w.start + int(rng.integers(0, w.days * DAY))
        owners = np.flatnonzero(np.isin(acc_type, OWNER_TYPES[ct]) & (np.array(w.acc_created) < t))
        if pol in ("impersonation", "scam_fraud"):
            owner = _new_account(w, t - int(rng.integers(HOUR, 3 * DAY)),
                                 "business" if pol == "scam_fraud" else "artist", int(rng.choice(len(K.COUNTRIES), p=probs)))
        else:
            owner = int(rng.choice(owners))
        _new_item(w, ct, owner, t, 0.5 + rng.pareto(1.2), pol)
    # hijacked profiles: an existing legit profile carries a spam link for a while (spam_from .. spam_to)
    profiles = [i for i, ct in enumerate(w.item_type) if ct == "profile" and w.item_policy[i] is None
                and w.item_created[i] < w.start]
    for i in rng.choice(profiles, size=min(len(profiles), 2 + w.days // 30), replace=False).tolist():
        t0 = w.start + int(rng.integers(DAY, max(2 * DAY, (w.days - 3) * DAY)))
        w.item_spam_from[i] = t0
        w.item_spam_to[i] = t0 + int(rng.integers(6 * HOUR, 3 * DAY))
        w.item_policy[i] = "spam_deceptive_links"
        w.counters.setdefault("hijacked", 0)
        w.counters["hijacked"] += 1
        w.feeds.setdefault("_hijack", []).append({"item": i, "from": w.item_spam_from[i], "to": w.item_spam_to[i],
                                                 "domain": str(rng.choice(K.SPAM_DOMAINS[-4:]))})


# ==================================================================== moderation machinery


def _is_weekend(t: int) -> bool:
    return ((t // DAY) + 3) % 7 >= 5  # 1970-01-01 was a Thursday


def _pick_reviewer(w: World, vendor: str | None, lang: str, t: int) -> dict:
    rng = w.rng
    pool = [r for r in w.reviewers if (vendor is None or r["vendor"] == vendor) and r["active_from"] <= t
            and (r["active_to"] is None or r["active_to"] > t)]
    if not pool:
        pool = [r for r in w.reviewers if r["vendor"] == "internal"]
    speaking = [r for r in pool if lang in r["languages"]]
    return speaking[int(rng.integers(0, len(speaking)))] if speaking and rng.random() < 0.9 else pool[int(rng.integers(0, len(pool)))]


QUEUE_WAIT_H = {"spam": 7.0, "scam": 6.0, "impersonation": 8.0, "ip": 9.0, "hate": 5.0, "safety": 1.0,
                "appeals": 30.0, "escalations": 2.0}
PRIORITY_WAIT_H = {"P0": 0.25, "P1": 1.2, "P2": 8.0, "P3": 20.0}
HANDLING_S = {"spam": 70, "scam": 160, "impersonation": 240, "ip": 420, "hate": 200, "safety": 260,
              "appeals": 480, "escalations": 600}


def review(w: World, t_enq: int, target_type: str, target_id: str, queue: str, source_type: str,
           source_ref: str | None, truth_policy: str | None, lang: str, priority: str | None = None,
           automated: bool = False, allow_escalate: bool = True) -> dict:
    """Create enqueued / assigned / decided events. Returns the outcome (decision may be None = still open)."""
    rng = w.rng
    rid = w.uid("rev_")
    base = {"review_id": rid, "target_type": target_type, "target_id": target_id, "queue": queue,
            "source_type": source_type, "source_ref": source_ref}
    w.add("review_events", {"event_id": w.uid("evt_"), "review_id": rid, "event_type": "enqueued", "event_ts": t_enq,
                            **{k: v for k, v in base.items() if k != "review_id"}, "_t": t_enq})
    if automated:
        td = t_enq + int(rng.integers(1, 30))
        dec = {"decision": "violating" if truth_policy else "not_violating", "policy_code": truth_policy,
               "reviewer_id": None, "vendor": "internal", "reviewer_language": None, "handling_seconds": 0,
               "automated": True}
        w.add("review_events", {"event_id": w.uid("evt_"), "review_id": rid, "event_type": "decided", "event_ts": td,
                                **{k: v for k, v in base.items() if k != "review_id"}, **dec, "_t": td})
        return {"review_id": rid, "decided_at": td, "decision": dec["decision"], "policy": truth_policy, "reviewer": None}
    # vendor routing: appeals/escalations/safety/ip in-house, the rest mostly vendors by language
    if queue in ("appeals", "escalations", "safety"):
        vendor = "internal"
    else:
        vendor = ["internal", "vendor_a", "vendor_b"][int(rng.choice(3, p=[0.2, 0.45, 0.35]))]
    wait = rng.exponential(PRIORITY_WAIT_H[priority] if priority else QUEUE_WAIT_H[queue]) * HOUR
    t_ready = t_enq + int(wait)
    # weekend backlog: in-house reviewers do not work weekends; vendors run half staffed
    if _is_weekend(t_ready) and priority not in ("P0", "P1"):
        if vendor == "internal" and queue not in ("safety",):
            monday = ((t_ready // DAY) + (7 - ((t_ready // DAY) + 3) % 7)) * DAY + 8 * HOUR
            t_ready = monday + int(rng.exponential(6 * HOUR))
        else:
            t_ready += int(rng.exponential(10 * HOUR))
    # vendor_b outage: nothing routed to vendor_b is handled until it is back, then a backlog drains
    o0, o1 = w.outage
    if vendor == "vendor_b" and t_enq < o1 and t_ready >= o0:
        t_ready = o1 + int(rng.exponential(14 * HOUR))
    reviewer = _pick_reviewer(w, vendor, lang, t_ready)
    t_assigned = t_ready - int(rng.integers(0, 600))
    t_assigned = max(t_assigned, t_enq + 1)
    w.add("review_events", {"event_id": w.uid("evt_"), "review_id": rid, "event_type": "assigned",
                            "event_ts": t_assigned, **{k: v for k, v in base.items() if k != "review_id"},
                            "_t": t_assigned})
    handling = int(max(15, rng.lognormal(math.log(HANDLING_S[queue]), 0.6)))
    td = t_assigned + handling
    rlang = lang if lang in reviewer["languages"] else "en"
    # decision: truth, unless the reviewer errs; some cannot be reviewed, some are escalated
    u = rng.random()
    err = reviewer["error_rate"]
    policy = truth_policy
    if u < 0.012:
        decision, policy = "unable_to_review", None
    elif allow_escalate and queue != "escalations" and u < 0.035:
        decision, policy = "escalated", None
    elif rng.random() < err:
        if truth_policy:
            decision, policy = "not_violating", None
        else:
            decision = "violating"
            policy = {"spam": "spam_keyword_stuffing", "scam": "scam_fraud", "impersonation": "impersonation",
                      "ip": "copyright", "hate": "hate_speech", "safety": "self_harm"}.get(queue, "spam_keyword_stuffing")
    else:
        decision = "violating" if truth_policy else "not_violating"
    dec = {"decision": decision, "policy_code": policy, "reviewer_id": reviewer["reviewer_id"], "vendor": reviewer["vendor"],
           "reviewer_language": rlang, "handling_seconds": handling, "automated": False}
    rec = w.add("review_events", {"event_id": w.uid("evt_"), "review_id": rid, "event_type": "decided", "event_ts": td,
                                  **{k: v for k, v in base.items() if k != "review_id"}, **dec, "_t": td})
    if rec is None:
        return {"review_id": rid, "decided_at": None, "decision": None, "policy": None, "reviewer": reviewer}
    rec["_truth_policy"] = truth_policy
    out = {"review_id": rid, "decided_at": td, "decision": decision, "policy": policy, "reviewer": reviewer}
    if decision == "escalated":
        sub = review(w, td + 5, target_type, target_id, "escalations", "escalation", rid, truth_policy, lang,
                     priority="P2", allow_escalate=False)
        return sub
    return out


LEGAL_GROUND = {
    "hate_speech": "§ 130 StGB (Volksverhetzung), Germany",
    "violent_extremism": "Regulation (EU) 2021/784 on terrorist content online, Art. 3",
    "copyright": "Directive (EU) 2019/790, Art. 17; national copyright law",
    "scam_fraud": "Fraud provisions of the national criminal code",
    "spam_deceptive_links": "Directive 2005/29/EC on unfair commercial practices",
    "self_harm": "National law on the protection of minors",
}


def action(w: World, t_dec: int, target_type: str, target_id: str, item: int | None, account: int | None,
           action_type: str, policy: str, source: str, auto_det: bool, auto_dec: str,
           scope: list[str] | None = None, illegal: bool = False, review_id: str | None = None,
           report_id: str | None = None, rule_id: str | None = None, end_after: int | None = None,
           after: list | None = None) -> dict | None:
    rng = w.rng
    eff = t_dec + (int(rng.integers(0, 300)) if auto_dec != "fully" else int(rng.integers(0, 20)))
    scope = scope or ["GLOBAL"]
    rec = {
        "action_id": w.uid("act_"), "decided_at": t_dec, "effective_at": eff, "target_type": target_type,
        "target_id": target_id, "action_type": action_type, "policy_code": policy,
        "decision_ground": "illegal" if illegal else "terms",
        "legal_ground": LEGAL_GROUND.get(policy, "Applicable national law") if illegal else None,
        "territorial_scope": scope, "source": source, "automated_detection": auto_det,
        "automated_decision": auto_dec, "end_at": eff + end_after if end_after else None,
        "review_id": review_id, "report_id": report_id, "rule_id": rule_id,
        "facts": f"{policy.replace('_', ' ')}: {action_type.replace('_', ' ')} after "
                 f"{'automated detection' if auto_det else 'review'}",
        "_t": max(t_dec, eff), "_item": item, "_account": account,
    }
    if w.add("enforcement_actions", rec) is None:
        return None
    if action_type in K.EXPOSURE_ENDING:
        items = [item] if item is not None else [i for i in w._owned.get(account, [])]
        for it in items:
            if scope == ["GLOBAL"] and end_after and it not in w.hide_windows:
                # a temporary restriction: the item is hidden until it lapses, then seen again
                w.hide_windows[it] = [(eff, eff + end_after)]
            elif scope == ["GLOBAL"]:
                if eff < w.hide_from.get(it, INF):
                    w.hide_from[it] = eff
            else:
                for c in scope:
                    w.scoped_hide.append((it, K.COUNTRY_CODES.index(c), eff))
    return rec


def report(w: World, t: int, reporter_type: str, channel: str, target_type: str, target_id: str, reason: str,
           country: int, lang: str, order_type: str | None = None, priority: str | None = None,
           member_state: str | None = None) -> dict | None:
    rng = w.rng
    is_notice = channel == "dsa_notice_form" or (reporter_type in ("trusted_flagger", "rights_holder") and channel != "in_app")
    anonymous = channel == "web_form" and rng.random() < 0.5
    if reporter_type == "user":
        rid = None if anonymous else w.account_ids[int(rng.integers(0, w.scale.accounts))]
        email = f"listener{int(rng.integers(100, 99999))}@{['gmail.com', 'web.de', 'orange.fr', 'yahoo.com'][int(rng.integers(0, 4))]}" if channel != "in_app" else None
    elif reporter_type == "trusted_flagger":
        rid = ["tf-7d2c91e0", "tf-1a9b44f3", "tf-c03e8d21"][int(rng.integers(0, 3))]
        email = f"notices@flagger{rid[-2:]}.eu"
    elif reporter_type == "authority":
        rid = f"auth-{member_state.lower()}-{int(rng.integers(1, 4))}"
        email = f"dsa-orders@authority.{member_state.lower()}"
    elif reporter_type == "rights_holder":
        rid = ["rh-3f81c2aa", "rh-90d1b7e5", "rh-5e6a0c44"][int(rng.integers(0, 3))]
        email = "antipiracy@rightsholder.example"
    else:
        rid = w.reviewers[int(rng.integers(0, 3)) * 3]["reviewer_id"]
        email = None
    ack = None
    if reporter_type == "authority" or is_notice:
        ack = t + int(rng.exponential(2 * HOUR if reporter_type == "authority" else 600)) + 30
    rec = {
        "report_id": w.uid("rpt_"), "received_at": t, "reporter_type": reporter_type, "channel": channel,
        "target_type": target_type, "target_id": target_id, "reason_code": reason, "reporter_id": rid,
        "reporter_email": email, "country": K.COUNTRY_CODES[country], "language": lang,
        "is_dsa_notice": bool(is_notice), "authority_member_state": member_state, "order_type": order_type,
        "priority": priority, "acknowledged_at": ack,
        "free_text": None if rng.random() < 0.5 else ["this is spam", "fake link, scam", "stolen song", "offensive",
                                                        "Bitte prüfen", "c'est une arnaque"][int(rng.integers(0, 6))],
        "_t": t,
    }
    if ack is not None:
        rec["_t"] = max(t, ack) if ack < w.end else t
        if ack >= w.end:
            rec["acknowledged_at"] = None
    return w.add("reports", rec)


def rule_hit(w: World, t: int, rule_id: str, version: int, mode: str, target_type: str, target_id: str,
             score: float | None = None) -> dict | None:
    return w.add("rule_hits", {"hit_id": w.uid("hit_"), "hit_at": t, "rule_id": rule_id, "rule_version": version,
                               "mode": mode, "target_type": target_type, "target_id": target_id,
                               "score": None if score is None else round(float(score), 4), "_t": t})


# ==================================================================== moderation


def _moderate(w: World) -> None:
    rng = w.rng
    w._owned = {}
    for i, o in enumerate(w.item_owner):
        w._owned.setdefault(o, []).append(i)
    # ---- campaigns
    for _c, camp in enumerate(w.campaigns):
        det = camp["detected_at"]
        for a in camp["accounts_idx"]:
            acc_id = w.account_ids[a]
            t_acc = w.acc_created[a]
            # shadow velocity rule flags new accounts uploading fast (signal without action)
            if len(w._owned.get(a, [])) >= 2 and rng.random() < 0.7:
                rule_hit(w, t_acc + int(rng.integers(HOUR, 4 * HOUR)), "rule_new_account_velocity", 1, "shadow", "account", acc_id)
        removed_accounts: set[int] = set()
        for it in camp["items_idx"]:
            tc = w.item_created[it]
            cid = w.item_ids[it]
            a = w.item_owner[it]
            if tc < det:
                # listeners report some before the rule exists; a few get removed by hand
                if rng.random() < 0.25:
                    tr = tc + int(rng.exponential(14 * HOUR)) + 600
                    if tr < det:
                        rep = report(w, tr, "user", "in_app", "content", cid, "spam", w.item_country[it], w.item_lang[it])
                        if rep:
                            rv = review(w, tr + int(rng.integers(5, 120)), "content", cid, "spam", "report",
                                        rep["report_id"], "spam_deceptive_links", w.item_lang[it])
                            if rv["decision"] == "violating" and rv["decided_at"] < det:
                                action(w, rv["decided_at"], "content", cid, it, None, "remove", rv["policy"] or "spam_deceptive_links",
                                       "own_initiative", False, "not", review_id=rv["review_id"], report_id=rep["report_id"])
                th = det + int(rng.integers(60, 2 * HOUR))
            else:
                th = tc + int(rng.integers(30, 600))  # caught at upload
            hit = rule_hit(w, th, camp["rule_id"], camp["rule_version"], "enforce", "content", cid)
            if hit:
                action(w, th + 5, "content", cid, it, None, "remove", "spam_deceptive_links", "own_initiative", True,
                       "fully", rule_id=camp["rule_id"])
                if a not in removed_accounts:
                    removed_accounts.add(a)
                    action(w, th + 30, "account", w.account_ids[a], None, a, "account_terminate", "spam_fake_accounts",
                           "own_initiative", True, "fully", rule_id=camp["rule_id"])
    # ---- background violations and legit items
    n_items = len(w.item_ids)
    pop = np.array(w.item_pop)
    pop_rel = pop / np.median(pop)
    for it in range(n_items):
        if w.item_campaign[it] >= 0:
            continue
        pol = w.item_policy[it]
        cid = w.item_ids[it]
        tc = max(w.item_created[it], w.start)
        lang = w.item_lang[it]
        country = w.item_country[it]
        if pol is None:
            # false or mistaken reports on fine items, proportional to popularity
            lam = 0.004 * w.days / 14 * min(pop_rel[it], 50) ** 0.5
            for _ in range(int(rng.poisson(lam))):
                tr = tc + int(rng.integers(0, max(HOUR, w.end - tc)))
                reason = ["spam", "other", "hate", "impersonation", "ip_infringement"][int(rng.choice(5, p=[0.45, 0.2, 0.15, 0.1, 0.1]))]
                rtype, ch = ("user", "in_app") if rng.random() < 0.8 else ("user", "dsa_notice_form")
                if reason == "ip_infringement" and rng.random() < 0.5:
                    rtype, ch = "rights_holder", "web_form"
                _report_and_review(w, tr, rtype, ch, "content", cid, reason, country, lang, None, it, None)
            continue
        if it in {h["item"] for h in w.feeds.get("_hijack", [])}:
            continue
        _handle_violation(w, it, pol, tc, lang, country, pop_rel[it])
    # ---- hijacked profiles: reported, fixed by the owner (content update), not actioned
    for h in w.feeds.get("_hijack", []):
        it = h["item"]
        tr = h["from"] + int(rng.integers(HOUR, 4 * HOUR))
        if tr < h["to"]:
            _report_and_review(w, tr, "user", "in_app", "content", w.item_ids[it], "spam", w.item_country[it],
                               w.item_lang[it], "spam_deceptive_links", it, None, act=False)
    # ---- internal escalations P0-P3 on random violating items and authority information requests
    viol = [i for i in range(n_items) if w.item_policy[i] and not K.POLICIES[w.item_policy[i]][1]]
    for _ in range(max(12, w.days // 2)):
        it = int(rng.choice(viol))
        tr = max(w.item_created[it], w.start) + int(rng.integers(HOUR, 3 * DAY))
        prio = ["P0", "P1", "P2", "P3"][int(rng.choice(4, p=[0.1, 0.25, 0.35, 0.3]))]
        _report_and_review(w, tr, "internal", "escalation", "content", w.item_ids[it],
                           K.POLICY_REASON[w.item_policy[it]], w.item_country[it], w.item_lang[it],
                           w.item_policy[it], it, None, priority=prio)
    for _ in range(max(3, w.days // 10)):
        a = int(rng.integers(0, w.scale.accounts))
        ms = str(rng.choice(["DE", "FR", "IT", "ES", "NL", "PL"]))
        tr = w.start + int(rng.integers(0, w.days * DAY))
        if w.acc_created[a] >= tr:
            continue
        rep = report(w, tr, "authority", "authority_portal", "account", w.account_ids[a], "other",
                     K.COUNTRY_CODES.index(ms), K.COUNTRIES[K.COUNTRY_CODES.index(ms)][2][0],
                     order_type="provide_information", member_state=ms)
        if rep:
            review(w, tr + 60, "account", w.account_ids[a], "escalations", "report", rep["report_id"], None, "en",
                   priority="P2", allow_escalate=False)


def _hidden(w: World, item: int | None, t: int) -> bool:
    """Nobody can see (or report) an item once it is hidden for good, or while a temporary
    restriction hides it."""
    if item is None:
        return False
    return t >= w.hide_from.get(item, INF) or any(a <= t < b for a, b in w.hide_windows.get(item, ()))


def _report_and_review(w, tr, rtype, ch, target_type, target_id, reason, country, lang, truth_policy, item, account,
                       priority=None, order_type=None, member_state=None, act=True):
    rng = w.rng
    if tr >= w.end or _hidden(w, item, tr):
        return None
    rep = report(w, tr, rtype, ch, target_type, target_id, reason, country, lang, order_type=order_type,
                 priority=priority, member_state=member_state)
    if not rep:
        return None
    queue = "escalations" if rtype == "internal" else K.REASON_QUEUE[reason]
    rv = review(w, tr + int(rng.integers(5, 180)), target_type, target_id, queue, "escalation" if rtype == "internal" else "report",
                rep["report_id"], truth_policy, lang, priority=priority)
    if act and rv["decision"] == "violating" and rv["decided_at"] is not None:
        pol = rv["policy"]
        source = {"user": "notice" if rep["is_dsa_notice"] else "own_initiative", "trusted_flagger": "trusted_flagger",
                  "authority": "authority_order", "rights_holder": "notice", "internal": "own_initiative"}[rtype]
        _act_for_policy(w, rv["decided_at"], pol, item, account, source, False, "not", rv["review_id"], rep["report_id"],
                        member_state=member_state)
    return rep, rv


def _act_for_policy(w, t, pol, item, account, source, auto_det, auto_dec, review_id=None, report_id=None, rule_id=None,
                    member_state=None):
    rng = w.rng
    cid = w.item_ids[item] if item is not None else None
    owner = w.item_owner[item] if item is not None else account
    kw = {"review_id": review_id, "report_id": report_id, "rule_id": rule_id}
    if pol == "hate_speech":
        if member_state or rng.random() < 0.3:
            ms = member_state or "DE"
            action(w, t, "content", cid, item, None, "disable", pol, source, auto_det, auto_dec, scope=[ms], illegal=True, **kw)
        else:
            action(w, t, "content", cid, item, None, "remove", pol, source, auto_det, auto_dec, **kw)
            if rng.random() < 0.3:
                action(w, t + 60, "account", w.account_ids[owner], None, owner, "interaction_restrict", pol, source,
                       auto_det, auto_dec, end_after=14 * DAY, **kw)
    elif pol == "copyright":
        if rng.random() < 0.5:
            action(w, t, "content", cid, item, None, "disable", pol, source, auto_det, auto_dec,
                   scope=sorted(rng.choice(["DE", "AT", "FR", "BE", "NL", "IT"], size=2, replace=False).tolist()),
                   illegal=True, **kw)
        else:
            action(w, t, "content", cid, item, None, "remove", pol, source, auto_det, auto_dec, illegal=True, **kw)
    elif pol == "impersonation":
        if item is not None and rng.random() < 0.5:
            action(w, t, "content", cid, item, None, "remove", pol, source, auto_det, auto_dec, **kw)
        else:
            action(w, t, "account", w.account_ids[owner], None, owner, "account_suspend", pol, source, auto_det,
                   auto_dec, end_after=30 * DAY, **kw)
    elif pol == "misinformation":
        action(w, t, "content", cid, item, None, "label" if rng.random() < 0.6 else "demote", pol, source, auto_det, auto_dec, **kw)
    elif pol == "violent_extremism":
        action(w, t, "content", cid, item, None, "remove", pol, source, auto_det, auto_dec, illegal=True, **kw)
        action(w, t + 120, "account", w.account_ids[owner], None, owner, "account_terminate", pol, source, auto_det, auto_dec, **kw)
    elif pol == "self_harm":
        action(w, t, "content", cid, item, None, "remove" if rng.random() < 0.7 else "age_restrict", pol, source, auto_det, auto_dec, **kw)
    elif pol == "sexual_content":
        action(w, t, "content", cid, item, None, "age_restrict", pol, source, auto_det, auto_dec, **kw)
    elif pol == "scam_fraud":
        action(w, t, "account", w.account_ids[owner], None, owner, "service_terminate", pol, source, auto_det, auto_dec,
               illegal=rng.random() < 0.3, scope=None, **kw)
    elif pol == "spam_artificial_streaming":
        action(w, t, "account", w.account_ids[owner], None, owner,
               "monetary_suspend" if rng.random() < 0.6 else "monetary_terminate", pol, source, auto_det, auto_dec,
               end_after=60 * DAY, **kw)
        action(w, t + 30, "content", cid, item, None, "demote", pol, source, auto_det, auto_dec, **kw)
    elif pol == "spam_repetitive_uploads":
        # a temporary suspension (3, 7 or 30 days, by the hour of the decision, so the world's random
        # stream is untouched): the account's items are seen again when it lapses
        action(w, t, "account", w.account_ids[owner], None, owner, "service_suspend", pol, source, auto_det, auto_dec,
               end_after=(3, 7, 30)[(t // 3600) % 3] * DAY, **kw)
    elif pol == "spam_fake_accounts":
        action(w, t, "account", w.account_ids[owner], None, owner,
               "account_suspend" if rng.random() < 0.3 else "account_terminate", pol, source, auto_det, auto_dec, **kw)
    elif pol == "spam_keyword_stuffing":
        action(w, t, "content", cid, item, None, "demote" if rng.random() < 0.3 else "remove", pol, source, auto_det, auto_dec, **kw)
    else:  # spam_deceptive_links and anything else
        action(w, t, "content", cid, item, None, "remove", pol, source, auto_det, auto_dec, **kw)


def _handle_violation(w: World, it: int, pol: str, tc: int, lang: str, country: int, pop_rel: float) -> None:
    rng = w.rng
    cid = w.item_ids[it]
    is_spam = K.POLICIES[pol][1]
    # automated detection first
    if pol == "spam_keyword_stuffing" and rng.random() < 0.6:
        th = tc + int(rng.integers(60, 3 * HOUR))
        if rule_hit(w, th, "rule_keyword_stuffing", 2, "enforce", "content", cid):
            rv = review(w, th + 2, "content", cid, "spam", "rule", None, pol, lang, automated=True)
            _act_for_policy(w, rv["decided_at"], pol, it, None, "own_initiative", True, "fully", rv["review_id"], rule_id="rule_keyword_stuffing")
            return
    if pol == "spam_artificial_streaming":
        th = tc + 2 * DAY + int(rng.integers(0, DAY))
        score = round(float(np.clip(rng.beta(6, 1.6), 0, 1)), 4)
        hit = rule_hit(w, th, "clf_artificial_streaming", 1, "enforce" if score >= 0.9 else "shadow", "content", cid, score)
        if hit and score >= 0.9:
            rv = review(w, th + 2, "content", cid, "spam", "classifier", hit["hit_id"], pol, lang, automated=True)
            _act_for_policy(w, rv["decided_at"], pol, it, None, "own_initiative", True, "fully", rv["review_id"],
                            rule_id="clf_artificial_streaming")
            return
    # reports: who reports depends on the policy
    n_rep = 1 + int(rng.poisson(0.6 * min(pop_rel, 20) ** 0.4))
    if pol in ("spam_deceptive_links", "spam_fake_accounts", "spam_repetitive_uploads") and rng.random() < 0.15:
        n_rep = 0  # undetected spam lives on (it shows in prevalence, not in unwanted impressions)
    for r in range(n_rep):
        tr = tc + int(rng.exponential(30 * HOUR if is_spam else 20 * HOUR)) + 300
        member_state = None
        order = None
        if pol == "copyright":
            rtype, ch = ("rights_holder", "dsa_notice_form") if rng.random() < 0.7 else ("user", "web_form")
        elif pol in ("violent_extremism", "hate_speech") and r == 0 and rng.random() < 0.35:
            rtype, ch = "authority", "authority_portal"
            member_state = "DE" if pol == "hate_speech" else str(rng.choice(["FR", "DE", "ES", "IT", "NL"]))
            order = "act"
        elif pol in ("violent_extremism", "hate_speech", "self_harm", "scam_fraud") and rng.random() < 0.3:
            rtype, ch = "trusted_flagger", "dsa_notice_form"
        elif rng.random() < 0.15:
            rtype, ch = "user", "dsa_notice_form"
        else:
            rtype, ch = "user", "in_app"
        target_type, target_id = "content", cid
        if pol in ("impersonation", "spam_fake_accounts") and rng.random() < 0.5:
            target_type, target_id = "account", w.account_ids[w.item_owner[it]]
        lang_r = lang
        c_r = country if member_state is None else K.COUNTRY_CODES.index(member_state)
        _report_and_review(w, tr, rtype, ch, target_type, target_id, K.POLICY_REASON[pol], c_r, lang_r, pol, it, None,
                           order_type=order, member_state=member_state)


def _appeals(w: World) -> None:
    rng = w.rng
    acts = list(w.feeds.get("enforcement_actions", []))
    for a in acts:
        item = a["_item"]
        account = a["_account"]
        owner = w.item_owner[item] if item is not None else account
        if w.acc_campaign[owner] >= 0:
            p_appeal = 0.01
        else:
            true_pol = w.item_policy[item] if item is not None else None
            if item is None:
                owned = w._owned.get(account, [])
                true_pol = next((w.item_policy[i] for i in owned if w.item_policy[i]), None)
            correct = true_pol is not None
            p_appeal = 0.2 if correct else 0.7
        if a["action_type"] in ("label", "demote") or rng.random() >= p_appeal:
            continue
        correct = p_appeal < 0.5
        filed = a["effective_at"] + int(rng.exponential(1.5 * DAY)) + 600
        if filed >= w.end:
            continue
        resolved = filed + int(rng.exponential(2 * DAY)) + HOUR
        if correct:
            outcome = str(rng.choice(_APPEAL_OUTCOMES := ["upheld", "reversed", "partially_reversed", "omitted"],
                                     p=[0.68, 0.12, 0.12, 0.08]))
        else:
            outcome = str(rng.choice(["upheld", "reversed", "partially_reversed", "omitted"], p=[0.1, 0.75, 0.1, 0.05]))
        if a["territorial_scope"] != ["GLOBAL"] and outcome == "reversed":
            outcome = "partially_reversed"
        rec = {"appeal_id": w.uid("apl_"), "action_id": a["action_id"], "filed_at": filed, "route": "internal",
               "outcome": outcome if resolved < w.end else None, "resolved_at": resolved if resolved < w.end else None,
               "outcome_implemented": None, "_t": resolved if resolved < w.end else filed, "_action": a}
        w.add("appeals", rec)
        review(w, filed + 30, a["target_type"], a["target_id"], "appeals", "appeal", rec["appeal_id"],
               None if outcome == "reversed" else a["policy_code"], "en", allow_escalate=False)
        if rec["outcome"] == "reversed":
            _restore(w, a, resolved)
        # a share of upheld appeals go on to an out-of-court dispute settlement body
        if rec["outcome"] == "upheld" and rng.random() < 0.35:
            f2 = resolved + int(rng.exponential(2 * DAY)) + HOUR
            if f2 < w.end:
                r2 = f2 + int(rng.integers(2 * DAY, 30 * DAY))
                oc = str(rng.choice(["upheld", "reversed", "omitted", "partially_reversed"], p=[0.45, 0.3, 0.15, 0.1]))
                impl = bool(rng.random() < 0.8) if oc in ("reversed", "partially_reversed") else None
                done = r2 < w.end
                w.add("appeals", {"appeal_id": w.uid("apl_"), "action_id": a["action_id"], "filed_at": f2,
                                  "route": "out_of_court", "outcome": oc if done else None,
                                  "resolved_at": r2 if done else None, "outcome_implemented": impl if done else None,
                                  "_t": r2 if done else f2, "_action": a})
                if done and oc == "reversed" and impl:
                    _restore(w, a, r2)


def _restore(w: World, a: dict, t: int) -> None:
    """A reversed action: the item (or the account's items) is visible again from t."""
    if a["action_type"] not in K.EXPOSURE_ENDING:
        return
    items = [a["_item"]] if a["_item"] is not None else w._owned.get(a["_account"], [])
    for it in items:
        if w.hide_from.get(it) == a["effective_at"]:
            del w.hide_from[it]
            w.hide_windows.setdefault(it, []).append((a["effective_at"], t))
    a["_reversed"] = True


def _qa_audits(w: World) -> None:
    rng = w.rng
    auditors = [r["reviewer_id"] for r in w.reviewers if r["vendor"] == "internal"][:3]
    for ev in list(w.feeds.get("review_events", [])):
        if ev["event_type"] != "decided" or ev["automated"] or ev["decision"] not in ("violating", "not_violating"):
            continue
        if ev["queue"] == "appeals" or rng.random() >= 0.15:
            continue
        tp = ev.get("_truth_policy")
        ta = ev["event_ts"] + int(rng.integers(DAY, 5 * DAY))
        w.add("qa_audits", {"audit_id": w.uid("qa_"), "review_id": ev["review_id"], "audited_at": ta,
                            "gold_decision": "violating" if tp else "not_violating", "gold_policy_code": tp,
                            "auditor_id": auditors[int(rng.integers(0, len(auditors)))], "_t": ta, "_review": ev})


def _classifier_scores(w: World) -> None:
    """clf_spam_text v3 scores every new upload (logged from 0.05; enforce at >= 0.85 sends it to review);
    v4 runs in shadow from the middle of the period."""
    rng = w.rng
    v4_from = w.start + (w.days // 2) * DAY
    for it in range(len(w.item_ids)):
        tc = w.item_created[it]
        if tc < w.start or w.item_type[it] in ("comment",):
            continue
        pol = w.item_policy[it]
        spam = pol is not None and K.POLICIES[pol][1] and w.item_spam_from[it] == tc
        s3 = round(float(rng.beta(5, 1.8) if spam else rng.beta(0.45, 7)), 4)  # logged with 4 decimals
        th = tc + int(rng.integers(20, 900))
        if s3 >= 0.05 and th < w.hide_from.get(it, INF):
            mode = "enforce" if s3 >= 0.85 else "shadow"
            hit = rule_hit(w, th, "clf_spam_text", 3, mode, "content", w.item_ids[it], s3)
            if hit and mode == "enforce" and w.item_campaign[it] < 0:
                rv = review(w, th + 10, "content", w.item_ids[it], "spam", "classifier", hit["hit_id"],
                            pol if spam else None, w.item_lang[it])
                if rv["decision"] == "violating" and rv["decided_at"] is not None and rv["decided_at"] < w.hide_from.get(it, INF):
                    _act_for_policy(w, rv["decided_at"], rv["policy"], it, None, "own_initiative", True, "partially",
                                    rv["review_id"], rule_id="clf_spam_text")
        if tc >= v4_from:
            s4 = round(float(rng.beta(6, 1.5) if spam else rng.beta(0.4, 8)), 4)
            if s4 >= 0.05:
                rule_hit(w, th + 5, "clf_spam_text", 4, "shadow", "content", w.item_ids[it], s4)
