"""Great Expectations suites (expectations/*.json) as Dagster asset checks, one per suite, next to the asset they
guard. A suite is blocking unless its file says "severity": "warn": a failing blocking check on a staged table
stops the marts from being built.

On an incremental refresh (planwatch.changes: only new actuals files since the published version, same code) a
suite validates the rows of the regions that changed, and the whole table is checked by cheap aggregates in SQL
(its key unique, not empty); anything else validates every row."""

import dataclasses
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from planwatch import settings
from planwatch.changes import Scope, change_scope
from planwatch.gx_validation import Outcome, Suite, load_suites, validate


def rows_to_validate(conn, suite: Suite, scope: Scope) -> tuple[str, list]:
    """The suite's SELECT, narrowed to the changed regions when the refresh is incremental."""
    if scope.full:
        return suite.select_sql, []
    columns = {c[0] for c in conn.execute(f"SELECT * FROM {suite.table} LIMIT 0").description}
    if "region_code" in columns:
        return f"{suite.select_sql} WHERE region_code IN (SELECT unnest(?))", [list(scope.regions)]
    if "document_id" in columns:
        return (
            f"{suite.select_sql} WHERE document_id IN (SELECT document_id FROM raw.plan_documents "
            f"WHERE region_code IN (SELECT unnest(?)))"
        ), [list(scope.regions)]
    return suite.select_sql, []


def whole_table_problems(conn, suite: Suite) -> list[str]:
    keys = ", ".join(f'"{c}"' for c in suite.key_columns)
    rows = conn.execute(f"SELECT count(*) FROM {suite.table}").fetchone()[0]
    duplicated = conn.execute(
        f"SELECT count(*) FROM (SELECT {keys} FROM {suite.table} GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    return [
        problem
        for problem in (
            f"{suite.table} is empty" if rows == 0 else None,
            f"{duplicated} key(s) ({keys}) repeated across {suite.table}" if duplicated else None,
        )
        if problem
    ]


def gx_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(suite.asset),
        name=f"gx_{suite.name}",
        # Every suite blocks: a "warn" suite only makes what is downstream (and the publish, which records every
        # check of the run) wait for it; its WARN result never stops anything.
        blocking=True,
        description=f"Great Expectations suite {suite.path.name}: {suite.description}",
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as conn:
            scope = change_scope(conn, settings.warehouse_path())
            sql, parameters = rows_to_validate(conn, suite, scope)
            frame = conn.execute(sql, parameters).df()
            aggregates = [] if scope.full else whole_table_problems(conn, suite)
        # Table-level expectations (row counts) speak of the whole table, which the aggregates cover on an
        # incremental refresh; the slice is validated row by row, and not at all when nothing changed.
        checked = (
            suite
            if scope.full
            else dataclasses.replace(
                suite, expectations=[e for e in suite.expectations if not e["type"].startswith("expect_table_")]
            )
        )
        outcome = validate(frame, checked) if scope.full or len(frame) else Outcome(suite.name, True, 0, [])
        failures = [f.describe() for f in outcome.failures] + aggregates
        return dg.AssetCheckResult(
            passed=outcome.passed and not aggregates,
            severity=dg.AssetCheckSeverity.ERROR if suite.severity == "error" else dg.AssetCheckSeverity.WARN,
            description="; ".join(failures) or _met(outcome, scope, suite, len(frame)),
            metadata={
                "suite": suite.path.name,
                "scope": scope.describe(),
                "rows_validated": len(frame),
                "expectations": outcome.evaluated,
                "failures": dg.MetadataValue.json(
                    [
                        {
                            "expectation": f.expectation,
                            "column": f.column,
                            "unexpected_count": f.unexpected_count,
                            "failing_rows": f.failing_rows,
                            "notes": f.notes,
                        }
                        for f in outcome.failures
                    ]
                    + [{"expectation": "whole-table aggregate", "notes": a} for a in aggregates]
                ),
            },
        )

    return _check


def gx_checks(directory: Path) -> list[dg.AssetChecksDefinition]:
    """One asset check per suite file in `directory`."""
    return [gx_check(suite) for suite in load_suites(directory)]


def _met(outcome: Outcome, scope: Scope, suite: Suite, rows: int) -> str:
    """What a passing check did: an incremental refresh may leave no row of the table in scope, which is said,
    not shown as "0 expectations met"."""
    if not scope.full and rows == 0:
        return (
            f"nothing in scope for the row checks: this refresh ({scope.describe()}) changed no row of "
            f"{suite.table}; its whole-table checks (not empty, key unique) passed"
        )
    where = "" if scope.full else f" on the {rows} row(s) of {scope.describe()}"
    return f"{outcome.evaluated} expectations met{where}"
