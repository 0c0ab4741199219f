"""The official Annex I CSV templates (Implementing Regulation (EU) 2024/2835), filled.

The 11 template files ship unchanged in `orchestration/dsa/templates/` (public EU documents),
so the export never depends on anything outside the package. Filling keeps every label cell
exactly as the template has it (trailing spaces and non-breaking spaces included) and only:

- writes the service name, the reporting period `YYYY-MM-DD/YYYY-MM-DD` and the values;
- expands "AT, […], SE" (Part 3) into one row per member state that sent orders, and
  AT/[...]/SE (Part 10) into the EU-27 (Eurostat codes, so Greece is EL);
- expands bg/[...]/sv (Parts 8 and 9) into the 24 official languages in the template's order;
- repeats a `KEYWORD_OTHER` row once per "Other" description of its category.

Blank versus zero: a row that does not apply to the provider type stays blank; an applicable
count with nothing to report is `0`; a median or ratio with no case to compute it from is
blank with a contextual note (a median of nothing is not zero hours); a figure the feeds do
not carry comes blank from the warehouse with its reason in the contextual column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.dsa.period import Period
from orchestration.paths import PROJECT_DIR

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
PREFIX = "4_EN_Annex_I__Templates_for_Transparency_Reports_CSV_Part_"
PART_FILES: dict[int, str] = {
    1: "1_summary",
    2: "2_categories_names",
    3: "3_member_states_orders",
    4: "4_notices",
    5: "5_own_initiative_illegal",
    6: "6_own_initiative_TC",
    7: "7_appeals_and_recidivism",
    8: "8_automated_means",
    9: "9_human_resources",
    10: "10_AMAR",
    11: "11_qualitative",
}

PERIOD_PLACEHOLDER = "YYYY-MM-DD/YYYY-MM-DD"
OTHER_PLACEHOLDER = 'Text to detail the "Other" keyword.'
STATES_PLACEHOLDER = "AT, […], SE"
ELLIPSIS = "[...]"

# Official EU languages in the template's order (bg [..] sv), lower case, and the EU-27 by Eurostat
# code in the templates' AT [..] SE order (English country names): both from the reference seeds.
def _seed(name: str) -> list[dict[str, str]]:
    with (PROJECT_DIR / "seeds" / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


LANGUAGES: tuple[str, ...] = tuple(
    row["language_code"] for row in sorted(_seed("eu_languages"), key=lambda r: int(r["template_order"]))
)
MEMBER_STATES: tuple[str, ...] = tuple(
    row["eurostat_code"]
    for row in sorted(_seed("countries"), key=lambda r: r["country_name"])
    if row["is_eu"] == "true"
)

VLOP_ONLY = ("Only for VLOPs", "Only for VLOPs and VLOSEs")
PROVIDER_TYPES = ("online_platform", "vlop")

# Parts 3-6: the measure columns, in template order, as (key, kind). Kinds: count, median, ratio.
CATEGORY_MEASURES: dict[int, tuple[tuple[str, str], ...]] = {
    3: (
        ("orders_act", "count"),
        ("items_act", "count"),
        ("median_hours_acknowledge_act", "median"),
        ("median_hours_effect_act", "median"),
        ("orders_information", "count"),
        ("median_hours_acknowledge_information", "median"),
        ("median_hours_effect_information", "median"),
    ),
    4: (
        ("notices", "count"),
        ("notices_tf", "count"),
        ("items", "count"),
        ("items_tf", "count"),
        ("median_hours_action", "median"),
        ("median_hours_action_tf", "median"),
        ("actions_law", "count"),
        ("actions_law_tf", "count"),
        ("actions_terms", "count"),
        ("actions_terms_tf", "count"),
    ),
}
_OWN_INITIATIVE = (
    ("measures", "count"),
    ("measures_solely_automated", "count"),
    ("visibility_removed", "count"),
    ("visibility_disabled", "count"),
    ("visibility_demoted", "count"),
    ("visibility_age_restricted", "count"),
    ("visibility_interaction_restricted", "count"),
    ("visibility_labelled", "count"),
    ("visibility_other", "count"),
    ("monetary_suspension", "count"),
    ("monetary_termination", "count"),
    ("monetary_other", "count"),
    ("provision_suspension", "count"),
    ("provision_termination", "count"),
    ("account_suspension", "count"),
    ("account_termination", "count"),
)
CATEGORY_MEASURES[5] = _OWN_INITIATIVE
CATEGORY_MEASURES[6] = _OWN_INITIATIVE
# Index of the category column in Parts 3-6 (the "Other" description follows it).
CATEGORY_COL = 3

# Parts 7-10: template indicator / scope text (stripped) -> keys used by the warehouse models.
INDICATOR_KEYS: dict[str, str] = {
    "Number of complaints submitted to the internal-complaints mechanism": "complaints",
    "Number of restrictions newly imposed as a result of an internal complaint": "restrictions_after_complaint",
    "Complaint regarding a decision to remove or disable access to or restrict visibility of information": "complaints_visibility",
    "Complaint regarding a decision to suspend or terminate the provision of the service": "complaints_provision",
    "Complaint regarding a decision to suspend or terminate an account": "complaints_account",
    "Complaint regarding a decision to restrict the ability to monetise information": "complaints_monetary",
    "Complaint regarding a decision not to take action on a notice submitted in accordance with Article 16": "complaints_no_action_notice",
    "Complaint regarding a decision not to take action on a notice submitted by a Trusted Flagger in accordance with Article 16": "complaints_no_action_tf_notice",
    "Number of disputes submitted to out-of-court dispute settlement bodies": "disputes",
    "Number of suspensions enacted for the provision of manifestly illegal content": "suspensions_illegal_content",
    "Number of suspensions enacted for the provision of manifestly unfounded notices": "suspensions_unfounded_notices",
    "Number of suspensions enacted for the provision of manifestly unfounded complaints": "suspensions_unfounded_complaints",
    "Number of measures solely taken by automated means": "measures_solely_automated",
    "Number of measures not taken by automated means": "measures_not_automated",
    "Accuracy of the automated means - Accuracy": "accuracy",
    "Accuracy of the automated means - Precision": "precision",
    "Accuracy of the automated means - Recall": "recall",
    "Number of notices solely processed by automated means": "notices_solely_automated",
    "Number of notices not processed by automated means": "notices_not_automated",
    "Number of internal moderators employed by the provider": "internal_moderators",
    "Number of external moderators contracted by the provider": "external_moderators",
    "Number of total moderators with sufficient linguistic expertise": "moderators_linguistic",
    "Number of average monthly active recipients during the reporting period": "amar",
}  # fmt: skip
SCOPE_KEYS: dict[str, str] = {
    "Total number": "total",
    "TOTAL": "total",
    "Decisions upheld": "upheld",
    "Decisions partially reversed": "partially_reversed",
    "Decisions reversed": "reversed",
    "Median time": "median_hours",
    "Decision omitted": "omitted",
    "Percentage of outcomes implemented": "share_implemented",
    "Own-initiative": "own_initiative",
    "NAM Total": "nam_total",
    "NAM Trusted Flagger": "nam_trusted_flagger",
}
RATIO_INDICATORS = {"accuracy", "precision", "recall"}
# Part 8: the official file lists the per-language accuracy rows as three groups of
# (Accuracy bg, Precision [...], Recall sv). Read as meant: one block per indicator.
PART8_LANGUAGE_BLOCKS = ("accuracy", "precision", "recall")

NO_CASES = "No case in the reporting period to compute this figure from."
VLOP_NOTE = ""  # rows that do not apply stay entirely blank


@dataclass(frozen=True)
class Template:
    part: int
    filename: str
    header: list[str]
    rows: list[list[str]]


def template_path(part: int) -> Path:
    return TEMPLATE_DIR / f"{PREFIX}{PART_FILES[part]}.csv"


def load_template(part: int) -> Template:
    path = template_path(part)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return Template(part, path.name, rows[0], rows[1:])


def load_templates() -> dict[int, Template]:
    return {part: load_template(part) for part in PART_FILES}


def to_csv(header: list[str], rows: Iterable[list[str]]) -> str:
    """RFC 4180 quoting as in the official files (minimal quoting, LF line ends, UTF-8)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def fmt_number(value: float | int | None, kind: str) -> str:
    if value is None:
        return ""
    if kind == "count":
        return str(round(value))
    digits = 2 if kind == "median" else 4
    text = f"{float(value):.{digits}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


@dataclass
class ReportInputs:
    """Everything the fill needs, gathered from the warehouse (or built by hand in tests)."""

    period: Period
    provider_type: str = "online_platform"
    service: str = ""
    provider_name: str = ""
    publication_date: date | None = None
    previous_publication_date: date | None = None
    # Parts 3-6: rows with row_level (total|category|keyword), category, keyword, other_description,
    # scope ('total' or a member-state code), the measure keys and optional ctx_<measure> notes.
    category_facts: dict[int, list[dict]] = field(default_factory=dict)
    # Parts 7-10: rows with indicator, scope, figure, context.
    indicator_facts: dict[int, list[dict]] = field(default_factory=dict)
    # category code -> "Other" descriptions to lay out even when their figures are 0.
    other_descriptions: dict[str, list[str]] = field(default_factory=dict)
    # Part 2 contextual information by category or keyword code (KEYWORD_OTHER: by category).
    category_notes: dict[str, str] = field(default_factory=dict)
    # delivery days the data covers (report.Coverage) and, for a partial report, its note
    coverage: Any = None
    partial_note: str | None = None


@dataclass
class FilledPart:
    part: int
    filename: str
    header: list[str]
    rows: list[list[str]]
    measure_cols: list[int] = field(default_factory=list)  # columns holding figures
    kinds: list[str] = field(default_factory=list)  # per measure column

    def csv_text(self) -> str:
        return to_csv(self.header, self.rows)


@dataclass
class FilledReport:
    parts: dict[int, FilledPart]
    warnings: list[str]


def _is_vlop_only(applicability: str) -> bool:
    return applicability.strip() in VLOP_ONLY


def _norm(value: object) -> str:
    return "" if value is None else str(value)


def _fact_key(level: str, category: str, keyword: str, other: str, scope: str) -> tuple[str, ...]:
    return (level, category, keyword, other, scope)


def _index_category_facts(rows: list[dict]) -> dict[tuple[str, ...], dict]:
    index: dict[tuple[str, ...], dict] = {}
    for row in rows:
        level = _norm(row.get("row_level"))
        keyword = _norm(row.get("keyword")) if level == "keyword" else ""
        other = _norm(row.get("other_description")) if keyword == "KEYWORD_OTHER" else ""
        category = _norm(row.get("category")) if level != "total" else ""
        scope = _norm(row.get("scope")) or "total"
        index[_fact_key(level, category, keyword, other, scope)] = row
    return index


def _category_rows(template: Template, inputs: ReportInputs, warnings: list[str]) -> FilledPart:
    part = template.part
    measures = CATEGORY_MEASURES[part]
    n_label = CATEGORY_COL + 2 + (1 if part == 3 else 0)  # + Other description (+ Scope in Part 3)
    measure_cols = list(range(n_label, n_label + len(measures)))
    ctx_cols = list(range(n_label + len(measures), n_label + 2 * len(measures)))
    facts = inputs.category_facts.get(part, [])
    index = _index_category_facts(facts)
    used: set[tuple[str, ...]] = set()
    vlop = inputs.provider_type == "vlop"

    states = sorted(
        {_norm(r.get("scope")) for r in facts if _norm(r.get("scope")) not in ("", "total")},
        key=lambda s: (MEMBER_STATES.index(s) if s in MEMBER_STATES else 99, s),
    )
    for state in states:
        if state not in MEMBER_STATES:
            warnings.append(
                f"Part {part}: scope {state!r} is not an EU member state (Eurostat code); not reported"
            )

    out: list[list[str]] = []
    parent = ""
    for trow in template.rows:
        code = trow[CATEGORY_COL]
        if code.startswith("STATEMENT_CATEGORY_"):
            parent = code
        if code == "TOTAL":
            level, category, keyword = "total", "", ""
        elif code.startswith("STATEMENT_CATEGORY_"):
            level, category, keyword = "category", code, ""
        else:
            level, category, keyword = "keyword", parent, code
        if keyword == "KEYWORD_OTHER":
            descriptions = list(inputs.other_descriptions.get(parent, []))
            for r in facts:
                if (
                    _norm(r.get("row_level")) == "keyword"
                    and _norm(r.get("category")) == parent
                    and _norm(r.get("keyword")) == "KEYWORD_OTHER"
                    and _norm(r.get("other_description")) not in descriptions
                ):
                    descriptions.append(_norm(r.get("other_description")))
            descriptions = sorted(set(descriptions)) or [""]
        else:
            descriptions = [None]
        scopes = ["total"]
        if part == 3 and trow[5] == STATES_PLACEHOLDER:
            scopes = [s for s in states if s in MEMBER_STATES]
        for description in descriptions:
            for scope in scopes:
                row = list(trow)
                row[1] = inputs.service
                row[2] = inputs.period.template_text
                if description is not None:
                    row[CATEGORY_COL + 1] = description
                if part == 3:
                    row[5] = "TOTAL" if scope == "total" else scope
                applicable = vlop or not _is_vlop_only(trow[0])
                key = _fact_key(level, category, keyword, description or "", scope)
                fact = index.get(key)
                if fact is not None:
                    used.add(key)
                for (mkey, kind), vcol, ccol in zip(measures, measure_cols, ctx_cols, strict=True):
                    if not applicable:
                        row[vcol], row[ccol] = "", ""
                        continue
                    value = fact.get(mkey) if fact is not None else None
                    note = _norm(fact.get(f"ctx_{mkey}")) if fact is not None else ""
                    if value is None and kind == "count" and not note:
                        value = 0
                    if value is None and not note and kind != "count":
                        note = NO_CASES
                    row[vcol] = fmt_number(value, kind)
                    row[ccol] = note
                out.append(row)
    for key, fact in index.items():
        if key in used:
            continue
        if any(fact.get(m) not in (None, 0) for m, _ in measures):
            warnings.append(
                f"Part {part}: figures for {key} have no row in the template; fix the category mapping"
            )
    kinds = [k for _, k in measures]
    return FilledPart(part, template.filename, list(template.header), out, measure_cols, kinds)


def _language_groups(rows: list[list[str]], scope_col: int) -> list[tuple[int, int]]:
    """(start, end) index pairs of consecutive bg, [...], sv rows."""
    groups = []
    i = 0
    while i < len(rows):
        if (
            rows[i][scope_col] == "bg"
            and i + 2 < len(rows)
            and rows[i + 1][scope_col] == ELLIPSIS
            and rows[i + 2][scope_col] == "sv"
        ):
            groups.append((i, i + 3))
            i += 3
        else:
            i += 1
    return groups


def _indicator_rows(template: Template, inputs: ReportInputs, warnings: list[str]) -> FilledPart:
    part = template.part
    header = template.header
    scope_col = header.index("Scope")
    value_col = header.index("Value")
    ctx_col = value_col + 1 if value_col + 1 < len(header) else None
    ind_col = header.index("Indicator")
    facts = inputs.indicator_facts.get(part, [])
    # Part 8 repeats an indicator row per automated system (detector); those follow the pooled row.
    index = {(_norm(r.get("indicator")), _norm(r.get("scope"))): r for r in facts if not r.get("detector")}
    per_system: dict[tuple[str, str], list[dict]] = {}
    for r in sorted((r for r in facts if r.get("detector")), key=lambda r: _norm(r.get("detector"))):
        per_system.setdefault((_norm(r.get("indicator")), _norm(r.get("scope"))), []).append(r)
    used: set[tuple[str, str]] = set()
    vlop = inputs.provider_type == "vlop"

    # Expand placeholders into (template row, indicator key, scope key, scope text, expanded?).
    plan: list[tuple[list[str], str, str, str, bool]] = []
    trows = template.rows
    groups = dict(_language_groups(trows, scope_col))
    block = 0
    i = 0
    while i < len(trows):
        trow = trows[i]
        indicator = INDICATOR_KEYS.get(trow[ind_col].strip().replace("\xa0", " ").strip(), "")
        if not indicator:
            warnings.append(f"Part {part}: unknown indicator {trow[ind_col]!r}")
        if i in groups:
            if part == 8 and indicator in RATIO_INDICATORS:
                # Block k takes its indicator text from row k of its group (Accuracy, Precision, Recall).
                k = block % 3
                indicator = PART8_LANGUAGE_BLOCKS[k]
                trow = list(trow)
                trow[ind_col] = trows[i + k][ind_col]
                block += 1
            for lang in LANGUAGES:
                plan.append((trow, indicator, lang, lang, True))
            i = groups[i]
            continue
        scope_text = trow[scope_col]
        if (
            part == 10
            and scope_text == "AT"
            and trows[i + 1][scope_col] == ELLIPSIS
            and trows[i + 2][scope_col] == "SE"
        ):
            for state in MEMBER_STATES:
                plan.append((trow, indicator, state, state, True))
            i += 3
            continue
        scope = SCOPE_KEYS.get(scope_text.strip(), scope_text.strip())
        plan.append((trow, indicator, scope, scope_text, False))
        i += 1

    out: list[list[str]] = []
    for trow, indicator, scope, scope_text, expanded in plan:
        row = list(trow)
        row[1] = inputs.service
        row[2] = inputs.period.template_text
        row[scope_col] = scope_text
        applicable = vlop or not _is_vlop_only(trow[0])
        if indicator in RATIO_INDICATORS or scope == "share_implemented":
            kind = "ratio"
        elif scope == "median_hours":
            kind = "median"
        else:
            kind = "count"
        value: float | None = None
        note = ""
        fact = index.get((indicator, scope))
        if fact is not None:
            used.add((indicator, scope))
        if applicable:
            if fact is not None:
                value = fact.get("figure")
                note = _norm(fact.get("context"))
            elif expanded and kind == "count":
                value = 0
            elif kind != "count":
                note = NO_CASES
            else:
                note = "Not computed by the warehouse."
                warnings.append(f"Part {part}: no figure for {indicator}/{scope}")
            if value is None and not note:
                note = NO_CASES if kind != "count" else "Not computed by the warehouse."
        row[value_col] = fmt_number(value, kind) if applicable else ""
        if ctx_col is not None:
            row[ctx_col] = note if applicable else ""
        elif applicable and value is None and note:
            # a part without a contextual column (Part 10): the reason goes to the review warnings
            warnings.append(f"Part {part}: {indicator}/{scope} left blank: {note}")
        out.append(row)
        for system in per_system.get((indicator, scope), []) if applicable and not expanded else []:
            extra = list(row)
            extra[value_col] = fmt_number(system.get("figure"), kind)
            if ctx_col is not None:
                extra[ctx_col] = _norm(system.get("context"))
            out.append(extra)
    for key, fact in index.items():
        if key not in used and fact.get("figure") not in (None, 0):
            warnings.append(f"Part {part}: figure {key} has no row in the template")
    return FilledPart(part, template.filename, list(header), out, [value_col], [])


def _part1(template: Template, inputs: ReportInputs) -> FilledPart:
    values = {
        "Name of the service provider": inputs.provider_name,
        "Date of the publication of the report": (inputs.publication_date or date.today()).isoformat(),
        "Date of the publication of the latest previous report": (
            inputs.previous_publication_date.isoformat() if inputs.previous_publication_date else ""
        ),
        "Starting date of reporting period": inputs.period.start.isoformat(),
        "Ending date of reporting period": inputs.period.end.isoformat(),
    }
    out = []
    for trow in template.rows:
        row = list(trow)
        row[1] = inputs.service
        row[3] = values[trow[2]]
        out.append(row)
    return FilledPart(1, template.filename, list(template.header), out, [3], ["text"])


def _part2(template: Template, inputs: ReportInputs) -> FilledPart:
    out = []
    parent = ""
    for trow in template.rows:
        row = list(trow)
        code = trow[2]
        if code.startswith("STATEMENT_CATEGORY_"):
            parent = code
        key = f"{parent}/KEYWORD_OTHER" if code == "KEYWORD_OTHER" else code
        note = inputs.category_notes.get(key)
        if note:
            row[3] = note
        out.append(row)
    return FilledPart(2, template.filename, list(template.header), out, [], [])


def _part11(template: Template, inputs: ReportInputs) -> FilledPart:
    out = []
    for trow in template.rows:
        row = list(trow)
        row[1] = inputs.service
        row[2] = inputs.period.template_text
        row[4] = ""  # free text, written by people before filing
        out.append(row)
    if inputs.partial_note and out:
        # Part 1 has no contextual column: the first free-text cell says the report is partial.
        out[0][4] = f"{inputs.partial_note}. This report does not cover the whole reporting period."
    return FilledPart(11, template.filename, list(template.header), out, [], [])


def fill_report(inputs: ReportInputs, templates: dict[int, Template] | None = None) -> FilledReport:
    if inputs.provider_type not in PROVIDER_TYPES:
        raise ValueError(f"provider_type must be one of {PROVIDER_TYPES}, not {inputs.provider_type!r}")
    templates = templates or load_templates()
    warnings: list[str] = []
    parts: dict[int, FilledPart] = {
        1: _part1(templates[1], inputs),
        2: _part2(templates[2], inputs),
    }
    for part in (3, 4, 5, 6):
        parts[part] = _category_rows(templates[part], inputs, warnings)
    for part in (7, 8, 9, 10):
        parts[part] = _indicator_rows(templates[part], inputs, warnings)
    parts[11] = _part11(templates[11], inputs)
    return FilledReport(dict(sorted(parts.items())), warnings)


def collapse_to_skeleton(part: int, header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """Undo the fill: blank figures, restore placeholders, merge expanded rows.

    The result of a correct fill equals the official template's own skeleton (its rows with the
    same cells blanked), which is what the tests compare character for character.
    """
    skeleton: list[list[str]] = []
    value_cols = _value_columns(part, header)
    for row in rows:
        r = list(row)
        if part != 2:
            r[1] = ""
        if part not in (1, 2) and len(r) > 2:
            r[2] = PERIOD_PLACEHOLDER
        for c in value_cols:
            r[c] = ""
        if part in (3, 4, 5, 6):
            if r[CATEGORY_COL] == "KEYWORD_OTHER":
                r[CATEGORY_COL + 1] = OTHER_PLACEHOLDER
            if part == 3 and r[5] != "TOTAL":
                r[5] = STATES_PLACEHOLDER
        if part in (8, 9, 10):
            scope_col = header.index("Scope")
            codes = LANGUAGES if part in (8, 9) else MEMBER_STATES
            if r[scope_col] in codes:
                position = codes.index(r[scope_col])
                r[scope_col] = (
                    codes[0] if position == 0 else codes[-1] if position == len(codes) - 1 else ELLIPSIS
                )
        if (
            skeleton
            and skeleton[-1] == r
            and (
                (
                    part in (3, 4, 5, 6)
                    and (r[CATEGORY_COL] == "KEYWORD_OTHER" or (part == 3 and r[5] != "TOTAL"))
                )
                or (part in (8, 9, 10) and r[header.index("Scope")] == ELLIPSIS)
                # Part 8 repeats an indicator row per automated system, right after the pooled row
                or part == 8
            )
        ):
            continue
        skeleton.append(r)
    return skeleton


def template_skeleton(part: int) -> list[list[str]]:
    template = load_template(part)
    value_cols = _value_columns(part, template.header)
    out = []
    for trow in template.rows:
        r = list(trow)
        for c in value_cols:
            r[c] = ""
        out.append(r)
    return out


def _value_columns(part: int, header: list[str]) -> list[int]:
    if part == 1:
        return [3]
    if part == 2:
        return [3]
    if part == 11:
        return [4]
    if part in CATEGORY_MEASURES:
        start = CATEGORY_COL + 2 + (1 if part == 3 else 0)
        return list(range(start, len(header)))
    value_col = header.index("Value")
    return list(range(value_col, len(header)))
