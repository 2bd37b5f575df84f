"""A report people can keep open: one self-contained HTML file (inline SVG charts, inline styles, a little inline
script for sorting and filtering tables; nothing is downloaded) built from the published warehouse after each
refresh. At the top, what went wrong with the inputs (rejected files, stale actuals, failed or warned checks); then
progress and completion by region; a section for every region with plans (any period) — its plans, their targets
beside the base-year value and the latest actual with units, every status with its reason, and the completion
tables (computed vs reported); then, per canonical indicator, each region's actuals against the plans' target
paths."""

from collections import defaultdict
from pathlib import Path

import duckdb

from . import queries
from .charts import ACTUAL_COLOUR, TARGET_COLOUR, series_chart, stacked_bars
from .widgets import (
    PROGRESS_ORDER,
    STATUS,
    VERDICT_ORDER,
    Html,
    anchor,
    badge,
    esc,
    fmt,
    measured,
    page,
    table,
    value_cell,
)

# Beyond this many regions the page would run to hundreds of thousands of table rows: the charts are drawn per
# province, the per-region sections and the per-indicator series are left to the analytics views (a national
# refresh has ~3,200 regions); the overview table of regions stays.
DETAIL_LIMIT = 60

__all__ = ["DETAIL_LIMIT", "render_report"]


def render_report(published: Path, out: Path) -> Path:
    with duckdb.connect(str(published), read_only=True) as conn:
        available = queries.relations(conn)
        info = queries.build_info(conn)
        rejected = queries.rejected_inputs(conn, available)
        checks = queries.failed_checks(conn)
        regions = queries.plan_regions(conn)
        detailed = len(regions) <= DETAIL_LIMIT
        p_groups, p_counts, v_groups, v_counts = queries.status_counts(conn, detailed)
        if detailed:
            plans, targets, completion = queries.plans(conn), queries.targets(conn), queries.completion(conn)
            series = queries.series(conn)
    stale = queries.stale_region_codes(checks)
    by = "" if detailed else " — 按省 by province"
    body = [
        "<h1>planwatch 质量发展规划监测报告 <small>Quality plan monitoring report</small></h1>",
        f'<p class="meta">版本 version {esc(info.get("version"))} · run {esc(info.get("run_id"))} · '
        f"built {esc(info.get('built_at'))} · checks: {esc(info.get('checks_passed'))} passed, "
        f"{esc(info.get('checks_failed'))} failed, {esc(info.get('checks_warned'))} warned</p>",
        '<nav><a href="#data-issues">数据问题 data issues</a><a href="#summary">概览 summary</a>'
        '<a href="#regions">地区 regions</a>'
        + ('<a href="#indicators">指标序列 indicator series</a>' if detailed else "")
        + "</nav>",
        _issues(rejected, checks),
        f'<h2 id="summary">目标进展 <small>Progress toward targets, all plans (Open SDG measure){by}</small></h2>',
        _status_legend(),
        stacked_bars(p_groups, p_counts, PROGRESS_ORDER, "progress-chart"),
        f"<h2>完成情况 <small>Completion: computed verdicts at each plan's target year{by}</small></h2>",
        stacked_bars(v_groups, v_counts, VERDICT_ORDER, "completion-chart"),
        _overview(regions, stale, detailed),
    ]
    if detailed:
        plans_of, targets_of, completion_of = (
            _grouped(plans, "region_code"),
            _grouped(targets, "region_code"),
            _grouped(completion, "region_code"),
        )
        body += [
            _region_section(
                r,
                plans_of[r["region_code"]],
                targets_of[r["region_code"]],
                completion_of[r["region_code"]],
                r["region_code"] in stale,
            )
            for r in regions
        ]
        body.append(_indicator_sections(series, targets, {r["region_code"] for r in regions}))
    else:
        body.append(
            f'<p class="muted">{len(regions)} regions with plans: charts by province, no per-region '
            f"sections or indicator series (more than {DETAIL_LIMIT} regions). Per-region figures are in "
            f"analytics.target_progress and analytics.plan_completion.</p>"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page("\n".join(body)), encoding="utf-8")
    return out


def _grouped(items: list[dict], key: str) -> dict[str, list[dict]]:
    grouped = defaultdict(list)
    for item in items:
        grouped[item[key]].append(item)
    return grouped


def _issues(rejected: list[dict] | None, checks: list[dict]) -> str:
    fresh = [c for c in checks if c["check_name"] == "actuals_fresh"]
    other = [c for c in checks if c["check_name"] != "actuals_fresh"]
    parts = [
        '<section id="data-issues"><h2>数据问题 <small>Data issues: rejected inputs, freshness, checks</small></h2>',
        '<h3 id="rejected-inputs">拒收的输入文件 <small>Rejected inputs (analytics.rejected_inputs): '
        "not in the warehouse until corrected</small></h3>",
    ]
    if rejected is None:
        parts.append('<p class="muted">analytics.rejected_inputs is not in this warehouse.</p>')
    elif rejected:
        parts.append(
            f'<p class="bad">{len(rejected)} 处拒收 rejection(s) in '
            f"{len({r['source_file'] for r in rejected})} file(s).</p>"
        )
        parts.append(
            table(
                ["文件 file", "数据集 dataset", "行 row", "列 column", "原因 message", "首次拒收 first rejected"],
                [
                    [
                        r.get("source_file"),
                        r.get("dataset"),
                        r.get("row_no"),
                        r.get("column_name"),
                        r.get("message"),
                        r.get("first_rejected_at"),
                    ]
                    for r in rejected
                ],
                table_id="rejected-table",
            )
        )
    else:
        parts.append('<p class="ok">无 none: every input file was accepted.</p>')
    parts.append('<h3 id="freshness">数据时效 <small>Freshness of the actuals (check actuals_fresh)</small></h3>')
    parts += [f'<p class="warn freshness-warning">⚠ {esc(c["description"])}</p>' for c in fresh] or [
        '<p class="ok">every plan region has whole-region actuals for the last year due.</p>'
    ]
    parts.append('<h3 id="checks">其他未通过的检查 <small>Other failed or warned checks of the build</small></h3>')
    parts.append(
        table(
            ["资产 asset", "检查 check", "级别 severity", "说明 description"],
            [[c["asset"], c["check_name"], c["severity"], c["description"]] for c in other],
            table_id="checks-table",
            empty="无 none: every other check passed.",
        )
    )
    parts.append("</section>")
    return "\n".join(parts)


def _status_legend() -> str:
    items = []
    for status in PROGRESS_ORDER:
        zh, en, background, _ = STATUS[status]
        items.append(
            f'<span><i class="swatch" style="background:{background}"></i>{esc(zh)} <small>{esc(en)}</small></span>'
        )
    return (
        '<p class="legend">' + "".join(items) + '<br><small class="muted">基期已达标: the base-year value already '
        "met the target (no later actual was needed); 期内达成: an actual after the base year met it.</small></p>"
    )


def _overview(regions: list[dict], stale: set[str], detailed: bool) -> str:
    rows, attrs = [], []
    for r in regions:
        name = (
            Html(f'<a href="#{anchor("region", r["region_code"])}">{esc(r["region_name"])}</a>', r["region_name"])
            if detailed
            else r["region_name"]
        )
        rows.append(
            [
                r["region_code"],
                name,
                r["province_name"],
                r["admin_level"],
                r["periods"],
                r["targets"],
                r["achieved"],
                r["achieved_base"],
                r["progressing"],
                r["lagging"],
                r["not_assessable"],
                r["met"],
                r["not_met"],
                r["disagreements"],
                "⚠ 缺最新实际 stale" if r["region_code"] in stale else "",
            ]
        )
        attrs.append({"data-region": r["region_code"]})
    header = [
        "代码 code",
        "地区 region",
        "省 province",
        "级别 level",
        "规划 plans",
        "目标 targets",
        "期内达成 met later",
        "基期已达标 met at base",
        "进展中 progressing",
        "滞后 lagging",
        "无法评估 not assessable",
        "完成 met",
        "未完成 not met",
        "报告不一致 disagree",
        "时效 freshness",
    ]
    return '<h2 id="regions">地区 <small>Regions with plans (any period)</small></h2>' + table(
        header, rows, row_attrs=attrs, table_id="regions-table"
    )


def _reason(text) -> Html:
    return Html(f'<span class="reason">{esc(text)}</span>' if text else '<span class="none">—</span>', text)


def _plan_name(plan: dict) -> str:
    title = plan.get("plan_title") or f"{plan['region_name']} {plan['plan_period']} 规划"
    return title


def _region_section(region: dict, plans: list[dict], targets: list[dict], completion: list[dict], stale: bool) -> str:
    code = region["region_code"]
    where = " · ".join(
        esc(x)
        for x in (region.get("region_full_name"), code, region.get("admin_level"), region.get("province_name"))
        if x
    )
    parts = [
        f'<section class="region" id="{anchor("region", code)}" data-region="{esc(code)}">',
        f"<h2>{esc(region['region_name'])} <small>{where}</small></h2>",
    ]
    if stale:
        parts.append(
            '<p class="warn">⚠ 缺少最近应有年份的全域实际值 no whole-region actuals for the last year due '
            "(see the freshness warning at the top).</p>"
        )
    targets_of, completion_of = _grouped(targets, "plan_id"), _grouped(completion, "plan_id")
    parts.append("<h3>规划 <small>Plans</small></h3>")
    parts.append(
        table(
            [
                "规划 plan",
                "规划期 period",
                "年份 years",
                "基期 base year",
                "目标年 target year",
                "文件 document",
                "目标数 targets",
            ],
            [
                [
                    _plan_name(p),
                    p["plan_period"],
                    f"{p['period_start']}–{p['period_end']}",
                    p["base_year"],
                    p["target_year"],
                    p["plan_document_id"] or f"(无原文 no document; figures from {p['source_documents']})",
                    len(targets_of[p["plan_id"]]),
                ]
                for p in plans
            ],
        )
    )
    for p in plans:
        pid = p["plan_id"]
        parts.append(
            f'<h3 id="{anchor("plan", pid)}">{esc(_plan_name(p))} <small>{esc(p["plan_period"])} · '
            f"{esc(pid)} · 基期 base {esc(p['base_year'])} → 目标 target {esc(p['target_year'])}</small></h3>"
        )
        parts.append(
            "<h4>目标 · 基期值 · 最新实际 <small>Targets beside the base-year value and the latest actual</small></h4>"
        )
        parts.append(_targets_table(targets_of[pid], pid))
        parts.append(_completion_part(completion_of[pid], p))
    parts.append("</section>")
    return "\n".join(parts)


def _targets_table(targets: list[dict], plan_id: str) -> str:
    rows, attrs = [], []
    for t in targets:
        unit = t["canonical_unit"]
        rows.append(
            [
                t["category"],
                t["indicator"],
                value_cell(t["base_raw_value"], t["base_unit"], t["base_value"], unit, t["base_year"]),
                value_cell(
                    t["latest_raw_value"],
                    t["latest_unit"],
                    t["latest_value"],
                    unit,
                    t["latest_year"],
                    None if t["latest_status"] in (None, "normal") else t["latest_status"],
                ),
                value_cell(t["target_raw_value"], t["target_unit"], t["target_value"], unit, t["target_year"]),
                measured(t["expected_on_path"], unit),
                badge(t["shown_status"]),
                _reason(t["status_reason"]),
                f"{t['document_id']}/{t['table_id']}/{t['row_no']}",
            ]
        )
        attrs.append({"data-target": t["target_id"], "data-status": t["shown_status"]})
    return table(
        [
            "类别 category",
            "指标 indicator",
            "基期值 base",
            "最新实际 latest actual",
            "目标 target",
            "按路径应达 expected on path",
            "状态 status",
            "原因 reason",
            "来源 source",
        ],
        rows,
        row_attrs=attrs,
        table_id=anchor("targets", plan_id),
        empty="无目标 no targets",
    )


def _completion_part(completion: list[dict], plan: dict) -> str:
    head = "<h4>完成情况 <small>Completion at the target year: computed verdict vs the reported status</small></h4>"
    judged = [c for c in completion if c["verdict"] != "not_assessable" or c["reported_status"]]
    if not judged:
        reasons = defaultdict(int)
        for c in completion:
            reasons[c["verdict_reason"]] += 1
        summary = "; ".join(f"{esc(reason)} ({n})" for reason, n in sorted(reasons.items(), key=lambda x: -x[1]))
        return (
            head + f'<p class="muted">尚无完成判定 no completion verdict yet for the {len(completion)} '
            f"target(s): {summary or '—'}</p>"
        )
    rows, attrs = [], []
    for c in completion:
        unit = c["canonical_unit"]
        disagreement = (
            Html(
                f'<span class="badge" style="background:#e45756;color:#fff">⚠ 不一致 disagree</span> '
                f'<span class="reason">{esc(c["disagreement_reason"])}</span>',
                1,
            )
            if c["disagrees"]
            else Html('<span class="none">—</span>', 0)
        )
        rows.append(
            [
                c["indicator"],
                value_cell(c["target_raw_value"], c["target_unit"], c["target_value"], unit),
                value_cell(
                    c["actual_raw_value"],
                    c["actual_unit"],
                    c["actual_value"],
                    unit,
                    c["year"],
                    None if c["actual_status"] in (None, "normal") else c["actual_status"],
                ),
                measured(c["gap"], unit),
                badge(c["verdict"]),
                _reason(c["verdict_reason"]),
                c["reported_status"] or "",
                disagreement,
            ]
        )
        attrs.append({"data-target": c["target_id"], "data-verdict": c["verdict"]})
    return head + table(
        [
            "指标 indicator",
            "目标 target",
            "实际 actual",
            "差距 gap",
            "计算 computed",
            "判定依据 reason",
            "报告 reported",
            "一致性 agreement",
        ],
        rows,
        row_attrs=attrs,
        table_id=anchor("completion", plan["plan_id"]),
    )


def _indicator_sections(series: list[dict], targets: list[dict], plan_regions: set[str]) -> str:
    paths = defaultdict(list)
    for t in targets:
        if t["indicator_id"] and t["target_value"] is not None and t["target_year"] is not None:
            paths[(t["indicator_id"], t["region_code"])].append(t)
    by_indicator = _grouped(series, "indicator_id")
    parts = [
        '<h2 id="indicators">指标序列 <small>Per indicator: whole-region full-year actuals (marts.fct_actual) '
        "against each plan's target path</small></h2>",
        f'<p class="legend"><span><i class="swatch" style="background:{ACTUAL_COLOUR}"></i>实际 actuals '
        f'(a line per published name)</span><span><i class="swatch" style="background:{TARGET_COLOUR}"></i>'
        "目标路径 target path: base value at the plan's base year → target at its target year (◆ target)"
        "</span></p>",
    ]
    if not by_indicator:
        parts.append('<p class="empty">无 none: no whole-region full-year actual has a canonical indicator.</p>')
    for indicator_id, points in by_indicator.items():
        unit = points[0]["canonical_unit"]
        names = defaultdict(int)
        for p in points:
            names[p["indicator"]] += 1
        name = max(names, key=lambda n: (names[n], n))
        by_region = _grouped(points, "region_code")
        order = sorted(
            by_region, key=lambda code: (code not in plan_regions, by_region[code][0]["province_code"] or "", code)
        )
        charts = []
        for code in order:
            region_points = by_region[code]
            actuals = [
                {
                    "year": p["year"],
                    "value": p["canonical_value"],
                    "series": p["indicator"],
                    "label": f"{p['year']}: {p['raw_value']} {p['unit_as_published'] or ''}"
                    + (f" (= {fmt(p['canonical_value'])} {unit})" if (p["unit_as_published"] or unit) != unit else "")
                    + f" · {p['indicator']}"
                    + (f" · {p['status']}" if p["status"] != "normal" else "")
                    + (f" · {p['source_title']}" if p["source_title"] else ""),
                }
                for p in region_points
            ]
            target_paths = []
            for t in paths.get((indicator_id, code), []):
                base_year = t["base_year"] or t["plan_base_year"]
                plan = f"{t['plan_id']} ({t['plan_period']})"
                target_paths.append(
                    {
                        "base_year": base_year,
                        "base_value": t["base_value"],
                        "target_year": t["target_year"],
                        "target_value": t["target_value"],
                        "label": f"目标 target {t['target_year']}: {t['target_raw_value']} (= {fmt(t['target_value'])} "
                        f"{unit or ''}) · {t['indicator']} · {plan}",
                        "base_label": f"基期 base {base_year}: {t['base_raw_value']} (= {fmt(t['base_value'])} "
                        f"{unit or ''}) · {plan}",
                    }
                )
            charts.append(
                series_chart(
                    anchor("series", f"{indicator_id}-{code}"),
                    region_points[0]["region_name"],
                    unit,
                    actuals,
                    target_paths,
                )
            )
        parts.append(
            f'<section class="indicator" id="{anchor("indicator", indicator_id)}" '
            f'data-indicator="{esc(indicator_id)}"><h3>{esc(name)} <small>{esc(indicator_id)} · 单位 unit '
            f"{esc(unit or '—')} · {len(points)} actual(s) in {len(by_region)} region(s)</small></h3>"
            f'<div class="charts">' + "\n".join(charts) + "</div></section>"
        )
    return "\n".join(parts)
