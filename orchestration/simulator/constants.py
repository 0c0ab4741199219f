"""Fixed vocabularies and parameters of the simulated platform.

Everything here is plain data so tests (and the dbt seeds) can compare against it.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- countries
# code, EU/EEA member, languages (ISO 639-1, first = main), share of listeners, UTC offset (hours, summer)
COUNTRIES: list[tuple[str, bool, tuple[str, ...], float, int]] = [
    ("DE", True, ("de",), 0.110, 2),
    ("FR", True, ("fr",), 0.085, 2),
    ("IT", True, ("it",), 0.055, 2),
    ("ES", True, ("es", "ca"), 0.065, 2),
    ("NL", True, ("nl",), 0.040, 2),
    ("PL", True, ("pl",), 0.040, 2),
    ("SE", True, ("sv",), 0.030, 2),
    ("BE", True, ("nl", "fr"), 0.020, 2),
    ("AT", True, ("de",), 0.015, 2),
    ("PT", True, ("pt",), 0.015, 1),
    ("IE", True, ("en", "ga"), 0.010, 1),
    ("DK", True, ("da",), 0.010, 2),
    ("FI", True, ("fi", "sv"), 0.010, 3),
    ("GR", True, ("el",), 0.010, 3),
    ("CZ", True, ("cs",), 0.010, 2),
    ("RO", True, ("ro",), 0.010, 3),
    ("HU", True, ("hu",), 0.008, 2),
    ("NO", True, ("no",), 0.010, 2),  # EEA
    ("US", False, ("en", "es"), 0.190, -5),
    ("GB", False, ("en",), 0.075, 1),
    ("BR", False, ("pt",), 0.050, -3),
    ("MX", False, ("es",), 0.030, -6),
    ("CA", False, ("en", "fr"), 0.030, -5),
    ("IN", False, ("hi", "en"), 0.030, 5),
    ("TR", False, ("tr",), 0.020, 3),
    ("CH", False, ("de", "fr"), 0.010, 2),
    ("AU", False, ("en",), 0.020, 10),
    ("JP", False, ("ja",), 0.022, 9),
]
COUNTRY_CODES = [c[0] for c in COUNTRIES]
EU_EEA = {c[0] for c in COUNTRIES if c[1]}
EU_MEMBER_STATES = sorted(EU_EEA - {"NO"})

SURFACES = ["home", "search", "browse", "playlist_page", "show_page", "radio", "notification", "share_page"]
SURFACE_WEIGHTS = [0.30, 0.12, 0.10, 0.20, 0.08, 0.12, 0.04, 0.04]
STREAM_RATE = [0.25, 0.45, 0.30, 0.40, 0.35, 0.60, 0.15, 0.30]

# ---------------------------------------------------------------- enums of the contract
ACCOUNT_TYPES = ["listener", "artist", "podcaster", "label", "business"]
CONTENT_TYPES = ["track", "episode", "show", "audiobook", "playlist", "profile", "comment"]
REPORTER_TYPES = ["user", "trusted_flagger", "authority", "rights_holder", "internal"]
CHANNELS = ["in_app", "web_form", "dsa_notice_form", "authority_portal", "escalation"]
REASON_CODES = [
    "spam", "scam_fraud", "impersonation", "hate", "ip_infringement", "sexual_content", "violence",
    "self_harm", "misinformation", "minor_safety", "other",
]
REVIEW_EVENT_TYPES = ["enqueued", "assigned", "decided"]
QUEUES = ["spam", "scam", "impersonation", "ip", "hate", "safety", "appeals", "escalations"]
SOURCE_TYPES = ["report", "rule", "classifier", "prevalence_sample", "qa_audit", "appeal", "escalation"]
DECISIONS = ["violating", "not_violating", "escalated", "unable_to_review"]
ACTION_TYPES = [
    "remove", "disable", "demote", "age_restrict", "interaction_restrict", "label", "monetary_suspend",
    "monetary_terminate", "service_suspend", "service_terminate", "account_suspend", "account_terminate",
]
EXPOSURE_ENDING = {"remove", "disable", "service_suspend", "service_terminate", "account_suspend", "account_terminate"}
ACTION_SOURCES = ["notice", "trusted_flagger", "authority_order", "own_initiative"]
AUTOMATED_DECISIONS = ["fully", "partially", "not"]
APPEAL_ROUTES = ["internal", "out_of_court"]
APPEAL_OUTCOMES = ["upheld", "reversed", "partially_reversed", "omitted"]
RULE_MODES = ["enforce", "shadow"]
SAMPLE_LABELS = ["violating", "not_violating", "unlabelable"]
EMPLOYMENT = ["internal", "external"]
VENDORS = ["internal", "vendor_a", "vendor_b"]

# ---------------------------------------------------------------- policies (same codes as the seed)
# policy_code -> (policy_area, is_spam)
POLICIES: dict[str, tuple[str, bool]] = {
    "spam_keyword_stuffing": ("spam", True),
    "spam_deceptive_links": ("spam", True),
    "spam_fake_accounts": ("spam", True),
    "spam_artificial_streaming": ("spam", True),
    "spam_repetitive_uploads": ("spam", True),
    "scam_fraud": ("scam", False),
    "impersonation": ("impersonation", False),
    "copyright": ("ip", False),
    "hate_speech": ("hate", False),
    "violent_extremism": ("violence", False),
    "sexual_content": ("sexual", False),
    "self_harm": ("safety", False),
    "misinformation": ("civic", False),
}
SPAM_POLICIES = [p for p, (_, s) in POLICIES.items() if s]

# reason_code -> policy_area (the reason_codes seed must use the same mapping; SLA targets match on it)
REASON_POLICY_AREA: dict[str, str] = {
    "spam": "spam",
    "scam_fraud": "scam",
    "impersonation": "impersonation",
    "hate": "hate",
    "ip_infringement": "ip",
    "sexual_content": "sexual",
    "violence": "violence",
    "self_harm": "safety",
    "misinformation": "civic",
    "minor_safety": "safety",
    "other": "other",
}
# policy -> the reason a reporter picks for it, and the review queue
POLICY_REASON = {
    "spam_keyword_stuffing": "spam", "spam_deceptive_links": "spam", "spam_fake_accounts": "spam",
    "spam_artificial_streaming": "spam", "spam_repetitive_uploads": "spam", "scam_fraud": "scam_fraud",
    "impersonation": "impersonation", "copyright": "ip_infringement", "hate_speech": "hate",
    "violent_extremism": "violence", "sexual_content": "sexual_content", "self_harm": "self_harm",
    "misinformation": "misinformation",
}
REASON_QUEUE = {
    "spam": "spam", "scam_fraud": "scam", "impersonation": "impersonation", "hate": "hate",
    "ip_infringement": "ip", "sexual_content": "safety", "violence": "hate", "self_harm": "safety",
    "misinformation": "hate", "minor_safety": "safety", "other": "spam",
}


def load_sla_targets() -> list[dict]:
    """The SLA target table (same rows as the warehouse's `sla_targets` seed)."""
    with open(HERE / "sla_targets.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["target_hours"] = float(r["target_hours"])
        r["published"] = r["published"].lower() == "true"
    return rows


def load_detector_thresholds() -> dict[tuple[str, int], float | None]:
    """(detector, version) -> operating threshold (None: no score, any hit signals), from the
    project's detectors seed: the truth uses the platform's own reference data."""
    from orchestration.paths import PROJECT_DIR

    with open(PROJECT_DIR / "seeds" / "detectors.csv", newline="", encoding="utf-8") as fh:
        return {(r["detector"], int(r["version"])): float(r["operating_threshold"]) if r["operating_threshold"] else None
                for r in csv.DictReader(fh)}


# ---------------------------------------------------------------- detection rules
# rule_id -> description; versions and modes are decided in the world generator
RULES = {
    "rule_keyword_stuffing": "titles/descriptions with repeated trending keywords",
    "rule_link_domain_blocklist": "links to blocklisted domains (list grows as campaigns are found)",
    "rule_shared_domain_burst": "many new accounts sharing one link domain within 24h (added mid-campaign)",
    "rule_new_account_velocity": "new account uploading many items in its first hour (shadow)",
    "clf_spam_text": "spam text classifier (score)",
    "clf_artificial_streaming": "artificial streaming classifier (score)",
}

SPAM_DOMAINS = [
    "free-premium-gift.xyz", "beatz-promo.top", "crypto-drops.live", "win-airpods.click", "streamboost.shop",
    "get-followers.icu", "promo-codes4u.site", "musicgiveaway.link", "vip-access.buzz", "cheap-streams.store",
    "bonus-wallet.fun", "earn-listen.monster", "fanpass-free.top", "royalty-bonus.click", "giftcard-zone.xyz",
    "podcast-cash.live", "lucky-spin.shop", "hitmaker-pro.site", "airdrop-beats.buzz", "listen2earn.icu",
]
LEGIT_DOMAINS = [
    "instagram.com", "youtube.com", "bandcamp.com", "soundcloud.com", "patreon.com", "linktr.ee", "tiktok.com",
    "x.com", "facebook.com", "wikipedia.org", "bbc.co.uk", "spiegel.de", "lemonde.fr",
]
