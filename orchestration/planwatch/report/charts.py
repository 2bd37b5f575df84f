"""Inline SVG charts: status bars per region (or province) and an indicator's actuals against a plan's target path."""

import math

from .widgets import FONT, STATUS, esc, fmt

ACTUAL_COLOUR = "#4c78a8"
TARGET_COLOUR = "#e45756"


def stacked_bars(groups: list[str], counts: dict[tuple[str, str], int], order: list[str], chart_id: str) -> str:
    """One horizontal bar per group (in the order given), split by status."""
    width, label_w, bar_h, gap = 860, 150, 22, 10
    total_max = max((sum(counts.get((g, s), 0) for s in order) for g in groups), default=1) or 1
    scale = (width - label_w - 60) / total_max
    legend_rows = math.ceil(len(order) / 3)
    height = len(groups) * (bar_h + gap) + 20 + legend_rows * 20
    svg = [
        f'<svg id="{esc(chart_id)}" class="chart" width="{width}" height="{height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{esc(FONT)}" font-size="13">'
    ]
    for i, group in enumerate(groups):
        y = i * (bar_h + gap) + 10
        svg.append(f'<text x="0" y="{y + 16}">{esc(group)}</text>')
        x = label_w
        for status in order:
            n = counts.get((group, status), 0)
            if n:
                zh, en, background, colour = STATUS[status]
                w = n * scale
                svg.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{background}">'
                    f"<title>{esc(group)} · {esc(zh)} {esc(en)}: {n}</title></rect>"
                )
                if w > 22:
                    svg.append(f'<text x="{x + 4:.1f}" y="{y + 16}" fill="{colour}">{n}</text>')
                x += w
        total = sum(counts.get((group, s), 0) for s in order)
        svg.append(f'<text x="{x + 6:.1f}" y="{y + 16}" fill="#666">{total}</text>')
    top = len(groups) * (bar_h + gap) + 24
    for j, status in enumerate(order):
        zh, en, background, _ = STATUS[status]
        x, y = label_w + (j % 3) * 230, top + (j // 3) * 20
        svg.append(f'<rect x="{x}" y="{y - 10}" width="10" height="10" fill="{background}"/>')
        svg.append(f'<text x="{x + 14}" y="{y}">{esc(zh)} <tspan fill="#666" font-size="11">{esc(en)}</tspan></text>')
    svg.append("</svg>")
    return "\n".join(svg)


def _nice_step(span: float, ticks: int) -> float:
    raw = span / max(ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _y_ticks(lo: float, hi: float) -> tuple[float, float, list[float]]:
    if lo == hi:
        pad = abs(lo) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
    step = _nice_step(hi - lo, 4)
    start, end = math.floor(lo / step) * step, math.ceil(hi / step) * step
    digits = max(0, -math.floor(math.log10(step)) + 1)
    ticks, t = [], start
    while t <= end + step / 2:
        ticks.append(round(t, digits))
        t += step
    return start, end, ticks


def series_chart(chart_id: str, title: str, unit: str | None, actuals: list[dict], paths: list[dict]) -> str:
    """A region's whole-region full-year actuals of one indicator (a line per published name) against each plan's
    straight target path: the base value at the plan's base year to the target at its target year (a target without
    a base value is a lone marker). actuals: year, value, label, series. paths: base_year, base_value, target_year,
    target_value, label."""
    width, height = 360, 220
    left, right, top, bottom = 54, 14, 42, 40
    years = (
        [a["year"] for a in actuals]
        + [p["target_year"] for p in paths]
        + [p["base_year"] for p in paths if p.get("base_value") is not None and p.get("base_year") is not None]
    )
    values = (
        [a["value"] for a in actuals]
        + [p["target_value"] for p in paths]
        + [p["base_value"] for p in paths if p.get("base_value") is not None and p.get("base_year") is not None]
    )
    x0, x1 = min(years) - 0.5, max(years) + 0.5  # half a year each side: no point sits on an axis
    if x1 - x0 < 3:
        x0, x1 = x0 - 1, x1 + 1
    y0, y1, yticks = _y_ticks(min(values), max(values))
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(year):
        return left + (year - x0) / (x1 - x0) * plot_w

    def sy(value):
        return top + plot_h - (value - y0) / (y1 - y0) * plot_h

    unit_text = unit or "无单位 no unit"
    svg = [
        f'<svg id="{esc(chart_id)}" class="series" width="{width}" height="{height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{esc(FONT)}" font-size="11">',
        f"<title>{esc(title)} ({esc(unit_text)})</title>",
        f'<text x="4" y="14" font-size="13" font-weight="bold">{esc(title)}</text>',
        f'<text class="axis-title y" x="4" y="27" fill="#555">单位 unit: {esc(unit_text)}</text>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#888"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>',
    ]
    for t in yticks:
        y = sy(t)
        svg.append(f'<line x1="{left - 3}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
        svg.append(f'<text class="tick y" x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{esc(fmt(t))}</text>')
    step = 1 if x1 - x0 <= 9 else (2 if x1 - x0 <= 17 else 5)
    for year in range(math.ceil(x0), math.floor(x1) + 1):
        if (year - math.ceil(x0)) % step:
            continue
        x = sx(year)
        svg.append(f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 3}" stroke="#888"/>')
        svg.append(f'<text class="tick x" x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{year}</text>')
    svg.append(
        f'<text class="axis-title x" x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" '
        f'fill="#555">年份 year</text>'
    )
    for p in paths:
        tx, ty = sx(p["target_year"]), sy(p["target_value"])
        if p.get("base_value") is not None and p.get("base_year") is not None:
            bx, by = sx(p["base_year"]), sy(p["base_value"])
            svg.append(
                f'<line class="target-path" x1="{bx:.1f}" y1="{by:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="5 3">'
                f"<title>{esc(p['label'])}</title></line>"
            )
            svg.append(
                f'<circle class="base" cx="{bx:.1f}" cy="{by:.1f}" r="3" fill="#fff" '
                f'stroke="{TARGET_COLOUR}"><title>{esc(p["base_label"])}</title></circle>'
            )
        svg.append(
            f'<path class="target" d="M{tx:.1f} {ty - 5:.1f} L{tx + 5:.1f} {ty:.1f} L{tx:.1f} {ty + 5:.1f} '
            f'L{tx - 5:.1f} {ty:.1f} Z" fill="{TARGET_COLOUR}"><title>{esc(p["label"])}</title></path>'
        )
    for name in dict.fromkeys(a["series"] for a in actuals):
        points = sorted((a for a in actuals if a["series"] == name), key=lambda a: a["year"])
        if len(points) > 1:
            line = " ".join(f"{sx(a['year']):.1f},{sy(a['value']):.1f}" for a in points)
            svg.append(
                f'<polyline class="actual-line" points="{line}" fill="none" stroke="{ACTUAL_COLOUR}" '
                f'stroke-width="1.5"><title>{esc(name)}</title></polyline>'
            )
    for a in actuals:
        svg.append(
            f'<circle class="actual" cx="{sx(a["year"]):.1f}" cy="{sy(a["value"]):.1f}" r="3" '
            f'fill="{ACTUAL_COLOUR}"><title>{esc(a["label"])}</title></circle>'
        )
    svg.append("</svg>")
    return "\n".join(svg)
