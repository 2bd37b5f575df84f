"""The shared store: the published warehouse as a DuckLake, its catalog in PostgreSQL, its data files under a path.

Promise: the lake only ever holds what a refresh published, whole. A refresh builds and checks in its private working
file exactly as for the single file (ingest, dbt, GX, the gate); then the published file - checked, with its meta.* -
is copied into the lake in one transaction, which DuckLake commits as one snapshot. A reader sees the snapshot before
or the snapshot after, never a mix; a refresh that fails or is killed before the commit leaves the last snapshot as
it was. Two writers that commit at once do not interleave: DuckLake refuses the second commit (both replace the same
tables), and the refresh says so. One machine's refreshes take turns already (planwatch.lock).

Selected by PLANWATCH_TARGET=shared, with PLANWATCH_LAKE_CATALOG (a libpq connection string) and PLANWATCH_LAKE_DATA
(a folder here; an object-store URL such as s3://bucket/planwatch/ in production, docs/scale-out.md). The analytics
views are stored as tables in the lake: a view's SQL names the database it was built in, which a lake reader does not
have, and a table of the same rows answers the same queries.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from planwatch import extensions
from planwatch.checksums import PUBLISHED_SCHEMAS, relations
from planwatch.warehouse import sql_literal

TARGET_ENV = "PLANWATCH_TARGET"
CATALOG_ENV = "PLANWATCH_LAKE_CATALOG"
DATA_ENV = "PLANWATCH_LAKE_DATA"
ALIAS = "lake"
# What a reader of the lake finds: the published schemas, and meta (which run built it, from which inputs, which checks).
SCHEMAS = (*PUBLISHED_SCHEMAS, "meta")


class LakeNotConfigured(RuntimeError):
    pass


class LakePublishRefused(RuntimeError):
    """Another writer committed to the lake at the same time: nothing of this publish was committed."""


@dataclass(frozen=True)
class Lake:
    catalog: str  # libpq connection string of the PostgreSQL database that holds DuckLake's catalog
    data_path: str  # where DuckLake writes its Parquet files

    def attach_sql(self, alias: str = ALIAS, read_only: bool = False) -> str:
        options = f"DATA_PATH {sql_literal(self.data_path)}" + (", READ_ONLY" if read_only else "")
        return f"ATTACH {sql_literal('ducklake:postgres:' + self.catalog)} AS {alias} ({options})"

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with the lake attached as `lake` (its extensions from the installed wheels)."""
        conn = duckdb.connect()
        extensions.load(conn, "postgres_scanner", "ducklake")
        conn.execute(self.attach_sql(read_only=read_only))
        return conn


def configured() -> Lake | None:
    """The lake this refresh publishes to, or None for the single-file target (the default)."""
    target = os.environ.get(TARGET_ENV, "file")
    if target == "file":
        return None
    if target != "shared":
        raise LakeNotConfigured(f"{TARGET_ENV}={target!r}: use 'file' (the default) or 'shared'")
    missing = [name for name in (CATALOG_ENV, DATA_ENV) if not os.environ.get(name)]
    if missing:
        raise LakeNotConfigured(f"{TARGET_ENV}=shared needs {' and '.join(missing)} (docs/scale-out.md)")
    return Lake(os.environ[CATALOG_ENV], os.environ[DATA_ENV])


def publish_to_lake(lake: Lake, published: Path) -> int:
    """Replace the lake's published schemas with the published file's, in one transaction; return the snapshot id."""
    conn = lake.connect()
    try:
        # Attached under its own catalog name (the file's stem): a view built before macros/ref.sql names it.
        source = published.stem
        conn.execute(f'ATTACH {sql_literal(published)} AS "{source}" (READ_ONLY)')
        ours = relations(conn, source, SCHEMAS)
        theirs = relations(conn, ALIAS, SCHEMAS)
        conn.execute("BEGIN")
        for schema in sorted({s for s, _ in ours}):
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS {ALIAS}."{schema}"')
        for schema, name in ours:
            conn.execute(
                f'CREATE OR REPLACE TABLE {ALIAS}."{schema}"."{name}" AS SELECT * FROM "{source}"."{schema}"."{name}"'
            )
        for schema, name in sorted(set(theirs) - set(ours)):
            conn.execute(f'DROP TABLE {ALIAS}."{schema}"."{name}"')
        try:
            conn.execute("COMMIT")
        except duckdb.TransactionException as error:
            raise LakePublishRefused(
                f"the shared store refused this publish: another refresh committed to it at the same time "
                f"({str(error).splitlines()[0]}); nothing of this one was committed - run it again"
            ) from error
        return current_snapshot(conn)
    finally:
        conn.close()


def current_snapshot(conn: duckdb.DuckDBPyConnection) -> int:
    return conn.execute(f"SELECT max(snapshot_id) FROM ducklake_snapshots('{ALIAS}')").fetchone()[0]


def published_version(lake: Lake) -> str | None:
    """The version (meta.build_info) the lake holds now, or None when nothing was published to it yet."""
    with lake.connect(read_only=True) as conn:
        return _version(conn)


def describe(lake: Lake) -> str:
    """One line for the refresh summary: which version the lake serves, as which snapshot, where its files are."""
    with lake.connect(read_only=True) as conn:
        return f"version {_version(conn)} as DuckLake snapshot {current_snapshot(conn)} (data under {lake.data_path})"


def _version(conn: duckdb.DuckDBPyConnection) -> str | None:
    if not relations(conn, ALIAS, ("meta",)):
        return None
    return conn.execute(f"SELECT version FROM {ALIAS}.meta.build_info").fetchone()[0]


def housekeeping(lake: Lake, keep_days: int) -> dict[str, int]:
    """Expire snapshots older than `keep_days` (time travel reaches back that far, no further), merge small data
    files, and delete the files no snapshot needs any more. Returns how many of each. Run with the refresh lock held:
    it writes to the lake."""
    with lake.connect() as conn:
        expired = conn.execute(
            f"CALL ducklake_expire_snapshots('{ALIAS}', older_than => now() - INTERVAL '{int(keep_days)} days')"
        ).fetchall()
        merged = conn.execute(f"CALL ducklake_merge_adjacent_files('{ALIAS}')").fetchall()
        # Files are deleted only once they have waited a day: a long query may still be reading an expired snapshot.
        deleted = conn.execute(
            f"CALL ducklake_cleanup_old_files('{ALIAS}', older_than => now() - INTERVAL '1 day')"
        ).fetchall()
    return {"snapshots_expired": len(expired), "files_merged": len(merged), "files_deleted": len(deleted)}
