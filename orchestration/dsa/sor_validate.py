"""Validator for statements of reasons (DSA Transparency Database API schema v2).

Every rule the project's DSA spec lists, each with a stable rule id so a quarantined statement
says exactly why it was held back. `validate(statement)` returns a list of `Violation`s; an
empty list means the statement may go into a batch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

ENUMS_PATH = Path(__file__).resolve().parent / "sor_enums.json"

PUID_RE = re.compile(r"^[A-Za-z0-9_-]{1,500}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EAN13_RE = re.compile(r"^\d{13}$")
# Personal data that must never appear in free text.
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
HANDLE_RE = re.compile(r"(?<![\w.])@[A-Za-z0-9_]{2,}")
IPV4_RE = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
PHONE_RE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ ()-]*\d){7,}|\b\d{3}[ -]\d{3}[ -]\d{3,4}\b")
PSEUDONYM_RE = re.compile(r"\b[a-z]{1,3}_[0-9a-f]{20}\b")  # keyed-hash person keys from staging

CONTENT_DATE_MIN, CONTENT_DATE_MAX = date(2000, 1, 1), date(2038, 1, 1)
APPLICATION_DATE_MIN, APPLICATION_DATE_MAX = date(2020, 1, 1), date(2038, 1, 1)

FREE_TEXT_FIELDS = (
    "decision_visibility_other",
    "decision_monetary_other",
    "content_type_other",
    "category_specification_other",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "decision_facts",
    "source_identity",
)
END_DATE_FIELDS = (
    "end_date_visibility_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_account_restriction",
)
KNOWN_FIELDS = frozenset(
    {
        "decision_visibility",
        "decision_monetary",
        "decision_provision",
        "decision_account",
        "account_type",
        "decision_ground",
        "decision_ground_reference_url",
        "incompatible_content_illegal",
        "content_type",
        "category",
        "category_addition",
        "category_specification",
        "territorial_scope",
        "content_language",
        "content_date",
        "application_date",
        "source_type",
        "automated_detection",
        "automated_decision",
        "puid",
        "content_id",
        *FREE_TEXT_FIELDS,
        *END_DATE_FIELDS,
    }
)
# Personal data keys that must never be present, whatever their value.
FORBIDDEN_FIELDS = frozenset(
    {"reporter_id", "reporter_email", "reporter_key", "account_id", "account_key", "email", "user_name",
     "username", "reviewer_id", "reviewer_key", "signup_ip", "owner_account_id", "owner_account_key"}
)  # fmt: skip


@cache
def enums() -> dict[str, list[str]]:
    return json.loads(ENUMS_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Violation:
    rule: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "field": self.field, "message": self.message}


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | dict):
        return len(value) > 0
    return True


def _check_date(
    stmt: dict, name: str, low: date, high: date, out: list[Violation], *, required: bool
) -> None:
    value = stmt.get(name)
    if not _present(value):
        if required:
            out.append(Violation("required", name, f"{name} is required"))
        return
    if not isinstance(value, str) or not DATE_RE.match(value):
        out.append(Violation("date_format", name, f"{name} must be YYYY-MM-DD, got {value!r}"))
        return
    try:
        day = date.fromisoformat(value)
    except ValueError:
        out.append(Violation("date_format", name, f"{name} {value!r} is not a calendar date"))
        return
    if not low <= day <= high:
        out.append(Violation("date_range", name, f"{name} must be between {low} and {high}, got {value}"))


def _check_text(stmt: dict, name: str, limit: int, out: list[Violation], *, required: bool) -> None:
    value = stmt.get(name)
    if not _present(value):
        if required:
            out.append(Violation("required", name, f"{name} is required"))
        return
    if not isinstance(value, str):
        out.append(Violation("type", name, f"{name} must be a string"))
    elif len(value) > limit:
        out.append(Violation("max_length", name, f"{name} is {len(value)} characters, the limit is {limit}"))


def _check_enum(stmt: dict, name: str, allowed: list[str], out: list[Violation], *, required: bool) -> None:
    value = stmt.get(name)
    if not _present(value):
        if required:
            out.append(Violation("required", name, f"{name} is required"))
        return
    if value not in allowed:
        out.append(Violation("enum", name, f"{name} {value!r} is not an allowed value"))


def _check_enum_array(
    stmt: dict, name: str, allowed: list[str], out: list[Violation], *, required: bool
) -> None:
    value = stmt.get(name)
    if not _present(value):
        if required:
            out.append(Violation("required", name, f"{name} must be a non-empty array"))
        return
    if not isinstance(value, list):
        out.append(Violation("type", name, f"{name} must be an array"))
        return
    bad = [v for v in value if v not in allowed]
    if bad:
        out.append(Violation("enum", name, f"{name} has values that are not allowed: {bad}"))
    if len(set(value)) != len(value):
        out.append(Violation("duplicate_value", name, f"{name} repeats a value"))


def _requires_other(stmt: dict, field: str, other_value: str, other_field: str, out: list[Violation]) -> None:
    value = stmt.get(field)
    used = other_value in value if isinstance(value, list) else value == other_value
    if used and not _present(stmt.get(other_field)):
        out.append(
            Violation(
                "other_text_required",
                other_field,
                f"{other_field} is required when {field} uses {other_value}",
            )
        )
    if _present(stmt.get(other_field)):
        _check_text(stmt, other_field, 500, out, required=False)


def validate(stmt: dict) -> list[Violation]:
    e = enums()
    out: list[Violation] = []

    unknown = sorted(set(stmt) - KNOWN_FIELDS - FORBIDDEN_FIELDS)
    if unknown:
        out.append(Violation("unknown_field", ",".join(unknown), f"fields not in the v2 schema: {unknown}"))
    personal = sorted(set(stmt) & FORBIDDEN_FIELDS)
    if personal:
        out.append(
            Violation("personal_data", ",".join(personal), f"personal data fields present: {personal}")
        )

    # Decision: at least one of the four restriction kinds.
    if not any(
        _present(stmt.get(k))
        for k in ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
    ):
        out.append(
            Violation(
                "decision_required",
                "decision_*",
                "at least one of decision_visibility, decision_monetary, decision_provision, decision_account is required",
            )
        )
    _check_enum_array(stmt, "decision_visibility", e["DECISION_VISIBILITIES"], out, required=False)
    _check_enum(stmt, "decision_monetary", e["DECISION_MONETARIES"], out, required=False)
    _check_enum(stmt, "decision_provision", e["DECISION_PROVISIONS"], out, required=False)
    _check_enum(stmt, "decision_account", e["DECISION_ACCOUNTS"], out, required=False)
    _requires_other(
        stmt, "decision_visibility", "DECISION_VISIBILITY_OTHER", "decision_visibility_other", out
    )
    _requires_other(stmt, "decision_monetary", "DECISION_MONETARY_OTHER", "decision_monetary_other", out)

    # Ground and its explanations.
    _check_enum(stmt, "decision_ground", e["DECISION_GROUNDS"], out, required=True)
    ground = stmt.get("decision_ground")
    if ground == "DECISION_GROUND_ILLEGAL_CONTENT":
        _check_text(stmt, "illegal_content_legal_ground", 500, out, required=True)
        _check_text(stmt, "illegal_content_explanation", 2000, out, required=True)
    if ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        _check_text(stmt, "incompatible_content_ground", 500, out, required=True)
        _check_text(stmt, "incompatible_content_explanation", 2000, out, required=True)
        _check_enum(
            stmt, "incompatible_content_illegal", e["INCOMPATIBLE_CONTENT_ILLEGALS"], out, required=False
        )
    url = stmt.get("decision_ground_reference_url")
    if _present(url):
        parsed = urlparse(str(url))
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(str(url)) > 500:
            out.append(Violation("url", "decision_ground_reference_url", f"not a valid http(s) URL: {url!r}"))

    # Content, category, dates, facts.
    _check_enum_array(stmt, "content_type", e["CONTENT_TYPES"], out, required=True)
    _requires_other(stmt, "content_type", "CONTENT_TYPE_OTHER", "content_type_other", out)
    _check_enum(stmt, "category", e["STATEMENT_CATEGORIES"], out, required=True)
    _check_enum_array(stmt, "category_addition", e["STATEMENT_CATEGORIES"], out, required=False)
    _check_enum_array(stmt, "category_specification", e["KEYWORDS"], out, required=False)
    _requires_other(stmt, "category_specification", "KEYWORD_OTHER", "category_specification_other", out)
    _check_date(stmt, "content_date", CONTENT_DATE_MIN, CONTENT_DATE_MAX, out, required=True)
    _check_date(stmt, "application_date", APPLICATION_DATE_MIN, APPLICATION_DATE_MAX, out, required=True)
    for name in END_DATE_FIELDS:
        _check_date(stmt, name, APPLICATION_DATE_MIN, APPLICATION_DATE_MAX, out, required=False)
    _check_text(stmt, "decision_facts", 5000, out, required=True)

    # Source and automation.
    _check_enum(stmt, "source_type", e["SOURCE_TYPES"], out, required=True)
    _check_text(stmt, "source_identity", 500, out, required=False)
    if stmt.get("source_type") == "SOURCE_VOLUNTARY" and _present(stmt.get("source_identity")):
        out.append(
            Violation(
                "source_identity_voluntary",
                "source_identity",
                "source_identity must be empty for voluntary detection",
            )
        )
    _check_enum(stmt, "automated_detection", e["AUTOMATED_DETECTIONS"], out, required=True)
    _check_enum(stmt, "automated_decision", e["AUTOMATED_DECISIONS"], out, required=True)

    # Identity of the statement.
    puid = stmt.get("puid")
    if not _present(puid):
        out.append(Violation("required", "puid", "puid is required"))
    elif not isinstance(puid, str) or not PUID_RE.match(puid):
        out.append(Violation("puid_format", "puid", "puid must be 1-500 characters of [a-zA-Z0-9_-]"))

    # Optional descriptors.
    _check_enum_array(stmt, "territorial_scope", e["EUROPEAN_COUNTRY_CODES"], out, required=False)
    lang = stmt.get("content_language")
    if _present(lang) and lang not in e["ALL_LANGUAGES"]:
        out.append(
            Violation(
                "enum", "content_language", f"content_language {lang!r} is not an upper-case ISO 639-1 code"
            )
        )
    _check_enum(stmt, "account_type", e["ACCOUNT_TYPES"], out, required=False)
    content_id = stmt.get("content_id")
    if _present(content_id) and (
        not isinstance(content_id, dict)
        or set(content_id) != {"EAN-13"}
        or not EAN13_RE.match(str(content_id["EAN-13"]))
    ):
        out.append(Violation("content_id", "content_id", 'content_id must be {"EAN-13": "<13 digits>"}'))

    # No personal data in free text.
    for name in FREE_TEXT_FIELDS:
        value = stmt.get(name)
        if isinstance(value, str):
            for pattern, what in (
                (EMAIL_RE, "an e-mail address"),
                (HANDLE_RE, "a user handle"),
                (IPV4_RE, "an IP address"),
                (PHONE_RE, "a phone number"),
                (PSEUDONYM_RE, "a person key"),
            ):
                if pattern.search(value):
                    out.append(Violation("personal_data", name, f"{name} contains {what}"))
                    break
    return out


def check_unique_puids(statements: list[dict]) -> dict[int, Violation]:
    """Statements (by position) whose puid repeats an earlier one in the same export."""
    seen: set[str] = set()
    dupes: dict[int, Violation] = {}
    for i, stmt in enumerate(statements):
        puid = stmt.get("puid")
        if puid in seen:
            dupes[i] = Violation("puid_unique", "puid", f"puid {puid!r} is used twice")
        seen.add(puid)
    return dupes
