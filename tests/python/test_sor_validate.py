"""The statement-of-reasons validator: for every rule, a statement that passes and one that fails."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from orchestration.dsa.sor_validate import check_unique_puids, enums, validate


def base() -> dict:
    return {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": "Terms and conditions: Artificial streaming policy",
        "incompatible_content_explanation": "The track is incompatible with the artificial streaming policy.",
        "content_type": ["CONTENT_TYPE_AUDIO"],
        "category": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "category_specification": ["KEYWORD_OTHER"],
        "category_specification_other": "Artificial streaming",
        "content_date": "2026-10-01",
        "application_date": "2026-10-25",
        "decision_facts": "On 2026-10-25 the track was removed because it breaches the policy.",
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "Yes",
        "automated_decision": "AUTOMATED_DECISION_FULLY",
        "puid": "sor-0123456789abcdef",
        "territorial_scope": ["DE", "GR"],
        "content_language": "EN",
    }


def _set(**changes: object) -> Callable[[dict], None]:
    def apply(stmt: dict) -> None:
        for key, value in changes.items():
            if value is _DROP:
                stmt.pop(key, None)
            else:
                stmt[key] = value

    return apply


_DROP = object()
ILLEGAL = {
    "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
    "incompatible_content_ground": _DROP,
    "incompatible_content_explanation": _DROP,
}

# rule id -> (a change that keeps the statement valid, a change that breaks exactly this rule)
CASES: dict[str, tuple[Callable[[dict], None], Callable[[dict], None]]] = {
    "decision_required": (
        _set(decision_visibility=_DROP, decision_account="DECISION_ACCOUNT_SUSPENDED"),
        _set(decision_visibility=_DROP),
    ),
    "decision_visibility_enum": (
        _set(
            decision_visibility=[
                "DECISION_VISIBILITY_CONTENT_DEMOTED",
                "DECISION_VISIBILITY_CONTENT_LABELLED",
            ]
        ),
        _set(decision_visibility=["DECISION_VISIBILITY_HIDDEN"]),
    ),
    "decision_monetary_enum": (
        _set(decision_monetary="DECISION_MONETARY_SUSPENSION"),
        _set(decision_monetary="DECISION_MONETARY_FINE"),
    ),
    "decision_provision_enum": (
        _set(decision_provision="DECISION_PROVISION_TOTAL_SUSPENSION"),
        _set(decision_provision="DECISION_PROVISION_SOMETIMES"),
    ),
    "decision_account_enum": (
        _set(decision_account="DECISION_ACCOUNT_TERMINATED"),
        _set(decision_account="DECISION_ACCOUNT_DELETED"),
    ),
    "decision_visibility_other": (
        _set(
            decision_visibility=["DECISION_VISIBILITY_OTHER"], decision_visibility_other="Hidden from charts"
        ),
        _set(decision_visibility=["DECISION_VISIBILITY_OTHER"]),
    ),
    "decision_visibility_other_length": (
        _set(decision_visibility=["DECISION_VISIBILITY_OTHER"], decision_visibility_other="x" * 500),
        _set(decision_visibility=["DECISION_VISIBILITY_OTHER"], decision_visibility_other="x" * 501),
    ),
    "decision_monetary_other": (
        _set(decision_monetary="DECISION_MONETARY_OTHER", decision_monetary_other="Royalties withheld"),
        _set(decision_monetary="DECISION_MONETARY_OTHER"),
    ),
    "decision_ground_required": (_set(), _set(decision_ground=_DROP)),
    "decision_ground_enum": (_set(), _set(decision_ground="DECISION_GROUND_BECAUSE")),
    "illegal_legal_ground": (
        _set(
            **ILLEGAL,
            illegal_content_legal_ground="Copyright law",
            illegal_content_explanation="Infringing upload.",
        ),
        _set(**ILLEGAL, illegal_content_explanation="Infringing upload."),
    ),
    "illegal_legal_ground_length": (
        _set(**ILLEGAL, illegal_content_legal_ground="x" * 500, illegal_content_explanation="e"),
        _set(**ILLEGAL, illegal_content_legal_ground="x" * 501, illegal_content_explanation="e"),
    ),
    "illegal_explanation": (
        _set(**ILLEGAL, illegal_content_legal_ground="Copyright law", illegal_content_explanation="x" * 2000),
        _set(**ILLEGAL, illegal_content_legal_ground="Copyright law"),
    ),
    "illegal_explanation_length": (
        _set(**ILLEGAL, illegal_content_legal_ground="Copyright law", illegal_content_explanation="x" * 2000),
        _set(**ILLEGAL, illegal_content_legal_ground="Copyright law", illegal_content_explanation="x" * 2001),
    ),
    "incompatible_ground": (
        _set(incompatible_content_ground="x" * 500),
        _set(incompatible_content_ground=_DROP),
    ),
    "incompatible_ground_length": (
        _set(incompatible_content_ground="x" * 500),
        _set(incompatible_content_ground="x" * 501),
    ),
    "incompatible_explanation": (
        _set(incompatible_content_explanation="x" * 2000),
        _set(incompatible_content_explanation=_DROP),
    ),
    "incompatible_explanation_length": (
        _set(incompatible_content_explanation="x" * 2000),
        _set(incompatible_content_explanation="x" * 2001),
    ),
    "incompatible_content_illegal": (
        _set(incompatible_content_illegal="No"),
        _set(incompatible_content_illegal="Maybe"),
    ),
    "content_type_required": (_set(content_type=["CONTENT_TYPE_TEXT"]), _set(content_type=[])),
    "content_type_enum": (
        _set(content_type=["CONTENT_TYPE_VIDEO"]),
        _set(content_type=["CONTENT_TYPE_PODCAST"]),
    ),
    "content_type_other": (
        _set(content_type=["CONTENT_TYPE_OTHER"], content_type_other="Playlist"),
        _set(content_type=["CONTENT_TYPE_OTHER"]),
    ),
    "category_required": (_set(), _set(category=_DROP)),
    "category_enum": (
        _set(category="STATEMENT_CATEGORY_SELF_HARM"),
        _set(category="STATEMENT_CATEGORY_SPAM"),
    ),
    "category_addition": (
        _set(category_addition=["STATEMENT_CATEGORY_SCAMS_AND_FRAUD"]),
        _set(category_addition=["KEYWORD_PHISHING"]),
    ),
    "category_specification": (
        _set(category_specification=["KEYWORD_PHISHING"], category_specification_other=_DROP),
        _set(category_specification=["KEYWORD_SPAM"]),
    ),
    "category_specification_other": (
        _set(category_specification_other="Artificial streaming"),
        _set(category_specification_other=_DROP),
    ),
    "content_date_required": (_set(content_date="2000-01-01"), _set(content_date=_DROP)),
    "content_date_format": (_set(content_date="2038-01-01"), _set(content_date="01/10/2026")),
    "content_date_range": (_set(content_date="2000-01-01"), _set(content_date="1999-12-31")),
    "application_date_required": (_set(application_date="2020-01-01"), _set(application_date=_DROP)),
    "application_date_format": (_set(application_date="2026-10-25"), _set(application_date="2026-02-30")),
    "application_date_range": (_set(application_date="2038-01-01"), _set(application_date="2019-12-31")),
    "end_date": (
        _set(end_date_visibility_restriction="2026-12-24"),
        _set(end_date_visibility_restriction="24.12.2026"),
    ),
    "decision_facts_required": (_set(decision_facts="x" * 5000), _set(decision_facts="")),
    "decision_facts_length": (_set(decision_facts="x" * 5000), _set(decision_facts="x" * 5001)),
    "source_type_required": (_set(source_type="SOURCE_ARTICLE_16"), _set(source_type=_DROP)),
    "source_type_enum": (_set(source_type="SOURCE_TRUSTED_FLAGGER"), _set(source_type="SOURCE_RUMOUR")),
    "source_identity_voluntary": (
        _set(source_type="SOURCE_TRUSTED_FLAGGER", source_identity="Example trusted flagger association"),
        _set(source_type="SOURCE_VOLUNTARY", source_identity="Example trusted flagger association"),
    ),
    "source_identity_length": (
        _set(source_type="SOURCE_ARTICLE_16", source_identity="x" * 500),
        _set(source_type="SOURCE_ARTICLE_16", source_identity="x" * 501),
    ),
    "automated_detection": (_set(automated_detection="No"), _set(automated_detection="yes")),
    "automated_detection_required": (_set(automated_detection="No"), _set(automated_detection=_DROP)),
    "automated_decision": (
        _set(automated_decision="AUTOMATED_DECISION_PARTIALLY"),
        _set(automated_decision="AUTOMATED_DECISION_SOMEWHAT"),
    ),
    "automated_decision_required": (
        _set(automated_decision="AUTOMATED_DECISION_NOT_AUTOMATED"),
        _set(automated_decision=_DROP),
    ),
    "puid_required": (_set(puid="a"), _set(puid=_DROP)),
    "puid_format": (_set(puid="Abc_123-xyz"), _set(puid="sor/123")),
    "puid_length": (_set(puid="a" * 500), _set(puid="a" * 501)),
    "territorial_scope": (
        _set(territorial_scope=list(enums()["EUROPEAN_COUNTRY_CODES"])),
        _set(territorial_scope=["EL"]),  # Greece is GR in the database
    ),
    "territorial_scope_non_eea": (_set(territorial_scope=["NO", "IS", "LI"]), _set(territorial_scope=["US"])),
    "content_language": (_set(content_language="DE"), _set(content_language="de")),
    "account_type": (_set(account_type="ACCOUNT_TYPE_BUSINESS"), _set(account_type="ACCOUNT_TYPE_ARTIST")),
    "decision_ground_reference_url": (
        _set(decision_ground_reference_url="https://example.com/terms"),
        _set(decision_ground_reference_url="example.com/terms"),
    ),
    "content_id": (_set(content_id={"EAN-13": "4006381333931"}), _set(content_id={"ISRC": "USRC17607839"})),
    "content_id_digits": (
        _set(content_id={"EAN-13": "4006381333931"}),
        _set(content_id={"EAN-13": "40063813339"}),
    ),
    "unknown_field": (_set(), _set(internal_notes="escalated by team lead")),
    "personal_data_field": (_set(), _set(reporter_email="someone@example.com")),
    "personal_data_email": (
        _set(decision_facts="Reported through the in-app form."),
        _set(decision_facts="Reported by jane.doe@example.com through the form."),
    ),
    "personal_data_handle": (
        _set(decision_facts="The uploader was informed."),
        _set(decision_facts="The uploader @dj_spammer was informed."),
    ),
    "personal_data_ip": (
        _set(decision_facts="Uploaded on 2026-10-01."),
        _set(decision_facts="Uploaded from 192.168.10.24."),
    ),
    "personal_data_phone": (
        _set(decision_facts="Contact details withheld."),
        _set(decision_facts="Call +49 170 1234567 for details."),
    ),
    "personal_data_pseudonym": (
        _set(decision_facts="Account restricted."),
        _set(decision_facts="Account p_0123456789abcdef0123 restricted."),
    ),
}


def test_base_statement_is_valid() -> None:
    assert validate(base()) == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_valid_case(rule: str) -> None:
    stmt = copy.deepcopy(base())
    CASES[rule][0](stmt)
    assert validate(stmt) == [], rule


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_invalid_case(rule: str) -> None:
    stmt = copy.deepcopy(base())
    CASES[rule][1](stmt)
    problems = validate(stmt)
    assert problems, rule
    assert all(p.rule and p.field and p.message for p in problems)


def test_puid_unique_within_an_export() -> None:
    a, b, c = base(), base(), base()
    c["puid"] = "sor-other"
    assert check_unique_puids([a, c]) == {}
    dupes = check_unique_puids([a, b, c])
    assert list(dupes) == [1] and dupes[1].rule == "puid_unique"
