"""`planwatch status`: the published build, its age and checks, and the last refresh that did not publish."""

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from planwatch.alerts import last


def status(published: Path) -> str:
    lines = []
    try:
        with duckdb.connect(str(published), read_only=True) as conn:
            version, run_id, built_at, passed, failed, warned, checks = conn.execute(
                "SELECT version, run_id, built_at, checks_passed, checks_failed, checks_warned, checks "
                "FROM meta.build_info"
            ).fetchone()
            refused = conn.execute("SELECT count(*) FROM analytics.rejected_inputs").fetchone()[0]
        age = datetime.now(UTC) - built_at
        lines.append(f"published: {published} (version {version}, run {run_id})")
        lines.append(f"built: {built_at:%Y-%m-%d %H:%M:%S %Z}, {_age(age.total_seconds())} ago")
        lines.append(f"checks: {passed} passed, {failed} failed, {warned} warned")
        for check in json.loads(checks):
            if not check["passed"]:
                lines.append(
                    f"  {check['severity']} {check['asset']}:{check['check']} {(check.get('description') or '')[:200]}"
                )
        lines.append(f"refused input files now: {refused} (analytics.rejected_inputs)")
    except (duckdb.Error, OSError, TypeError) as error:
        lines.append(f"published: nothing readable at {published} ({str(error).splitlines()[0]})")
    failure = last()
    if failure:
        lines.append(
            f"last failure: {failure['at']} ({failure['source']}, run {failure['run_id']}): {failure['cause']}"
        )
    else:
        lines.append("last failure: none recorded")
    return "\n".join(lines)


def _age(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{int(seconds)} seconds"
