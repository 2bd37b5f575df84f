"""Publishing: analysts never see a half-built or unchecked warehouse, and refreshes never wait on them.

A refresh writes into a private working file. Only when every blocking check has passed is a copy of it, with a
`meta` schema saying which run built it from which inputs and which checks passed, moved onto the published path
with `os.replace` — atomic on one file system: a reader that has the old file open keeps reading the old version,
a new connection gets the new one, nobody sees a mix. The last few versions are kept for `planwatch rollback`.
"""

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from planwatch.changes import code_version

KEEP_VERSIONS = 5


def publish(build: Path, published: Path, versions: Path, run_id: str, checks: list[dict]) -> Path:
    """Copy the checked working file to a new version (with meta.*), then atomically make it the published file."""
    with duckdb.connect(str(build)) as conn:
        conn.execute("CHECKPOINT")  # everything in the file itself, nothing left in a WAL
        inputs = conn.execute("SELECT source_file, content_hash FROM raw._files ORDER BY 1").fetchall()
    versions.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    version = versions / f"planwatch-{now:%Y%m%dT%H%M%S%fZ}-{run_id[:8]}.duckdb"
    partial = version.with_name(version.name + ".partial")
    shutil.copyfile(build, partial)
    with duckdb.connect(str(partial)) as conn:
        _write_build_info(conn, version.name, run_id, now, inputs, checks)
    os.replace(partial, version)
    _install(version, published)
    _prune(versions)
    return version


def rollback(published: Path, versions: Path) -> Path:
    """Publish the version before the one that is published now."""
    current = build_info(published)["version"]
    names = sorted(p.name for p in versions.glob("planwatch-*.duckdb"))
    if current not in names or names.index(current) == 0:
        raise LookupError(f"no version older than {current} is kept in {versions}")
    previous = versions / names[names.index(current) - 1]
    _install(previous, published)
    return previous


def build_info(published: Path) -> dict:
    with duckdb.connect(str(published), read_only=True) as conn:
        row = conn.execute("SELECT * FROM meta.build_info").fetchone()
        columns = [c[0] for c in conn.description]
    return dict(zip(columns, row))


def _install(version: Path, published: Path) -> None:
    staging = published.with_name(f".{published.name}.{os.getpid()}.publishing")
    shutil.copyfile(version, staging)
    os.replace(staging, published)


def _prune(versions: Path) -> None:
    for old in sorted(versions.glob("planwatch-*.duckdb"))[:-KEEP_VERSIONS]:
        old.unlink()


def _write_build_info(conn, version: str, run_id: str, built_at: datetime, inputs: list, checks: list[dict]) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS meta")
    conn.execute("CREATE OR REPLACE TABLE meta.build_info (version VARCHAR, run_id VARCHAR, built_at TIMESTAMPTZ, "
                 "code_version VARCHAR, input_files VARCHAR, checks_passed INTEGER, checks_failed INTEGER, "
                 "checks_warned INTEGER, checks VARCHAR)")
    conn.execute("INSERT INTO meta.build_info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        version, run_id, built_at, code_version(), json.dumps(dict(inputs), ensure_ascii=False),
        sum(c["passed"] for c in checks),
        sum(not c["passed"] and c["severity"] == "ERROR" for c in checks),
        sum(not c["passed"] and c["severity"] != "ERROR" for c in checks),
        json.dumps(checks, ensure_ascii=False)])
    conn.execute("CREATE OR REPLACE TABLE meta.build_inputs (source_file VARCHAR, content_hash VARCHAR)")
    conn.executemany("INSERT INTO meta.build_inputs VALUES (?, ?)", inputs)
    conn.execute("CREATE OR REPLACE TABLE meta.build_checks (asset VARCHAR, check_name VARCHAR, passed BOOLEAN, "
                 "severity VARCHAR)")
    conn.executemany("INSERT INTO meta.build_checks VALUES (?, ?, ?, ?)",
                     [[c["asset"], c["check"], c["passed"], c["severity"]] for c in checks])
    conn.execute("COMMENT ON TABLE meta.build_info IS 'Which refresh run built this published file, when, with which "
                 "code (code_version: sha256 of the dbt project, GX suites and planwatch package), from which input "
                 "files (path → sha256) and which checks passed'")
