"""When is a region's actual figure for a year overdue? Yearly figures (statistical bulletins, environment
bulletins) are published in the first months of the next year, so by `PUBLICATION_LAG_MONTHS` after a year ends its
figures are due. The check warns — a late bulletin is news for an analyst, not a reason to stop a refresh."""

from datetime import date

import dagster as dg
from dagster_duckdb import DuckDBResource

from planwatch import vocabulary

PUBLICATION_LAG_MONTHS = 6  # bulletins for year Y are out by the end of June of Y + 1


def latest_due_year(today: date) -> int:
    return today.year - 1 if today.month > PUBLICATION_LAG_MONTHS else today.year - 2


@dg.asset_check(
    asset=dg.AssetKey(["raw", "actuals"]),
    name="actuals_fresh",
    # Blocking only orders it before the publish (planwatch.publish records every check of a run); a WARN result
    # never stops anything.
    blocking=True,
    description="Warns when a plan region's whole-region actuals for a year that is due (the last full year, "
    f"{PUBLICATION_LAG_MONTHS} months after it ended) have not arrived in raw/actuals.",
)
def actuals_fresh(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        late, due = overdue(conn, date.today())
    return dg.AssetCheckResult(
        passed=not late,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{len(late)} plan region(s) lack whole-region actuals for {due}: {', '.join(late)}"
            if late
            else f"every plan region has actuals for {due}"
        ),
        metadata={"due_year": due, "overdue": dg.MetadataValue.json(late)},
    )


def overdue(conn, today: date) -> tuple[dict[str, dict], int]:
    """The plan regions whose whole-region actuals for the last year that is due have not arrived, and that year.
    Reads raw.plan_documents and raw.actuals of any warehouse file (the working one, or the published one)."""
    due = latest_due_year(today)
    rows = conn.execute(
        """
        SELECT d.region_code, d.region_name, max(a.year) AS latest_year
        FROM raw.plan_documents d
        LEFT JOIN raw.actuals a
            ON a.region_code = d.region_code AND coalesce(a.scope, '全域') IN (SELECT unnest($whole))
            AND coalesce(a.period, 'year') = 'year'
        WHERE d.period_end >= $due
        GROUP BY ALL ORDER BY 1
        """,
        {"due": due, "whole": list(vocabulary.codes("actual_scope", "whole_region"))},
    ).fetchall()
    late = {
        f"{name} ({code})": {"latest_year": latest, "due_year": due, "overdue_years": due - latest if latest else None}
        for code, name, latest in rows
        if latest is None or latest < due
    }
    return late, due
