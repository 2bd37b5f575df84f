"""A report people can look at: one self-contained HTML file (inline SVG charts, no scripts, no downloads) built
from the published warehouse after each refresh — per region, where progress stands, the 十三五 completion table
with computed vs reported status, and targets beside their 2020 value and latest actual."""

import html
from pathlib import Path

import duckdb

STATUS_COLOURS = {
    "achieved": "#1a7f37", "on_track": "#54a24b", "moderate": "#eeca3b", "limited": "#f58518",
    "deterioration": "#e45756", "not_assessable": "#bab0ac",
    "met": "#1a7f37", "not_met": "#e45756",
}
STATUS_ZH = {"achieved": "已达成", "on_track": "进展顺利", "moderate": "进展一般", "limited": "进展有限",
             "deterioration": "倒退", "not_assessable": "无法评估", "met": "完成", "not_met": "未完成"}
FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif"


# Beyond this many regions the page would run to hundreds of thousands of table rows: the charts are drawn per
# province and the per-region tables are left to the analytics views (a national refresh has ~3,200 regions).
DETAIL_LIMIT = 60


def render_report(published: Path, out: Path) -> Path:
    with duckdb.connect(str(published), read_only=True) as conn:
        info = conn.execute("SELECT version, run_id, built_at FROM meta.build_info").fetchone()
        regions = conn.execute("SELECT DISTINCT region_code, region_name FROM marts.fct_target_progress "
                               "ORDER BY 1").fetchall()
        detailed = len(regions) <= DETAIL_LIMIT
        group = "t.region_name" if detailed else "r.province_name"
        progress = conn.execute(f"SELECT {group}, t.status, count(*) FROM marts.fct_target_progress t "
                                f"JOIN marts.dim_region r USING (region_code) GROUP BY ALL ORDER BY 1, 2").fetchall()
        verdicts = conn.execute(f"SELECT {group}, t.verdict, count(*) FROM marts.fct_13th_completion t "
                                f"JOIN marts.dim_region r USING (region_code) GROUP BY ALL ORDER BY 1, 2").fetchall()
        sections = [_region_section(conn, code, name) for code, name in regions] if detailed else [
            f"<p>{len(regions)} regions: charts by province; per-region tables are in analytics.target_progress and "
            f"analytics.completion_13th.</p>"]
    by = "" if detailed else " — by province"
    body = [
        f"<h1>planwatch 质量发展规划监测报告 <small>Quality plan monitoring report</small></h1>",
        f"<p class=meta>版本 version {html.escape(info[0])} · run {html.escape(info[1])} · built {info[2]}</p>",
        f"<h2>十四五目标进展 <small>Progress toward 十四五 targets (Open SDG measure){by}</small></h2>",
        _stacked_bars(progress, ["achieved", "on_track", "moderate", "limited", "deterioration", "not_assessable"],
                      "progress-chart"),
        f"<h2>十三五完成情况 <small>十三五 targets: computed verdicts{by}</small></h2>",
        _stacked_bars(verdicts, ["met", "not_met", "not_assessable"], "completion-chart"),
        *sections,
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_page("\n".join(body)), encoding="utf-8")
    return out


def _region_section(conn, code: str, region: str) -> str:
    targets = conn.execute(
        "SELECT indicator, base_raw_value, latest_year, latest_raw_value, target_raw_value, status "
        "FROM marts.fct_target_progress WHERE region_code = ? ORDER BY target_id", [code]).fetchall()
    completion = conn.execute(
        "SELECT indicator, target_raw_value, actual_raw_value, verdict, reported_status, disagrees "
        "FROM marts.fct_13th_completion WHERE region_code = ? ORDER BY document_id, table_id, row_no", [code]).fetchall()
    parts = [f"<h2>{html.escape(region)}</h2>",
             "<h3>十四五目标 · 2020年值 · 最新实际 <small>targets beside the 2020 value and latest actual</small></h3>",
             _table(["指标 indicator", "2020", "最新 latest", "目标 target", "状态 status"],
                    [[t[0], t[1], f"{t[3]} ({t[2]})" if t[2] else "", t[4], _badge(t[5])] for t in targets])]
    if completion:
        parts += ["<h3>十三五完成情况 <small>computed vs reported</small></h3>",
                  _table(["指标 indicator", "目标 target", "实际 actual", "计算 computed", "报告 reported", ""],
                         [[c[0], c[1], c[2], _badge(c[3]), c[4] or "", "⚠ 不一致" if c[5] else ""]
                          for c in completion])]
    return "<section>" + "\n".join(parts) + "</section>"


def _stacked_bars(rows, order: list[str], chart_id: str) -> str:
    """One horizontal bar per region, split by status; drawn as SVG so the file needs nothing else."""
    regions = sorted({r[0] for r in rows})
    counts = {(r[0], r[1]): r[2] for r in rows}
    width, label_w, bar_h, gap = 760, 90, 22, 10
    total_max = max((sum(counts.get((g, s), 0) for s in order) for g in regions), default=1) or 1
    scale = (width - label_w - 60) / total_max
    height = len(regions) * (bar_h + gap) + 40
    svg = [f'<svg id="{chart_id}" class="chart" width="{width}" height="{height}" role="img" '
           f'xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" font-size="13">']
    for i, region in enumerate(regions):
        y = i * (bar_h + gap) + 10
        svg.append(f'<text x="0" y="{y + 16}">{html.escape(region)}</text>')
        x = label_w
        for status in order:
            n = counts.get((region, status), 0)
            if n:
                w = n * scale
                svg.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                           f'fill="{STATUS_COLOURS[status]}"><title>{STATUS_ZH[status]} {status}: {n}</title></rect>')
                if w > 18:
                    svg.append(f'<text x="{x + 4:.1f}" y="{y + 16}" fill="#fff">{n}</text>')
                x += w
    legend_y = height - 12
    x = label_w
    for status in order:
        svg.append(f'<rect x="{x}" y="{legend_y - 10}" width="10" height="10" fill="{STATUS_COLOURS[status]}"/>')
        svg.append(f'<text x="{x + 14}" y="{legend_y}">{STATUS_ZH[status]}</text>')
        x += 100
    svg.append("</svg>")
    return "\n".join(svg)


def _badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#999")
    return (f'<span class="badge" style="background:{colour}">{STATUS_ZH.get(status, status)}</span>', True)


def _table(header: list[str], rows: list[list]) -> str:
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"]
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, tuple):  # already HTML
                cells.append(f"<td>{cell[0]}</td>")
            else:
                cells.append(f"<td>{html.escape('' if cell is None else str(cell))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _page(body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>planwatch 质量发展规划监测报告</title>
<style>
body {{ font-family: {FONT}; margin: 2em; color: #222; max-width: 1100px; }}
small {{ color: #666; font-weight: normal; font-size: 0.7em; }}
.meta {{ color: #666; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }}
th, td {{ border: 1px solid #ddd; padding: 3px 8px; text-align: left; }}
th {{ background: #f4f4f4; }}
.badge {{ color: #fff; border-radius: 3px; padding: 1px 6px; white-space: nowrap; }}
section {{ border-top: 2px solid #eee; margin-top: 2em; }}
</style></head>
<body>
{body}
</body></html>
"""
