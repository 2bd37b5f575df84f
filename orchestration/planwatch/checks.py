"""Great Expectations suites (expectations/*.json) as Dagster asset checks, one per suite, next to the asset they
guard. A suite is blocking unless its file says "severity": "warn": a failing blocking check on a staged table
stops the marts from being built."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from planwatch.gx_validation import Suite, load_suites, validate
from planwatch.settings import EXPECTATIONS_DIR


def gx_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(suite.asset),
        name=f"gx_{suite.name}",
        blocking=suite.severity == "error",
        description=f"Great Expectations suite {suite.path.name}: {suite.description}",
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as conn:
            frame = conn.execute(suite.select_sql).df()
        outcome = validate(frame, suite)
        return dg.AssetCheckResult(
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR if suite.severity == "error" else dg.AssetCheckSeverity.WARN,
            description="; ".join(f.describe() for f in outcome.failures) or f"{outcome.evaluated} expectations met",
            metadata={
                "suite": suite.path.name,
                "rows_validated": len(frame),
                "expectations": outcome.evaluated,
                "failures": dg.MetadataValue.json([
                    {"expectation": f.expectation, "column": f.column, "unexpected_count": f.unexpected_count,
                     "failing_rows": f.failing_rows, "notes": f.notes} for f in outcome.failures
                ]),
            },
        )

    return _check


gx_checks = [gx_check(suite) for suite in load_suites(EXPECTATIONS_DIR)]
