"""The shipped Annex I templates and the fill: headers and row skeletons character for character."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date

import pytest

from orchestration.dsa.period import parse_period
from orchestration.dsa.templates import (
    LANGUAGES,
    MEMBER_STATES,
    NO_CASES,
    PART_FILES,
    ReportInputs,
    collapse_to_skeleton,
    fill_report,
    load_template,
    template_path,
    template_skeleton,
    to_csv,
)

# SHA-256 of the official English CSV templates of Implementing Regulation (EU) 2024/2835
# (Annex I) as published by the Commission: the copies in orchestration/dsa/templates/ must stay
# byte-identical to them.
OFFICIAL_SHA256 = {
    1: "355166db774836d59ac3d91994680bcd9821e2c0e1557322b5f3e8f4007a82cd",
    2: "ce1f80280d31da5e7cf4b85bc8da788760991e30696658bab18995c8829efb7b",
    3: "1c4f6d84ac0cea4b306eb05451bc7477bb94ac0e68b672152628b5ae3524245b",
    4: "c9d8986a04c01a6ae4b84583f3479323eceb884489608474c7d0976fb20eb9e6",
    5: "8dc7082e0bfefcbde67323d500a00c65029a85e4a2094e50cba72d4c29767df2",
    6: "423dc6c8bc62109b6efeb94f188066b30cac94227ed8a33beeeac3c25e7c3011",
    7: "c355cf9369a115fa51f9c9626cc7917bc24b48db7d6dc6cff3028c81de388aad",
    8: "1a687f468468b25b214f505c4a6cb906d6ee8cc80d20f5a60eca383cc1bea71d",
    9: "2393d48b65e94d86f769d5cb8e1017ad2516ca0883f7f10b0eabad1bf143cb84",
    10: "cea923187f8eea0ad82c8f562ce3cfcdbd371e64908cb4c6acbfeaf2baf04a75",
    11: "d09603b7b1ec2874595501cd41ace0a02c6ce04a1ba8cbe47fce38849f53020a",
}
OTHER_TC = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"


@pytest.mark.parametrize("part", sorted(PART_FILES))
def test_shipped_templates_are_the_official_files(part: int) -> None:
    assert hashlib.sha256(template_path(part).read_bytes()).hexdigest() == OFFICIAL_SHA256[part]


@pytest.mark.parametrize("part", sorted(PART_FILES))
def test_csv_writer_round_trips_the_official_bytes(part: int) -> None:
    template = load_template(part)
    assert to_csv(template.header, template.rows).encode("utf-8") == template_path(part).read_bytes()


def _inputs(provider_type: str = "vlop") -> ReportInputs:
    """A small report touching every placeholder: member states, languages, KEYWORD_OTHER rows."""
    return ReportInputs(
        period=parse_period("2026-H1"),
        provider_type=provider_type,
        service="Example service",
        provider_name="Example provider",
        publication_date=date(2026, 8, 1),
        category_facts={
            3: [
                {"row_level": "total", "scope": "total", "orders_act": 3, "items_act": 3},
                {"row_level": "total", "scope": "DE", "orders_act": 2, "items_act": 2},
                {"row_level": "total", "scope": "EL", "orders_act": 1, "items_act": 1},
            ],
            6: [
                {"row_level": "total", "measures": 5},
                {"row_level": "category", "category": OTHER_TC, "measures": 5},
                {
                    "row_level": "keyword",
                    "category": OTHER_TC,
                    "keyword": "KEYWORD_OTHER",
                    "other_description": "Artificial streaming",
                    "measures": 3,
                },  # fmt: skip
                {
                    "row_level": "keyword",
                    "category": OTHER_TC,
                    "keyword": "KEYWORD_OTHER",
                    "other_description": "Spam and platform manipulation",
                    "measures": 2,
                },  # fmt: skip
            ],
        },
        indicator_facts={7: [{"indicator": "complaints", "scope": "total", "figure": 4}]},
        other_descriptions={OTHER_TC: ["Artificial streaming", "Spam and platform manipulation"]},
    )


def _official_skeleton(part: int) -> list[list[str]]:
    skeleton = template_skeleton(part)
    if part == 8:
        # The official Part 8 lists per-language accuracy rows as three groups of
        # (Accuracy bg, Precision [...], Recall sv); the fill reads group k as one block for
        # indicator k. Patch the expected skeleton the same way, and nothing else.
        scope_col = load_template(8).header.index("Scope")
        groups = [
            i for i, r in enumerate(skeleton)
            if r[scope_col] == "bg" and "Accuracy of the automated means" in r[4]
        ]  # fmt: skip
        assert len(groups) == 3
        for k, start in enumerate(groups):
            indicator = skeleton[start + k][4]
            assert [skeleton[start + j][scope_col] for j in range(3)] == ["bg", "[...]", "sv"]
            for j in range(3):
                skeleton[start + j][4] = indicator
    return skeleton


@pytest.mark.parametrize("part", sorted(PART_FILES))
def test_headers_and_row_skeletons_match_the_official_templates(part: int) -> None:
    report = fill_report(_inputs())
    filled = report.parts[part]
    official = load_template(part)
    assert filled.header == official.header  # character for character, trailing spaces included
    assert filled.filename == template_path(part).name
    assert collapse_to_skeleton(part, filled.header, filled.rows) == _official_skeleton(part)


def test_trailing_and_non_breaking_spaces_survive() -> None:
    report = fill_report(_inputs())
    assert "Number of notices received " in report.parts[4].header
    amar = report.parts[10].rows[0][4]
    assert amar.endswith("\xa0")
    text = report.parts[11].csv_text()
    assert "content moderation\xa0\xa0" in text


def test_placeholders_are_expanded() -> None:
    report = fill_report(_inputs())
    for part in (3, 4, 5, 6, 7, 8, 9, 10, 11):
        for row in report.parts[part].rows:
            assert row[2] == "2026-01-01/2026-06-30"
            assert row[1] == "Example service"
    part3 = report.parts[3]
    scopes = [r[5] for r in part3.rows]
    assert "AT, […], SE" not in scopes
    # Greece is EL in the report (Eurostat), and only states that sent orders get rows.
    assert set(scopes) == {"TOTAL", "DE", "EL"}
    part8_scopes = [r[5] for r in report.parts[8].rows]
    assert "[...]" not in part8_scopes
    assert [s for s in part8_scopes if s in LANGUAGES][:24] == list(LANGUAGES)
    part10 = [r[5] for r in report.parts[10].rows]
    assert part10 == ["TOTAL", *MEMBER_STATES]
    others = [r[4] for r in report.parts[6].rows if r[3] == "KEYWORD_OTHER" and r[4]]
    assert "Artificial streaming" in others and "Spam and platform manipulation" in others
    assert 'Text to detail the "Other" keyword.' not in {
        r[4] for p in (3, 4, 5, 6) for r in report.parts[p].rows
    }
    part1 = {r[2]: r[3] for r in report.parts[1].rows}
    assert part1["Starting date of reporting period"] == "2026-01-01"
    assert part1["Ending date of reporting period"] == "2026-06-30"
    assert part1["Date of the publication of the report"] == "2026-08-01"
    assert part1["Name of the service provider"] == "Example provider"


def test_zero_blank_and_not_applicable_rows() -> None:
    report = fill_report(_inputs("online_platform"))
    # Applicable count with nothing to report: 0.
    part6 = report.parts[6]
    row = next(r for r in part6.rows if r[3] == "STATEMENT_CATEGORY_ANIMAL_WELFARE")
    assert row[5] == "0"
    # A median with no case: blank, with the reason.
    part4 = report.parts[4]
    total = next(r for r in part4.rows if r[3] == "TOTAL")
    median_col = part4.header.index("Median time to take action")
    assert total[median_col] == ""
    assert total[part4.header.index("Contextual information on Median time to take action")] == NO_CASES
    # VLOP-only rows stay blank for an online platform, context included.
    for part in (8, 9, 10):
        for r in report.parts[part].rows:
            if r[0].startswith("Only for VLOPs"):
                assert r[6:] == [""] * len(r[6:]), r
    # Part 11 free text is left for people.
    assert {r[4] for r in report.parts[11].rows} == {""}


def test_vlop_fills_language_and_member_state_rows() -> None:
    report = fill_report(_inputs("vlop"))
    part9 = report.parts[9]
    values = [r[6] for r in part9.rows if r[5] in LANGUAGES]
    assert values == ["0"] * 24  # applicable counts with nothing to report
    part10 = report.parts[10]
    assert [r[6] for r in part10.rows[1:]] == ["0"] * 27


def test_unplaced_figures_are_reported_not_dropped() -> None:
    inputs = _inputs()
    inputs.category_facts[5] = [
        {"row_level": "keyword", "category": OTHER_TC, "keyword": "KEYWORD_NUDITY", "measures": 2}
    ]
    report = fill_report(inputs)
    assert any("no row in the template" in w for w in report.warnings)


def test_written_csv_parses_back_to_the_same_rows() -> None:
    report = fill_report(_inputs())
    for part in report.parts.values():
        rows = list(csv.reader(io.StringIO(part.csv_text(), newline="")))
        assert rows[0] == part.header
        assert rows[1:] == part.rows
