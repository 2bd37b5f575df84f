"""Publishing: analysts never see a half-built or unchecked warehouse, and refreshes never wait on them.

A refresh writes into a private working file. A copy of it, with a `meta` schema saying which run built it from
which inputs and which checks passed, replaces the published path with `os.replace` — atomic on one file system:
a reader that has the old file open keeps reading the old version, a new connection gets the new one, nobody sees
a mix. Right before that replace the run's own recorded check results are read again and the gate is asserted:
every check planned for the run has a result, and every ERROR check passed — whatever asset it is attached to. A
failed gate publishes nothing.

Only published versions are kept (for `planwatch rollback`), each with the sha256 of its bytes beside it
(`<version>.sha256`), so that `planwatch verify` can tell a damaged copy from the one that was checked. A version
is written as `<version>.pending` first and becomes a kept version only once it is the published file; whatever a
crash leaves half-done is tidied by `recover` (called with the refresh lock held, before the next refresh).
"""

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from planwatch import glossary
from planwatch.changes import code_version
from planwatch.integrity import file_problems, recorded_digest, sidecar_path
from planwatch.readonce import content_hash

KEEP_VERSIONS = 5
VERSION_GLOB = "planwatch-*.duckdb"


class PublishRefused(RuntimeError):
    """The gate did not open: nothing was published."""


@dataclass(frozen=True)
class RunChecks:
    """What a run planned to check and what its checks found (as recorded by Dagster for that run)."""

    planned: frozenset[str] = frozenset()  # "asset:check"
    results: list[dict] = field(default_factory=list)  # {asset, check, passed, severity, description}

    def refusal(self) -> str | None:
        """Why this run may not publish, or None when every planned check has a result and no ERROR one failed."""
        done = {f"{c['asset']}:{c['check']}" for c in self.results}
        missing = sorted(self.planned - done)
        failed = [f"{c['asset']}:{c['check']}" for c in self.results if not c["passed"] and c["severity"] == "ERROR"]
        problems = []
        if failed:
            problems.append(f"{len(failed)} check(s) failed: {', '.join(failed)}")
        if missing:
            problems.append(f"{len(missing)} planned check(s) have no result: {', '.join(missing)}")
        return "; ".join(problems) or None


def publish(
    build: Path, published: Path, versions: Path, run_id: str, checks: Callable[[], RunChecks] | list[dict]
) -> Path:
    """Make the checked working file the published one, with meta.*; keep it as a version. `checks` reads the
    run's recorded check results: it is asked before anything is copied and again right before the replace.
    (A plain list of results stands for a run that planned exactly those checks.)"""
    if not callable(checks):
        results = list(checks)
        checks = lambda: RunChecks(frozenset(f"{c['asset']}:{c['check']}" for c in results), results)  # noqa: E731
    first = _gate(checks)
    with duckdb.connect(str(build)) as conn:
        conn.execute("CHECKPOINT")  # everything in the file itself, nothing left in a WAL
        inputs = conn.execute("SELECT source_file, content_hash FROM raw._files ORDER BY 1").fetchall()
        fingerprint = _run_fingerprint(conn, run_id)
    versions.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    version = versions / f"planwatch-{now:%Y%m%dT%H%M%S%fZ}-{run_id[:8]}.duckdb"
    staging = published.with_name(f".{published.name}.{os.getpid()}.publishing")
    pending = version.with_name(version.name + ".pending")
    try:
        shutil.copyfile(build, staging)
        with duckdb.connect(str(staging)) as conn:
            _write_build_info(conn, version.name, run_id, now, inputs, first.results, fingerprint)
        digest = content_hash(staging)
        shutil.copyfile(staging, pending)  # the kept version: a copy of its own, never linked to the published file
        sidecar_path(pending).write_text(f"{digest}  {version.name}\n", encoding="utf-8")
        if _gate(checks) != first:
            raise PublishRefused("the run's check results changed while it was publishing")
        os.replace(staging, published)
    except BaseException:
        for leftover in (staging, pending, sidecar_path(pending)):
            leftover.unlink(missing_ok=True)  # a disk that filled up must not stay full
        raise
    _keep(pending, version)
    _prune(versions)
    return version


def _gate(checks: Callable[[], RunChecks]) -> RunChecks:
    recorded = checks()
    refusal = recorded.refusal()
    if refusal:
        raise PublishRefused(f"not published: {refusal}")
    return recorded


def _keep(pending: Path, version: Path) -> None:
    """A pending version that is the published file becomes a kept version (its sidecar was written first)."""
    os.replace(pending, version)


def kept_versions(versions: Path) -> list[Path]:
    """Published versions, oldest first."""
    return sorted(versions.glob(VERSION_GLOB))


def recover(published: Path, versions: Path, log=print) -> None:
    """Tidy what a refresh that stopped while publishing left behind. Call with the refresh lock held.

    A `.publishing` copy was never published: removed. A `.pending` version is kept if it is what the published
    file says it is (the crash came after the replace), and removed otherwise (it never was published)."""
    for stale in published.parent.glob(f".{published.name}.*.publishing"):
        log(f"removing {stale.name}: left by a refresh that stopped while publishing")
        stale.unlink(missing_ok=True)
    current = _published_version(published)
    for pending in versions.glob("*.pending"):
        version = pending.with_name(pending.name.removesuffix(".pending"))
        if version.name == current and recorded_digest(pending) == content_hash(published):
            log(f"keeping {version.name}: it was published by a refresh that stopped right after")
            _keep(pending, version)
        else:
            log(f"removing {pending.name}: a version that was never published")
            pending.unlink(missing_ok=True)
            sidecar_path(pending).unlink(missing_ok=True)
    for partial in versions.glob("*.partial"):  # the layout before versions were kept only once published
        log(f"removing {partial.name}: left by a refresh that stopped while publishing")
        partial.unlink(missing_ok=True)


def _published_version(published: Path) -> str | None:
    try:
        return build_info(published)["version"]
    except (duckdb.Error, OSError, TypeError):
        return None


def rollback_target(published: Path, versions: Path, to: str | None = None) -> Path:
    """The kept version to publish again: `to` (a version name), else the one before the published one."""
    names = [p.name for p in kept_versions(versions)]
    if to is not None:
        name = to if to.endswith(".duckdb") else f"{to}.duckdb"
        if name not in names:
            raise LookupError(f"no kept version {to!r} in {versions} (kept: {', '.join(names) or 'none'})")
        return versions / name
    current = _published_version(published)
    if current not in names or names.index(current) == 0:
        raise LookupError(f"no version older than {current} is kept in {versions}")
    return versions / names[names.index(current) - 1]


def rollback(
    published: Path, versions: Path, to: str | None = None, verify: Callable[[Path], list[str]] | None = None
) -> Path:
    """Publish a kept version again: the one before the published one, or `to`. It is verified first — by
    `verify` (planwatch.verify.problems: sha256, every table read back, every GX suite), or without it by its
    sha256 and every table read back — and refused with the reasons if it fails."""
    version = rollback_target(published, versions, to)
    problems = verify(version) if verify else file_problems(version)
    if problems:
        raise PublishRefused(f"{version.name} is not sound, so it was not published again: " + "; ".join(problems))
    install(version, published)
    return version


def install(version: Path, published: Path) -> None:
    """Publish a verified kept version again."""
    staging = published.with_name(f".{published.name}.{os.getpid()}.publishing")
    try:
        shutil.copyfile(version, staging)
        expected = recorded_digest(version)
        if expected is not None and content_hash(staging) != expected:
            raise PublishRefused(f"{version.name} changed while it was copied: not published")
        os.replace(staging, published)
    finally:
        staging.unlink(missing_ok=True)


def build_info(published: Path) -> dict:
    with duckdb.connect(str(published), read_only=True) as conn:
        row = conn.execute("SELECT * FROM meta.build_info").fetchone()
        columns = [c[0] for c in conn.description]
    return dict(zip(columns, row))


def _prune(versions: Path) -> None:
    for old in kept_versions(versions)[:-KEEP_VERSIONS]:
        old.unlink()
        sidecar_path(old).unlink(missing_ok=True)


def _run_fingerprint(conn, run_id: str) -> str | None:
    try:
        row = conn.execute("SELECT input_fingerprint FROM raw._runs WHERE run_id = ?", [run_id]).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def published_fingerprint(published: Path) -> str | None:
    """The input fingerprint the published build started from (None when unknown)."""
    try:
        return build_info(published).get("input_fingerprint")
    except (duckdb.Error, OSError, TypeError):
        return None


def _write_build_info(
    conn,
    version: str,
    run_id: str,
    built_at: datetime,
    inputs: list,
    checks: list[dict],
    fingerprint: str | None = None,
) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS meta")
    conn.execute(
        "CREATE OR REPLACE TABLE meta.build_info (version VARCHAR, run_id VARCHAR, built_at TIMESTAMPTZ, "
        "code_version VARCHAR, input_files VARCHAR, checks_passed INTEGER, checks_failed INTEGER, "
        "checks_warned INTEGER, checks VARCHAR, input_fingerprint VARCHAR)"
    )
    conn.execute(
        "INSERT INTO meta.build_info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            version,
            run_id,
            built_at,
            code_version(),
            json.dumps(dict(inputs), ensure_ascii=False),
            sum(c["passed"] for c in checks),
            sum(not c["passed"] and c["severity"] == "ERROR" for c in checks),
            sum(not c["passed"] and c["severity"] != "ERROR" for c in checks),
            json.dumps(checks, ensure_ascii=False),
            fingerprint,
        ],
    )
    conn.execute("CREATE OR REPLACE TABLE meta.build_inputs (source_file VARCHAR, content_hash VARCHAR)")
    conn.executemany("INSERT INTO meta.build_inputs VALUES (?, ?)", inputs)
    conn.execute(
        "CREATE OR REPLACE TABLE meta.build_checks (asset VARCHAR, check_name VARCHAR, passed BOOLEAN, "
        "severity VARCHAR, description VARCHAR)"
    )
    conn.executemany(
        "INSERT INTO meta.build_checks VALUES (?, ?, ?, ?, ?)",
        [[c["asset"], c["check"], c["passed"], c["severity"], c.get("description")] for c in checks],
    )
    glossary.describe(
        conn,
        "meta",
        "build_info",
        "Which refresh run built this published file, when, with which "
        "code (code_version: sha256 of the dbt project, GX suites and planwatch package), from which "
        "input files (path → sha256) and which checks passed",
    )
    glossary.describe(conn, "meta", "build_inputs", "Every input file of the build with the sha256 of the bytes parsed")
    glossary.describe(conn, "meta", "build_checks", "Every check of the run that built this file, with its result")
