"""Is a warehouse file sound? Open it read-only and run every Great Expectations suite against the tables in it.

The same suites guard each refresh before it publishes; running them again on the published file (or on a kept
version) answers "did anything reach analysts that should not have" after a crash, a rollback or a copy.
"""

from pathlib import Path

import duckdb

from planwatch.gx_validation import Outcome, load_suites, validate
from planwatch.settings import EXPECTATIONS_DIR


def verify(path: Path) -> list[tuple[str, str, Outcome]]:
    """(table, severity, outcome) for every suite; raises duckdb.Error if the file cannot be opened or read."""
    results = []
    with duckdb.connect(str(path), read_only=True) as conn:
        conn.execute("SELECT * FROM meta.build_info").fetchone()  # a published file says what built it
        for suite in load_suites(EXPECTATIONS_DIR):
            frame = conn.execute(suite.select_sql).df()
            results.append((suite.table, suite.severity, validate(frame, suite)))
    return results


def blocking_failures(results: list[tuple[str, str, Outcome]]) -> list[str]:
    return [f"{table}: {'; '.join(f.describe() for f in outcome.failures)}"
            for table, severity, outcome in results if severity == "error" and not outcome.passed]
