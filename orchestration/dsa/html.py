"""A self-contained HTML rendition of a filled report, for review before filing.

Same numbers as the CSV parts (it is rendered from the same rows), no scripts, no fonts or
styles fetched from anywhere. Contextual notes appear under the figure they explain; rows that
do not apply to the provider type are greyed.
"""

from __future__ import annotations

from html import escape

from orchestration.dsa.templates import NO_CASES, PART_FILES, FilledPart

TITLES = {
    1: "Part 1 — Summary",
    2: "Part 2 — Categories",
    3: "Part 3 — Orders from member-state authorities (Art. 9 and 10)",
    4: "Part 4 — Notices (Art. 16)",
    5: "Part 5 — Own-initiative measures, illegal content",
    6: "Part 6 — Own-initiative measures, terms and conditions",
    7: "Part 7 — Complaints, out-of-court disputes, Art. 23 suspensions",
    8: "Part 8 — Automated means",
    9: "Part 9 — Human resources",
    10: "Part 10 — Average monthly active recipients",
    11: "Part 11 — Qualitative information (to be written before filing)",
}

CSS = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1b1f24}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#57606a;margin-bottom:12px}.banner{padding:10px 14px;border-radius:6px;margin:12px 0}
.restated{background:#fff4e5;border:1px solid #f0b45a}.same{background:#eef6ee;border:1px solid #9ccc9c}
.warn{background:#fdecec;border:1px solid #e59a9a}.partial{background:#fff0f0;border:2px solid #cf222e}
.wrap{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:12px}
th,td{border:1px solid #d0d7de;padding:3px 6px;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0;font-weight:600;max-width:160px}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.blank{background:#fafafa}tr.na td{color:#9aa1a9;background:#f7f7f7}
tr.zero td{color:#8c959f}tr.parent td{font-weight:600}tr.total td{font-weight:700;background:#eef2f7}
.note{display:block;color:#8a5a00;font-size:11px;font-weight:400;white-space:normal;max-width:260px;text-align:left}
nav a{margin-right:10px}
"""


def _row_class(part: FilledPart, row: list[str], provider_type: str) -> str:
    classes = []
    if provider_type != "vlop" and row and row[0].strip() in ("Only for VLOPs", "Only for VLOPs and VLOSEs"):
        classes.append("na")
    code = row[3] if len(row) > 3 else ""
    figures = [row[c] for c in part.measure_cols if c < len(row)]
    if part.part in (3, 4, 5, 6) and figures and all(v in ("", "0") for v in figures):
        classes.append("zero")
    if part.part in (3, 4, 5, 6):
        if code == "TOTAL":
            classes.append("total")
        elif code.startswith("STATEMENT_CATEGORY_"):
            classes.append("parent")
    return " ".join(classes)


def _table(part: FilledPart, provider_type: str) -> str:
    header = part.header
    measure_cols = set(part.measure_cols)
    # The contextual column of each figure, shown under the figure instead of as its own column.
    ctx_of: dict[int, int] = {}
    if part.part in (3, 4, 5, 6):
        n = len(part.measure_cols)
        for col in part.measure_cols:
            ctx_of[col] = col + n
    elif part.part in (7, 8, 9) and part.measure_cols:
        ctx_of[part.measure_cols[0]] = part.measure_cols[0] + 1
    hidden = set(ctx_of.values())
    if part.part != 2:
        hidden.add(1)  # the service column repeats the title
        if "Reporting period" in header:
            hidden.add(header.index("Reporting period"))  # in the page header
        if len({r[0] for r in part.rows}) <= 1:
            hidden.add(0)  # applicability is the same on every row
    cols = [i for i in range(len(header)) if i not in hidden]
    out = ["<div class='wrap'><table><thead><tr>"]
    out += [f"<th>{escape(header[i])}</th>" for i in cols]
    out.append("</tr></thead><tbody>")
    for row in part.rows:
        out.append(f"<tr class='{_row_class(part, row, provider_type)}'>")
        for i in cols:
            value = row[i] if i < len(row) else ""
            note = row[ctx_of[i]] if i in ctx_of and ctx_of[i] < len(row) else ""
            cls = "num" if i in measure_cols else ""
            if i in measure_cols and value == "":
                cls += " blank"
            cell = escape(value)
            if note.strip() == NO_CASES:
                cell = f"<span title='{escape(NO_CASES)}'>–</span>"
            elif note.strip():
                cell += f"<span class='note'>{escape(note)}</span>"
            out.append(f"<td class='{cls.strip()}'>{cell}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def render_html(
    parts: dict[int, FilledPart],
    *,
    title: str,
    period_text: str,
    provider_type: str,
    version: int,
    restatement_of: int | None,
    changes: list[dict],
    warnings: list[str],
    generated_at: str,
    partial: str | None = None,
) -> str:
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<div class='meta'>Reporting period {escape(period_text)} · provider type "
        f"{escape(provider_type)} · version v{version} · generated {escape(generated_at)}</div>",
    ]
    if partial:
        out.append(
            f"<div class='banner partial'><b>Partial report — {escape(partial)}.</b> The data does not "
            "cover the whole reporting period; do not file it as complete.</div>"
        )
    if restatement_of is not None:
        out.append(
            f"<div class='banner restated'><b>Restatement of v{restatement_of}.</b> "
            f"{len(changes)} figure(s) changed since the earlier version:<ul>"
        )
        for change in changes[:200]:
            out.append(
                f"<li>Part {change['part']}: {escape(change['row'])} — {escape(change['column'])}: "
                f"{escape(change['old'] or '(blank)')} → {escape(change['new'] or '(blank)')}</li>"
            )
        out.append("</ul></div>")
    elif version > 1:
        out.append(f"<div class='banner same'>Same figures as v{version - 1}.</div>")
    out.append(
        "<div class='meta'>Grey rows: nothing to report (0) or not applicable to the provider type. "
        "– : no case in the period to compute a median or ratio from. Notes under a figure are the "
        "template's contextual information.</div>"
    )
    if warnings:
        out.append("<div class='banner warn'><b>Check before filing:</b><ul>")
        out += [f"<li>{escape(w)}</li>" for w in warnings]
        out.append("</ul></div>")
    out.append("<nav>" + "".join(f"<a href='#part{p}'>Part {p}</a>" for p in PART_FILES) + "</nav>")
    for number, part in parts.items():
        out.append(f"<h2 id='part{number}'>{escape(TITLES[number])}</h2>")
        out.append(f"<div class='meta'>{escape(part.filename)}</div>")
        out.append(_table(part, provider_type))
    out.append("</body></html>\n")
    return "".join(out)
