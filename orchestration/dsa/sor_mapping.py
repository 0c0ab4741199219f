"""Map one enforcement action (a row of `dsa.dsa_sor_candidates`) to a v2 statement of reasons.

Which actions get a statement: every restriction with effect in the EU/EEA, except where
Art. 17 does not apply: actions on an Art. 9 order from a member-state authority, and deceptive
high-volume commercial content (the policy seed's flag). `SorSettings` can include those
voluntarily. The text fields are composed from structured fields only (policy, action,
source, dates), never from free text a person typed, so no personal data can leak into them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from orchestration.dsa.sor_validate import enums

ACCOUNT_TYPES = {
    "business": "ACCOUNT_TYPE_BUSINESS",
    "label": "ACCOUNT_TYPE_BUSINESS",
    "listener": "ACCOUNT_TYPE_PRIVATE",
}
DECISION_KINDS = {
    "decision_visibility": "end_date_visibility_restriction",
    "decision_monetary": "end_date_monetary_restriction",
    "decision_provision": "end_date_service_restriction",
    "decision_account": "end_date_account_restriction",
}
ACTION_VERBS = {
    "remove": "removed",
    "disable": "disabled",
    "demote": "demoted in recommendations and search",
    "age_restrict": "age-restricted",
    "interaction_restrict": "restricted in its interactions",
    "label": "labelled",
    "monetary_suspend": "suspended from monetisation",
    "monetary_terminate": "permanently excluded from monetisation",
    "service_suspend": "suspended from the service",
    "service_terminate": "excluded from the service",
    "account_suspend": "suspended",
    "account_terminate": "terminated",
}
AUTOMATED_DECISIONS = {
    "fully": "AUTOMATED_DECISION_FULLY",
    "partially": "AUTOMATED_DECISION_PARTIALLY",
    "not": "AUTOMATED_DECISION_NOT_AUTOMATED",
}


@dataclass(frozen=True)
class SorSettings:
    include_deceptive_commercial: bool = False  # Art. 17 exempts them; submitting is voluntary
    include_authority_orders: bool = False  # actions on Art. 9 orders are exempt too
    decision_ground_reference_url: str | None = None  # public terms and conditions page


def _day(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text[:10] if text else None


def eu_scope(scope: list[str] | None) -> list[str]:
    """Territorial scope restricted to EU/EEA codes, `GLOBAL` = all 30, Greece as GR."""
    codes = enums()["EUROPEAN_COUNTRY_CODES"]
    given = {("GR" if c.upper() == "EL" else c.upper()) for c in (scope or []) if c}
    if "GLOBAL" in given:
        return list(codes)
    return [c for c in codes if c in given]


def exemption(row: dict, settings: SorSettings) -> str | None:
    """Why this action gets no statement, or None when it must get one."""
    if not eu_scope(row.get("territorial_scope")):
        return "no_effect_in_eu_eea"
    is_order = row.get("initiative") == "order" or row.get("source") == "authority_order"
    if is_order and not settings.include_authority_orders:
        return "art9_order"
    if row.get("is_deceptive_high_volume_commercial") and not settings.include_deceptive_commercial:
        return "deceptive_high_volume_commercial"
    return None


def source_type(row: dict) -> str:
    """How the platform learnt of it, in the DSA's terms.

    `initiative` comes from the warehouse (order, notice or own_initiative). An own-initiative
    action that followed an ordinary report (not an Art. 16 notice) was still notified to us.
    """
    initiative = row.get("initiative")
    if initiative is None:  # rows without the warehouse's classification: trust the feed's source
        source = row.get("source")
        initiative = {"authority_order": "order", "notice": "notice", "trusted_flagger": "notice"}.get(
            str(source), "own_initiative"
        )
    if initiative == "order":
        return "SOURCE_TYPE_OTHER_NOTIFICATION"
    if initiative == "notice":
        trusted = row.get("is_trusted_flagger")
        if trusted is None:
            trusted = row.get("source") == "trusted_flagger"
        return "SOURCE_TRUSTED_FLAGGER" if trusted else "SOURCE_ARTICLE_16"
    reporter = row.get("report_reporter_type")
    if reporter and reporter != "internal":
        return "SOURCE_TYPE_OTHER_NOTIFICATION"
    return "SOURCE_VOLUNTARY"


def _detection_text(row: dict, stype: str) -> str:
    if stype == "SOURCE_ARTICLE_16":
        return "a notice under Article 16 DSA"
    if stype == "SOURCE_TRUSTED_FLAGGER":
        return "a notice from a trusted flagger"
    if row.get("initiative") == "order" or row.get("source") == "authority_order":
        return "an order from a member-state authority"
    if stype == "SOURCE_TYPE_OTHER_NOTIFICATION":
        return "a report from a user of the service"
    if row.get("automated_detection"):
        return "the platform's automated detection"
    return "the platform's own review"


def _decision_text(row: dict) -> str:
    kind = row.get("automated_decision")
    if kind == "fully":
        return "The decision was taken by automated means."
    if kind == "partially":
        return "The decision was taken with the help of automated means and confirmed by a moderator."
    return "The decision was taken by a moderator."


def build_statement(row: dict, puid: str, settings: SorSettings | None = None) -> dict:
    settings = settings or SorSettings()
    stmt: dict = {}
    for field in DECISION_KINDS:
        value = row.get(field)
        if value:
            stmt[field] = [value] if field == "decision_visibility" else value
    if stmt.get("decision_visibility") == ["DECISION_VISIBILITY_OTHER"]:
        stmt["decision_visibility_other"] = str(row.get("action_type") or "other restriction").replace(
            "_", " "
        )
    if stmt.get("decision_monetary") == "DECISION_MONETARY_OTHER":
        stmt["decision_monetary_other"] = str(row.get("action_type") or "other restriction").replace("_", " ")

    end_day = _day(row.get("end_at"))
    if end_day:
        for field, end_field in DECISION_KINDS.items():
            if field in stmt:
                stmt[end_field] = end_day

    target = "account" if row.get("target_type") == "account" else str(row.get("content_type") or "content")
    policy = str(row.get("policy_name") or row.get("policy_code") or "")
    application_date = _day(row.get("effective_at"))
    if row.get("decision_ground") == "illegal":
        stmt["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT"
        if row.get("legal_ground"):
            stmt["illegal_content_legal_ground"] = str(row["legal_ground"])[:500]
        stmt["illegal_content_explanation"] = (
            f"The {target} was assessed as illegal content ({policy}) under the legal ground stated."
        )[:2000]
    else:
        stmt["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        stmt["incompatible_content_ground"] = f"Terms and conditions: {policy} policy"[:500]
        stmt["incompatible_content_explanation"] = (
            f"The {target} is incompatible with the service's {policy} policy ({row.get('policy_code')})."
        )[:2000]
        if settings.decision_ground_reference_url:
            stmt["decision_ground_reference_url"] = settings.decision_ground_reference_url

    content_type = row.get("dsa_content_type")
    stmt["content_type"] = [content_type] if content_type else []
    if content_type == "CONTENT_TYPE_OTHER":
        stmt["content_type_other"] = str(row.get("dsa_content_type_other") or target)[:500]
    stmt["category"] = row.get("dsa_category")
    keyword = row.get("dsa_keyword")
    if keyword:
        stmt["category_specification"] = [keyword]
        if keyword == "KEYWORD_OTHER" and row.get("dsa_keyword_other"):
            stmt["category_specification_other"] = str(row["dsa_keyword_other"])[:500]

    scope = eu_scope(row.get("territorial_scope"))
    if scope:
        stmt["territorial_scope"] = scope
    language = str(row.get("content_language") or "").upper()
    if language and language in enums()["ALL_LANGUAGES"]:
        stmt["content_language"] = language
    stmt["content_date"] = _day(row.get("content_created_at"))
    stmt["application_date"] = application_date

    stype = source_type(row)
    verb = ACTION_VERBS.get(str(row.get("action_type")), "restricted")
    ends = f"until {end_day}" if end_day else "without an end date"
    stmt["decision_facts"] = (
        f"On {application_date} the {target} was {verb} {ends}, because it breaches the {policy} policy. "
        f"It came to the platform's attention through {_detection_text(row, stype)}. {_decision_text(row)}"
    )[:5000]
    stmt["source_type"] = stype
    stmt["automated_detection"] = "Yes" if row.get("automated_detection") else "No"
    stmt["automated_decision"] = AUTOMATED_DECISIONS.get(str(row.get("automated_decision")), "")
    account_type = ACCOUNT_TYPES.get(str(row.get("account_type") or ""))
    if account_type:
        stmt["account_type"] = account_type
    ean = str(row.get("ean13") or "")
    if len(ean) == 13 and ean.isdigit():
        stmt["content_id"] = {"EAN-13": ean}
    stmt["puid"] = puid
    return stmt
