"""`planwatch refresh`: the refresh job run in-process (no daemon, no UI), and what it tells a person.

The outcome is the first line of the summary and the exit code, one of:
- `published` (0);
- `published, N files refused` (3: the refused files are listed; what they loaded before stays);
- `nothing changed` (0, or 3 while refused files still wait): the inputs and the code are the ones the published
  build was made from (planwatch.fingerprint), so nothing is rebuilt or published; the date-dependent check
  (freshness) still runs on the published file;
- `not published` (1: a check failed, an error, the removal guard refused), with its cause.
Another refresh running is 75 (planwatch.cli), bad usage 2 (argparse).

Quiet by default: dbt's and Dagster's logs go to warehouse/logs/refresh-<time>.log and one line per step is
printed; `--verbose` prints everything.
"""

import contextlib
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

PUBLISHED, REFUSED_FILES, NOT_PUBLISHED = 0, 3, 1


@dataclass
class Outcome:
    published: bool
    refused: list[str] = field(default_factory=list)
    cause: str | None = None

    @property
    def headline(self) -> str:
        if not self.published:
            return f"not published: {self.cause}"
        return f"published, {len(self.refused)} file(s) refused" if self.refused else "published"

    @property
    def exit_code(self) -> int:
        if not self.published:
            return NOT_PUBLISHED
        return REFUSED_FILES if self.refused else PUBLISHED


def refresh(allow_removals: bool = False, verbose: bool = False, force: bool = False) -> int:
    from planwatch import lake, settings

    started = time.monotonic()
    try:
        lake.configured()  # a shared target without its settings is refused now, not after the whole build
    except lake.LakeNotConfigured as error:
        print(f"planwatch refresh: {error}", file=sys.stderr)
        return NOT_PUBLISHED
    if not force:
        unchanged = nothing_changed(settings.warehouse_path())
        if unchanged is not None:
            print(unchanged)
            return REFUSED_FILES if "refused" in unchanged.splitlines()[0] else PUBLISHED
    log_path = settings.warehouse_path().parent / "logs" / f"refresh-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log, _quiet(log, verbose):
        result = _run(allow_removals, verbose)
    checks = result.get_asset_check_evaluations()
    outcome = judge(settings.warehouse_path(), checks, result)
    print(summary(settings.warehouse_path(), checks, result, outcome, time.monotonic() - started, log_path))
    _say_lake()
    if not outcome.published:
        from planwatch.alerts import record

        record(result.run_id, outcome.cause, "planwatch refresh")
    return outcome.exit_code


def _run(allow_removals: bool, verbose: bool):
    import dagster as dg

    from planwatch import progress_log, settings
    from planwatch.definitions import build_definitions
    from planwatch.guard import ALLOW_TAG

    progress_log.say(f"planwatch: refreshing {settings.warehouse_path()} from {settings.raw_dir()} ...")
    defs = build_definitions()  # built now: the paths are the environment's as it is now
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    return defs.resolve_job_def("refresh").execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={ALLOW_TAG: "true"} if allow_removals else None,
        # Step-level events at INFO; the DEBUG stream of every output and check is in the Dagster UI (make dev).
        run_config={
            "loggers": {"console": {"config": {"log_level": "INFO"}}, "progress": {"config": {"enabled": not verbose}}}
        },
    )


@contextlib.contextmanager
def _quiet(log, verbose: bool):
    """Everything dbt and Dagster print goes to the log file, unless verbose; progress lines to the terminal."""
    from planwatch import progress_log

    if verbose:
        yield
        return
    terminal = sys.stdout
    handler = logging.StreamHandler(log)
    root = logging.getLogger()
    root.addHandler(handler)
    progress_log.stream = terminal
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            yield
    finally:
        progress_log.stream = None
        root.removeHandler(handler)


def nothing_changed(published: Path) -> str | None:
    """The summary of a refresh with nothing to do, or None when there is something to do."""
    from planwatch.fingerprint import input_fingerprint
    from planwatch.freshness import overdue
    from planwatch.publish import build_info

    try:
        info = build_info(published)
    except (duckdb.Error, OSError, TypeError):
        return None
    if not info.get("input_fingerprint") or info["input_fingerprint"] != input_fingerprint():
        return None
    if not _lake_has(info["version"]):
        return None  # the shared store missed the last publish (it failed there): publish again
    with duckdb.connect(str(published), read_only=True) as conn:
        late, due = overdue(conn, date.today())
        refused = [
            f"{r[0]}: {r[1]}"
            for r in conn.execute("SELECT source_file, message FROM analytics.rejected_inputs ORDER BY 1").fetchall()
        ]
    head = "nothing changed" + (f", {len(refused)} file(s) refused" if refused else "")
    lines = [
        head,
        f"the inputs and the code are those of the published build (version {info['version']}, built "
        f"{info['built_at']}): nothing was rebuilt or published",
    ]
    if late:
        lines.append(
            f"  WARNING actuals_fresh {len(late)} plan region(s) lack whole-region actuals for {due}: {', '.join(late)}"
        )
    lines += [f"  refused (still): {r}" for r in refused]
    return "\n".join(lines)


def _say_lake() -> None:
    from planwatch import lake

    shared = lake.configured()
    if shared is not None:
        try:
            print(f"shared store: {lake.describe(shared)}")
        except duckdb.Error as error:
            print(f"shared store: cannot be read ({str(error).splitlines()[0]})")


def _lake_has(version: str) -> bool:
    from planwatch import lake

    shared = lake.configured()
    if shared is None:
        return True
    try:
        return lake.published_version(shared) == version
    except duckdb.Error:
        return False


def judge(warehouse: Path, checks, result) -> Outcome:
    from planwatch.publish import build_info

    try:
        published = build_info(warehouse)["run_id"] == result.run_id
    except (duckdb.Error, OSError, TypeError):
        published = False
    refused = [
        message
        for c in checks
        if c.check_name == "raw_files_accepted" and not c.passed
        for message in c.metadata["rejected"].value
    ]
    return Outcome(published, refused, None if published else not_published_cause(checks, result))


def summary(warehouse: Path, checks, result, outcome: Outcome, seconds: float, log_path: Path | None = None) -> str:
    lines = [outcome.headline, "", "planwatch refresh summary", "=" * 25]
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            tables = conn.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() "
                "WHERE schema_name IN ('marts', 'meta') AND NOT starts_with(table_name, '_') ORDER BY 1, 2"
            ).fetchall()
            lines.append("tables (rows):")
            for schema, name in tables:
                count = conn.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()[0]
                lines.append(f"  {schema}.{name:<28} {count:>6}")
    else:
        lines.append(f"no published warehouse at {warehouse} yet")
    passed = [c for c in checks if c.passed]
    failed = [c for c in checks if not c.passed and c.severity.value == "ERROR"]
    warned = [c for c in checks if not c.passed and c.severity.value != "ERROR"]
    lines.append(
        f"checks: {len(passed)} passed, {len(failed)} failed, {len(warned)} warned "
        f"({sum('gx_' in c.check_name for c in checks)} Great Expectations suites, "
        f"{sum('gx_' not in c.check_name for c in checks)} dbt tests and file checks)"
    )
    for label, group in (("FAILED", failed), ("WARNING", warned)):
        for check in group:
            lines.append(
                f"  {label} {check.asset_key.to_user_string()}:{check.check_name} {(check.description or '')[:300]}"
            )
    for event in result.all_events:
        if event.is_step_failure:
            lines.append(f"  step failed: {event.step_key}: {event.event_specific_data.error.message.strip()[:300]}")
        if event.is_step_skipped:
            lines.append(f"  step skipped (blocked upstream): {event.step_key}")
    if outcome.refused:
        lines.append(
            "refused input files (a file is refused whole, its good rows too; what it loaded before is "
            "kept; copies are in warehouse/quarantine):"
        )
        lines.extend(f"  {message}" for message in outcome.refused)
    for key, label in (
        ("changing", "files that changed while they were read (not loaded now; read again next time):"),
        ("ignored", "side files and files of no input format, ignored:"),
    ):
        found = [
            m
            for c in checks
            if c.check_name == "raw_files_accepted" and key in c.metadata
            for m in c.metadata[key].value
        ]
        if found:
            lines.append(label)
            lines.extend(f"  {message}" for message in found)
    lines.append(f"run: {'succeeded' if result.success else 'FAILED'} in {seconds:.1f}s (run id {result.run_id})")
    lines.extend(_published_lines(warehouse, result.run_id))
    if log_path is not None:
        lines.append(f"log: {log_path}")
    if not outcome.published:
        lines.append(f"not published: {outcome.cause}; the published warehouse was left as it was")
    return "\n".join(lines)


def _published_lines(warehouse: Path, run_id: str) -> list[str]:
    from planwatch import settings
    from planwatch.publish import build_info

    lines = []
    try:
        info = build_info(warehouse)
        state = "published" if info["run_id"] == run_id else "still published (from an earlier run)"
        lines.append(
            f"{state}: {warehouse} (version {info['version']}, run {info['run_id']}; "
            f"{info['checks_passed']} checks passed, {info['checks_failed']} failed, "
            f"{info['checks_warned']} warned)"
        )
    except (duckdb.Error, TypeError, OSError):
        lines.append(f"published: nothing yet at {warehouse}")
    if settings.report_path().exists():
        lines.append(f"report: {settings.report_path()}")
    return lines


def not_published_cause(checks, result) -> str:
    """Why a run did not publish, in a person's words: the guard, failed checks, or the error that stopped it."""
    guard = [c for c in checks if c.check_name == "removal_guard" and not c.passed]
    if guard:
        return "the removal guard refused: " + " | ".join(c.description or "" for c in guard)
    failed = [c for c in checks if not c.passed and c.severity.value == "ERROR"]
    errors = [e.event_specific_data.error for e in result.all_events if e.is_step_failure]
    for error in errors:
        text = _error_text(error)
        if "No space left on device" in text or "ENOSPC" in text or "disk is full" in text.lower():
            return f"the disk is full ({_first_line_with(text, 'No space left')})"
        if any(
            w in text
            for w in ("Permission denied", "Read-only file system", "Operation not permitted", "cannot write in")
        ):
            return (
                f"permission denied "
                f"({_first_line_with(text, 'cannot write in', 'ermission', 'Read-only', 'not permitted')})"
            )
    if failed:
        return f"{len(failed)} check(s) failed: " + ", ".join(
            f"{c.asset_key.to_user_string()}:{c.check_name}" for c in failed
        )
    if errors:
        return f"the refresh crashed: {_error_text(errors[0]).strip().splitlines()[0][:300]}"
    return "the run did not reach the publish step"


def _error_text(error) -> str:
    """An error and every error that caused it, as text."""
    parts = []
    while error is not None:
        parts.append(f"{error.cls_name}: {error.message}")
        error = error.cause or getattr(error, "context", None)
    return "\n".join(parts)


def _first_line_with(text: str, *words: str) -> str:
    for line in text.splitlines():
        if any(w in line for w in words):
            return line.strip()[:300]
    return text.strip().splitlines()[0][:300]
