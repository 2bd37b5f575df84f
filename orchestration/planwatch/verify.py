"""Is a warehouse file sound? Three questions, in order:
1. are its bytes the ones that were published (the sha256 recorded beside its version, where there is one)?
2. can every column of every table be read back (DuckDB checks each block's checksum as it reads)?
3. does every Great Expectations suite pass on every row?

The same suites guard each refresh before it publishes; asking again of the published file (or of a kept version)
answers "did anything reach analysts that should not have" after a crash, a rollback or a copy. `planwatch
rollback` asks all three of a version before it publishes it again.
"""

from pathlib import Path

import duckdb

from planwatch import settings
from planwatch.gx_validation import Failure, Outcome, load_suites, validate
from planwatch.integrity import file_problems

INTEGRITY = "integrity"


def verify(path: Path, versions: Path | None = None) -> list[tuple[str, str, Outcome]]:
    """(table, severity, outcome) for the file's integrity and every suite. A file that fails its integrity check is
    not validated further: its rows cannot be trusted to be what they say."""
    problems = file_problems(path, versions if versions is not None else settings.versions_dir())
    integrity = Outcome(INTEGRITY, not problems, 1, [Failure(INTEGRITY, None, None, notes=p) for p in problems])
    results = [(str(path), "error", integrity)]
    if problems:
        return results
    with duckdb.connect(str(path), read_only=True) as conn:
        for suite in load_suites(settings.expectations_dir()):
            frame = conn.execute(suite.select_sql).df()
            results.append((suite.table, suite.severity, validate(frame, suite)))
    return results


def blocking_failures(results: list[tuple[str, str, Outcome]]) -> list[str]:
    return [
        "; ".join(f.notes for f in outcome.failures)
        if outcome.suite == INTEGRITY
        else f"{table}: {'; '.join(f.describe() for f in outcome.failures)}"
        for table, severity, outcome in results
        if severity == "error" and not outcome.passed
    ]


def problems(path: Path) -> list[str]:
    """Everything blocking that is wrong with a file (for rollback): empty when it is sound."""
    return blocking_failures(verify(path))
