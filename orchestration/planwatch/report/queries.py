"""What the report reads from the published warehouse (read-only), as lists of dicts."""

import re

# fct_target_progress says `achieved` both when an actual after the base year met the target and when the base-year
# value already did (then no later actual was needed, or the latest is the base year's own): the report tells them
# apart.
STATUS_SQL = (
    "CASE WHEN t.status = 'achieved' AND (t.latest_year IS NULL OR "
    "t.latest_year <= coalesce(t.base_year, t.plan_base_year)) THEN 'achieved_base' ELSE t.status END"
)


def rows(conn, sql: str, params=()) -> list[dict]:
    cursor = conn.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def relations(conn) -> set[str]:
    return {
        f"{s}.{t}" for s, t in conn.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    }


def build_info(conn) -> dict:
    return rows(conn, "SELECT * FROM meta.build_info")[0]


def rejected_inputs(conn, available: set[str]) -> list[dict] | None:
    if "analytics.rejected_inputs" not in available:
        return None
    return rows(conn, "SELECT * FROM analytics.rejected_inputs ORDER BY source_file, row_no NULLS FIRST, column_name")


def failed_checks(conn) -> list[dict]:
    return rows(
        conn,
        "SELECT asset, check_name, severity, description FROM meta.build_checks WHERE NOT passed "
        "ORDER BY check_name <> 'actuals_fresh', severity, asset, check_name",
    )


def stale_region_codes(checks: list[dict]) -> set[str]:
    """The regions the freshness warnings name: '… lack whole-region actuals for 2025: 洞头区 (330305), …'."""
    return {
        code
        for c in checks
        if c["check_name"] == "actuals_fresh"
        for code in re.findall(r"\((\d{6})\)", c["description"] or "")
    }


def plan_regions(conn) -> list[dict]:
    """Every region that has a plan of any period (dim_plan), with its place and a summary of its targets."""
    return rows(
        conn,
        f"""
        WITH p AS (SELECT region_code, any_value(region_name) AS plan_region_name, count(*) AS plans,
                          string_agg(plan_period, ' ' ORDER BY target_year) AS periods
                   FROM marts.dim_plan GROUP BY region_code),
             t AS (SELECT t.region_code, count(*) AS targets,
                          count(*) FILTER (WHERE {STATUS_SQL} = 'achieved') AS achieved,
                          count(*) FILTER (WHERE {STATUS_SQL} = 'achieved_base') AS achieved_base,
                          count(*) FILTER (WHERE t.status IN ('on_track', 'moderate')) AS progressing,
                          count(*) FILTER (WHERE t.status IN ('limited', 'deterioration')) AS lagging,
                          count(*) FILTER (WHERE t.status = 'not_assessable') AS not_assessable
                   FROM marts.fct_target_progress t GROUP BY 1),
             c AS (SELECT region_code, count(*) FILTER (WHERE verdict = 'met') AS met,
                          count(*) FILTER (WHERE verdict = 'not_met') AS not_met,
                          count(*) FILTER (WHERE disagrees) AS disagreements
                   FROM marts.fct_plan_completion GROUP BY 1)
        SELECT p.region_code, coalesce(r.region_name, p.plan_region_name) AS region_name, r.region_full_name,
               r.admin_level, r.province_name, p.plans, p.periods,
               coalesce(t.targets, 0) AS targets, coalesce(t.achieved, 0) AS achieved,
               coalesce(t.achieved_base, 0) AS achieved_base, coalesce(t.progressing, 0) AS progressing,
               coalesce(t.lagging, 0) AS lagging, coalesce(t.not_assessable, 0) AS not_assessable,
               coalesce(c.met, 0) AS met, coalesce(c.not_met, 0) AS not_met,
               coalesce(c.disagreements, 0) AS disagreements
        FROM p LEFT JOIN marts.dim_region r USING (region_code) LEFT JOIN t USING (region_code)
        LEFT JOIN c USING (region_code)
        ORDER BY r.province_code NULLS LAST, p.region_code""",
    )


def status_counts(conn, detailed: bool) -> tuple[list[str], dict, list[str], dict]:
    """Targets by progress status and by completion verdict, per region and period (per province and period
    beyond the detail limit): (groups, counts) for each."""
    group = "coalesce(r.region_name, t.region_name)" if detailed else "coalesce(r.province_name, '(未知 unknown)')"
    order = "min(t.region_code)" if detailed else "min(r.province_code)"

    def counted(sql: str):
        found = rows(conn, sql)
        groups = list(dict.fromkeys(f["grp"] for f in sorted(found, key=lambda f: (f["o"] or "", f["y"] or 0))))
        return groups, {(f["grp"], f["status"]): f["n"] for f in found}

    progress = counted(f"""
        SELECT {group} || ' ' || t.plan_period AS grp, {STATUS_SQL} AS status, count(*) AS n,
               {order} AS o, min(t.plan_target_year) AS y
        FROM marts.fct_target_progress t LEFT JOIN marts.dim_region r USING (region_code) GROUP BY ALL""")
    verdicts = counted(f"""
        SELECT {group} || ' ' || t.plan_period AS grp, t.verdict AS status, count(*) AS n,
               {order} AS o, min(t.plan_target_year) AS y
        FROM marts.fct_plan_completion t LEFT JOIN marts.dim_region r USING (region_code) GROUP BY ALL""")
    return (*progress, *verdicts)


def plans(conn) -> list[dict]:
    return rows(conn, "SELECT * FROM marts.dim_plan ORDER BY region_code, target_year, plan_id")


# The unit each value was printed in: a target is a value of fct_indicator_value (target_id); the latest actual is
# a plan value or a raw/actuals row (latest_actual_id); the base value carries no id, so its printed unit is looked
# up by region, indicator, year and text among both.
_PRINTED = """(SELECT region_code, indicator_id, year, raw_value, any_value(unit_as_published) AS unit
               FROM (SELECT region_code, indicator_id, year, raw_value, unit_as_published FROM marts.fct_indicator_value
                     UNION ALL
                     SELECT region_code, indicator_id, year, raw_value, unit_as_published FROM marts.fct_actual)
               WHERE indicator_id IS NOT NULL GROUP BY ALL)"""


def targets(conn) -> list[dict]:
    return rows(
        conn,
        f"""
        SELECT t.target_id, t.region_code, t.plan_id, t.plan_period, t.plan_base_year, t.plan_target_year,
               t.indicator_id, t.indicator, t.category, t.canonical_unit, t.accumulation, t.base_source,
               t.base_year, t.base_raw_value, t.base_value, t.latest_year, t.latest_raw_value, t.latest_value,
               t.latest_status, t.target_raw_value, t.target_value, t.target_year, t.expected_on_path, t.method,
               t.status, {STATUS_SQL} AS shown_status, t.status_reason, t.score, t.document_id, t.table_id, t.row_no,
               t.source_line, tv.unit_as_published AS target_unit,
               coalesce(lv.unit_as_published, la.unit_as_published) AS latest_unit, b.unit AS base_unit
        FROM marts.fct_target_progress t
        LEFT JOIN marts.fct_indicator_value tv ON tv.indicator_value_id = t.target_id
        LEFT JOIN marts.fct_indicator_value lv ON lv.indicator_value_id = t.latest_actual_id
        LEFT JOIN marts.fct_actual la ON la.actual_id = t.latest_actual_id
        LEFT JOIN {_PRINTED} b ON b.region_code = t.region_code AND b.indicator_id = t.indicator_id
             AND b.year = t.base_year AND b.raw_value = t.base_raw_value
        ORDER BY t.region_code, t.plan_target_year, t.document_id, t.table_id, t.row_no, t.target_id""",
    )


def completion(conn) -> list[dict]:
    return rows(
        conn,
        """
        SELECT c.target_id, c.region_code, c.plan_id, c.plan_period, c.year, c.indicator, c.indicator_id,
               c.category, c.canonical_unit, c.target_raw_value, c.target_value, c.actual_source,
               c.actual_raw_value, c.actual_value, c.actual_status, c.verdict, c.verdict_reason, c.gap,
               c.reported_status, c.reported_verdict, c.disagrees, c.disagreement_reason, c.document_id,
               c.table_id, c.row_no, tv.unit_as_published AS target_unit,
               coalesce(av.unit_as_published, aa.unit_as_published, a.actual_unit) AS actual_unit
        FROM marts.fct_plan_completion c
        LEFT JOIN (SELECT target_id, any_value(actual_id) AS actual_id, any_value(actual_unit) AS actual_unit
                   FROM marts.fct_target_vs_actual GROUP BY 1) a USING (target_id)
        LEFT JOIN marts.fct_indicator_value tv ON tv.indicator_value_id = c.target_id
        LEFT JOIN marts.fct_indicator_value av ON av.indicator_value_id = a.actual_id
        LEFT JOIN marts.fct_actual aa ON aa.actual_id = a.actual_id
        ORDER BY c.region_code, c.document_id, c.table_id, c.row_no, c.target_id""",
    )


def series(conn) -> list[dict]:
    """Whole-region, full-year actuals with a canonical indicator and a value in its unit."""
    return rows(
        conn,
        """
        SELECT a.indicator_id, a.region_code, coalesce(r.region_name, a.region_name) AS region_name,
               r.province_code, a.year, a.indicator, a.raw_value, a.unit_as_published, a.canonical_value,
               a.canonical_unit, a.status, a.source_title
        FROM marts.fct_actual a LEFT JOIN marts.dim_region r USING (region_code)
        WHERE a.is_whole_region AND a.period = 'year' AND a.indicator_id IS NOT NULL
          AND a.canonical_value IS NOT NULL
        ORDER BY a.indicator_id, r.province_code, a.region_code, a.year, a.indicator""",
    )
