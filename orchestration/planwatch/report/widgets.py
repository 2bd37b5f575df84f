"""The report's HTML pieces: escaped text, values with their units, status badges, sortable tables, the page."""

import html
import re
from dataclasses import dataclass

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif"

# status → (中文, English, background, text colour). "achieved" in the marts covers two different things, told apart
# by the report: met by an actual after the base year (achieved), or already met by the base-year value
# (achieved_base: nothing was done during the plan to meet it).
STATUS = {
    "achieved": ("期内达成", "met by a later actual", "#1a7f37", "#fff"),
    "achieved_base": ("基期已达标", "already met in the base year", "#4c78a8", "#fff"),
    "on_track": ("进展顺利", "on track", "#54a24b", "#fff"),
    "moderate": ("进展一般", "moderate progress", "#eeca3b", "#222"),
    "limited": ("进展有限", "limited progress", "#f58518", "#fff"),
    "deterioration": ("倒退", "deterioration", "#e45756", "#fff"),
    "not_assessable": ("无法评估", "not assessable", "#bab0ac", "#222"),
    "met": ("完成", "met", "#1a7f37", "#fff"),
    "not_met": ("未完成", "not met", "#e45756", "#fff"),
}
PROGRESS_ORDER = ["achieved", "achieved_base", "on_track", "moderate", "limited", "deterioration", "not_assessable"]
VERDICT_ORDER = ["met", "not_met", "not_assessable"]


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def anchor(prefix: str, key: str) -> str:
    """An element id for a data key (region codes are digits, indicator ids snake_case; anything else is folded)."""
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_-]", "_", str(key))


@dataclass(frozen=True)
class Html:
    """Markup that is already escaped, with an optional key for sorting its column."""

    markup: str
    sort: object = None


def fmt(number) -> str:
    """A number as a person writes it: 43000, 98.6, 0.42 (no float noise, no exponent below 10^10)."""
    if number is None:
        return ""
    number = float(number)
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.10g}"


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _contains_unit(raw: str, unit: str) -> bool:
    squeeze = lambda s: s.replace(" ", "").replace("μ", "µ").lower()  # noqa: E731
    return squeeze(unit) in squeeze(raw)


def value_cell(raw, printed_unit, value, canonical_unit, year=None, note=None) -> Html:
    """A published figure: its text as printed with the unit it was printed in (or, when none was printed, the
    indicator's unit it is read in), and — when the number was converted (万件 → 件, 元 → 亿元, 个 → 项) — the value in
    the indicator's canonical unit. A qualitative text (建成, 完成上级下达任务) stands alone."""
    if raw is None or str(raw).strip() == "":
        return Html('<span class="none">—</span>', None)
    raw = str(raw)
    first = _NUMBER.search(raw)
    parts = [f'<span class="raw">{esc(raw)}</span>']
    converted = False
    if first is not None:
        number = float(first.group())
        if printed_unit:
            if not _contains_unit(raw, printed_unit):
                parts.append(f'<span class="unit">{esc(printed_unit)}</span>')
            converted = (
                value is not None
                and canonical_unit is not None
                and (printed_unit != canonical_unit or not _same(number, value))
            )
        elif canonical_unit and value is not None and _same(number, value):
            if not _contains_unit(raw, canonical_unit):
                parts.append(
                    f'<span class="unit assumed" title="未印单位,按指标单位 no unit printed: the '
                    f"indicator's unit\">{esc(canonical_unit)}</span>"
                )
        elif canonical_unit and value is not None:
            converted = True
        if converted:
            parts.append(
                f'<span class="conv" title="换算为指标单位 converted to the indicator\'s unit">'
                f"= {esc(fmt(value))} {esc(canonical_unit)}</span>"
            )
    if year is not None:
        parts.append(f'<span class="year">({esc(year)}年)</span>')
    if note:
        parts.append(f'<span class="note">{esc(note)}</span>')
    return Html(" ".join(parts), value if value is not None else raw)


def measured(value, unit) -> Html:
    """A computed number (in the canonical unit) with its unit."""
    if value is None:
        return Html('<span class="none">—</span>', None)
    return Html(f'{esc(fmt(value))} <span class="unit">{esc(unit or "")}</span>', value)


def badge(status) -> Html:
    zh, en, background, colour = STATUS.get(status, (status or "—", "", "#999", "#fff"))
    order = (
        PROGRESS_ORDER.index(status)
        if status in PROGRESS_ORDER
        else (VERDICT_ORDER.index(status) if status in VERDICT_ORDER else 99)
    )
    return Html(
        f'<span class="badge s-{esc(status)}" style="background:{background};color:{colour}" '
        f'title="{esc(en)}">{esc(zh)} <small style="color:{colour}">{esc(en)}</small></span>',
        order,
    )


def table(
    header: list[str],
    rows: list[list],
    *,
    row_attrs: list[dict] | None = None,
    table_id: str | None = None,
    empty: str = "无 none",
) -> str:
    """A sortable, filterable table (the page's script adds the filter box and header clicks; without it the table
    reads as is). Cells are text (escaped here) or Html."""
    if not rows:
        return f'<p class="empty">{esc(empty)}</p>'
    ident = f' id="{esc(table_id)}"' if table_id else ""
    out = [
        f'<table class="data sortable"{ident}><thead><tr>'
        + "".join(f"<th>{esc(h)}</th>" for h in header)
        + "</tr></thead><tbody>"
    ]
    for i, row in enumerate(rows):
        attrs = "".join(f' {k}="{esc(v)}"' for k, v in (row_attrs[i] if row_attrs else {}).items())
        cells = []
        for cell in row:
            if isinstance(cell, Html):
                key = "" if cell.sort is None else f' data-sort="{esc(cell.sort)}"'
                cells.append(f"<td{key}>{cell.markup}</td>")
            else:
                cells.append(f"<td>{esc(cell)}</td>")
        out.append(f"<tr{attrs}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


# Sorting and filtering, for every table.sortable. Progressive: the page is complete without it.
SCRIPT = r"""
(function () {
  'use strict';
  function key(cell) {
    if (!cell) return {t: ''};
    var s = cell.getAttribute('data-sort');
    if (s === null) s = cell.textContent;
    s = s.trim();
    if (s !== '' && isFinite(s)) return {n: Number(s)};
    return {t: s};
  }
  function compare(a, b) {
    if ('n' in a && 'n' in b) return a.n - b.n;
    if ('n' in a) return -1;
    if ('n' in b) return 1;
    return a.t.localeCompare(b.t, 'zh-CN');
  }
  function setUp(table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      th.tabIndex = 0;
      th.title = '点击排序 click to sort';
      function sort() {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
          return {row: row, key: key(row.cells[column]), i: i};
        });
        rows.sort(function (a, b) { return dir * compare(a.key, b.key) || a.i - b.i; });
        rows.forEach(function (r) { body.appendChild(r.row); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
      });
    });
    var box = document.createElement('input');
    box.type = 'search';
    box.className = 'filter';
    box.placeholder = '筛选 filter rows…';
    box.setAttribute('aria-label', '筛选表格 filter the table');
    var count = document.createElement('span');
    count.className = 'count';
    function filter() {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var text = row.textContent.toLowerCase();
        var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !hit;
        if (hit) shown += 1;
      });
      count.textContent = words.length ? shown + ' / ' + body.rows.length : '';
    }
    box.addEventListener('input', filter);
    var bar = document.createElement('div');
    bar.className = 'tools';
    bar.appendChild(box);
    bar.appendChild(count);
    table.parentNode.insertBefore(bar, table);
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), setUp);
  document.documentElement.setAttribute('data-tables', 'ready');
})();
"""

STYLE = f"""
body {{ font-family: {FONT}; margin: 2em; color: #222; max-width: 1200px; }}
h1 small, h2 small, h3 small {{ color: #666; font-weight: normal; font-size: 0.7em; }}
.meta, .muted {{ color: #666; }}
nav a {{ margin-right: 1em; }}
table {{ border-collapse: collapse; margin: 0.3em 0 1.5em; font-size: 13px; }}
th, td {{ border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f4f4f4; }}
table.sortable th {{ cursor: pointer; user-select: none; }}
th[aria-sort=ascending]::after {{ content: " ▲"; }}
th[aria-sort=descending]::after {{ content: " ▼"; }}
.tools {{ margin-top: 0.5em; font-size: 13px; }}
.tools .count {{ color: #666; margin-left: 0.5em; }}
input.filter {{ font: inherit; padding: 2px 6px; width: 18em; }}
.badge {{ border-radius: 3px; padding: 1px 6px; white-space: nowrap; }}
.badge small {{ font-size: 0.8em; opacity: 0.9; }}
.unit {{ color: #555; }}
.unit.assumed {{ color: #777; font-style: italic; }}
.conv {{ color: #0b5394; white-space: nowrap; }}
.year, .note, .none {{ color: #888; font-size: 0.9em; }}
.reason {{ color: #444; font-size: 12px; }}
.warn {{ background: #fff4e5; border-left: 4px solid #f58518; padding: 0.4em 0.8em; margin: 0.4em 0; }}
.bad {{ background: #fdecea; border-left: 4px solid #e45756; padding: 0.4em 0.8em; margin: 0.4em 0; }}
.ok {{ background: #edf7ee; border-left: 4px solid #1a7f37; padding: 0.4em 0.8em; margin: 0.4em 0; }}
section.region, section.indicator {{ border-top: 2px solid #eee; margin-top: 2em; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 8px; }}
.legend span {{ margin-right: 1.2em; }}
.swatch {{ display: inline-block; width: 10px; height: 10px; margin-right: 4px; }}
"""


def page(body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>planwatch 质量发展规划监测报告</title>
<style>{STYLE}</style></head>
<body>
{body}
<script>{SCRIPT}</script>
</body></html>
"""
