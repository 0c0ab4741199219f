"""Inline SVG charts generated in Python: no JavaScript library, no network, readable in any browser.

Every chart is an `<svg class="chart">` with a `<title>` and native tooltips (`<title>` on marks).
A chart with nothing to draw still renders a frame and a "no data" note, so the page's self-check
can tell an empty period from a broken chart (`data-empty="true"`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

Formatter = Callable[[float], str]

INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e3e8ee"
SERIES = ("#2f6fb2", "#d9822b", "#7b4fb8", "#2a9d8f", "#c2410c", "#64748b")
BAND = "#2f6fb2"
TARGET = "#1a7f37"
RED_LINE = "#c53030"


@dataclass(frozen=True)
class Point:
    x: date
    y: float | None
    lo: float | None = None
    hi: float | None = None
    hollow: bool = False  # an upper-bound-only estimate: drawn as an open circle at the bound
    note: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    lo: float | None = None
    hi: float | None = None
    note: str = ""
    hollow: bool = False


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values covering [lo, hi] (lo is usually 0)."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    value = start
    while value < hi + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _svg_open(width: int, height: int, title: str, chart_id: str, empty: bool) -> str:
    return (
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'data-empty="{"true" if empty else "false"}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>"
    )


def _no_data(width: int, height: int, title: str, chart_id: str, message: str) -> str:
    return (
        _svg_open(width, height, title, chart_id, empty=True)
        + f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" stroke="{GRID}"/>'
        + f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" fill="{MUTED}" '
        f'font-size="13">{escape(message)}</text></svg>'
    )


def time_chart(
    chart_id: str,
    title: str,
    series: Sequence[tuple[str, Sequence[Point]]],
    *,
    fmt: Formatter = _num,
    target: float | None = None,
    red_threshold: float | None = None,
    stacked_bars: bool = False,
    width: int = 640,
    height: int = 230,
    y_floor: float = 0.0,
    y_cap: float | None = None,
) -> str:
    """Lines over days or weeks, each optionally with a shaded interval band; or stacked daily bars.

    `target` and `red_threshold` draw dashed reference lines (green target, red threshold);
    `y_cap` stops the axis at a natural maximum (1 for shares).
    """
    all_points = [p for _, pts in series for p in pts if p.y is not None]
    if not all_points:
        return _no_data(width, height, title, chart_id, "no data in the period")
    left, right, top, bottom = 56, 12, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = sorted({p.x for p in all_points})
    x0, x1 = xs[0], xs[-1]
    span = max((x1 - x0).days, 1)
    if stacked_bars:
        totals: dict[date, float] = {}
        for _, pts in series:
            for p in pts:
                totals[p.x] = totals.get(p.x, 0.0) + (p.y or 0.0)
        y_max = max(totals.values(), default=1.0)
    else:
        y_max = max(max(p.hi if p.hi is not None else p.y for p in all_points), y_floor)
    for ref in (target, red_threshold):
        if ref is not None:
            y_max = max(y_max, ref)
    ticks = nice_ticks(0.0, y_max * 1.05 if y_max > 0 else 1.0)
    if y_cap is not None and y_max <= y_cap:
        ticks = [t for t in ticks if t < y_cap] + [y_cap]
    y_top = ticks[-1]

    bar_w = max(plot_w / (span + 1) * 0.8, 1.0)

    def sx(d: date) -> float:
        if stacked_bars:
            return left + ((d - x0).days + 0.5) / (span + 1) * plot_w
        return left + (d - x0).days / span * plot_w if span else left + plot_w / 2

    def sy(v: float) -> float:
        return top + plot_h - (v / y_top) * plot_h

    parts = [_svg_open(width, height, title, chart_id, empty=False)]
    for tick in ticks:
        y = sy(tick)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">'
            f"{escape(fmt(tick))}</text>"
        )
    label_every = max(1, len(xs) // 6)
    for i, d in enumerate(xs):
        if i % label_every == 0 or (i == len(xs) - 1 and len(xs) < 8):
            x = sx(d)
            # Labels at the edges are anchored inwards so they are not cut off.
            anchor = "start" if x < left + 20 else ("end" if x > width - right - 20 else "middle")
            parts.append(
                f'<text x="{x:.1f}" y="{height - 10}" text-anchor="{anchor}" font-size="11" '
                f'fill="{MUTED}">{d.strftime("%b %d")}</text>'
            )
    if stacked_bars:
        base: dict[date, float] = {}
        for idx, (name, pts) in enumerate(series):
            color = SERIES[idx % len(SERIES)]
            for p in pts:
                if not p.y:
                    continue
                b = base.get(p.x, 0.0)
                y_hi, y_lo = sy(b + p.y), sy(b)
                parts.append(
                    f'<rect class="mark" x="{sx(p.x) - bar_w / 2:.1f}" y="{y_hi:.1f}" width="{bar_w:.1f}" '
                    f'height="{max(y_lo - y_hi, 0.5):.1f}" fill="{color}">'
                    f"<title>{escape(p.x.isoformat())} · {escape(name)}: {escape(fmt(p.y))}"
                    f"{escape(p.note)}</title></rect>"
                )
                base[p.x] = b + p.y
    else:
        for idx, (name, pts) in enumerate(series):
            color = SERIES[idx % len(SERIES)]
            banded = [p for p in pts if p.lo is not None and p.hi is not None]
            if len(banded) >= 2:
                upper = " ".join(f"{sx(p.x):.1f},{sy(p.hi):.1f}" for p in banded)
                lower = " ".join(f"{sx(p.x):.1f},{sy(p.lo):.1f}" for p in reversed(banded))
                parts.append(
                    f'<polygon class="band" points="{upper} {lower}" fill="{color if idx else BAND}" '
                    f'fill-opacity="0.16" stroke="none"><title>{escape(name)}: 95% interval</title></polygon>'
                )
            drawn = [p for p in pts if p.y is not None]
            # The line joins point estimates only: an upper-bound-only cell is a hollow circle at its bound.
            estimates = [p for p in drawn if not p.hollow]
            if len(estimates) >= 2:
                path = " ".join(
                    f"{'M' if i == 0 else 'L'}{sx(p.x):.1f},{sy(p.y):.1f}" for i, p in enumerate(estimates)
                )
                parts.append(f'<path class="line" d="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
            for p in drawn:
                interval = (
                    f" (95% interval {fmt(p.lo)}–{fmt(p.hi)})" if p.lo is not None and p.hi is not None else ""
                )
                y_val = p.hi if p.hollow and p.hi is not None else p.y
                shown = f"≤ {fmt(p.hi)}" if p.hollow and p.hi is not None else fmt(p.y)
                fill = "#fff" if p.hollow else color
                parts.append(
                    f'<circle class="mark" cx="{sx(p.x):.1f}" cy="{sy(y_val):.1f}" r="{3 if len(drawn) < 60 else 2}" '
                    f'fill="{fill}" stroke="{color}" stroke-width="1.5"><title>{escape(p.x.isoformat())} · '
                    f"{escape(name)}: {escape(shown)}{escape(interval if not p.hollow else '')}"
                    f"{escape(p.note)}</title></circle>"
                )
    for ref, color, label in ((target, TARGET, "target"), (red_threshold, RED_LINE, "red")):
        if ref is not None:
            y = sy(ref)
            parts.append(
                f'<line class="ref" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{color}" '
                f'stroke-dasharray="5 4" stroke-width="1.2"><title>{label}: {escape(fmt(ref))}</title></line>'
            )
    if len(series) > 1:
        x = left + 4
        for idx, (name, _) in enumerate(series):
            color = SERIES[idx % len(SERIES)]
            parts.append(f'<rect x="{x}" y="{top - 10}" width="10" height="10" fill="{color}"/>')
            parts.append(f'<text x="{x + 14}" y="{top - 1}" font-size="11" fill="{INK}">{escape(name)}</text>')
            x += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    *,
    fmt: Formatter = _num,
    target: float | None = None,
    width: int = 420,
    row_height: int = 22,
    label_width: int = 130,
    colors: Sequence[str] | None = None,
) -> str:
    """Horizontal bars with optional interval whiskers and a dashed target line."""
    drawn = [b for b in bars if b.value is not None]
    if not drawn:
        return _no_data(width, 80, title, chart_id, "no data in the period")
    top, bottom, right = 6, 22, 70
    height = top + bottom + row_height * len(bars)
    plot_w = width - label_width - right
    x_max = max(max((b.hi if b.hi is not None else b.value) for b in drawn), target or 0.0)
    ticks = nice_ticks(0.0, x_max if x_max > 0 else 1.0, 3)
    x_top = ticks[-1]

    def sx(v: float) -> float:
        return label_width + v / x_top * plot_w

    parts = [_svg_open(width, height, title, chart_id, empty=False)]
    for tick in ticks:
        x = sx(tick)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" font-size="10" fill="{MUTED}">'
            f"{escape(fmt(tick))}</text>"
        )
    for i, b in enumerate(bars):
        y = top + i * row_height
        label = b.label if len(b.label) <= 20 else b.label[:19] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + row_height * 0.68:.1f}" text-anchor="end" font-size="11" '
            f'fill="{INK}">{escape(label)}</text>'
        )
        if b.value is None:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + row_height * 0.68:.1f}" font-size="11" fill="{MUTED}">'
                f"n/a{escape(b.note)}</text>"
            )
            continue
        color = (colors[i] if colors else SERIES[0]) or SERIES[0]
        shown_value = b.hi if b.hollow and b.hi is not None else b.value
        shown = f"≤ {fmt(b.hi)}" if b.hollow and b.hi is not None else fmt(b.value)
        tip = f"{b.label}: {shown}"
        if b.lo is not None and b.hi is not None and not b.hollow:
            tip += f" (95% interval {fmt(b.lo)}–{fmt(b.hi)})"
        tip += b.note
        bar_len = max(sx(shown_value) - label_width, 1.0)
        fill = f'fill="{color}"' if not b.hollow else f'fill="#fff" stroke="{color}" stroke-dasharray="3 2"'
        parts.append(
            f'<rect class="mark" x="{label_width}" y="{y + 4}" width="{bar_len:.1f}" height="{row_height - 8}" '
            f"{fill}><title>{escape(tip)}</title></rect>"
        )
        if b.lo is not None and b.hi is not None and not b.hollow:
            yc = y + row_height / 2
            parts.append(
                f'<line x1="{sx(b.lo):.1f}" x2="{sx(b.hi):.1f}" y1="{yc:.1f}" y2="{yc:.1f}" stroke="{INK}" '
                f'stroke-width="1.2"/><line x1="{sx(b.lo):.1f}" x2="{sx(b.lo):.1f}" y1="{yc - 4:.1f}" '
                f'y2="{yc + 4:.1f}" stroke="{INK}"/><line x1="{sx(b.hi):.1f}" x2="{sx(b.hi):.1f}" '
                f'y1="{yc - 4:.1f}" y2="{yc + 4:.1f}" stroke="{INK}"/>'
            )
        end = max(sx(shown_value), sx(b.hi) if b.hi is not None else 0)
        parts.append(
            f'<text x="{end + 4:.1f}" y="{y + row_height * 0.68:.1f}" font-size="11" fill="{INK}">'
            f"{escape(shown)}</text>"
        )
    if target is not None:
        x = sx(target)
        parts.append(
            f'<line class="ref" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" stroke="{TARGET}" '
            f'stroke-dasharray="5 4"><title>target: {escape(fmt(target))}</title></line>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(chart_id: str, title: str, values: Sequence[float | None], *, width: int = 150, height: int = 34) -> str:
    """A tiny trend line for a tile (weekly values, oldest first)."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return _no_data(width, height, title, chart_id, "—")
    lo = min(v for _, v in pts)
    hi = max(v for _, v in pts)
    rng = hi - lo or 1.0
    n = max(len(values) - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{2 + i / n * (width - 4):.1f},{height - 3 - (v - lo) / rng * (height - 6):.1f}"

    path = " ".join(f"{'M' if k == 0 else 'L'}{xy(i, v)}" for k, (i, v) in enumerate(pts))
    last_i, last_v = pts[-1]
    cx, cy = xy(last_i, last_v).split(",")
    return (
        _svg_open(width, height, title, chart_id, empty=False)
        + f'<path class="line" d="{path}" fill="none" stroke="{SERIES[0]}" stroke-width="1.6"/>'
        + f'<circle class="mark" cx="{cx}" cy="{cy}" r="2.5" fill="{SERIES[0]}"/></svg>'
    )
