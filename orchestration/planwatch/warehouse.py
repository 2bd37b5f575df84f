"""The warehouse files: the working file a refresh builds in, and what a crashed refresh may leave behind.

The project runs DuckDB 1.5.5 (pyproject.toml: the release whose extension wheels exist). Files are created with an
older storage compatibility version all the same, so that any DuckDB >= 1.0 client (BI drivers, older shells) opens
them; DuckDB keeps writing that format to a file afterwards. A folder built earlier by DuckDB 2.x in its default
storage cannot be read by 1.5.5 at all: its files are set aside with a message and the warehouse is rebuilt.
"""

import errno
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from planwatch.publish import recover

STORAGE_COMPATIBILITY_VERSION = "v1.0.0"
# Tables whose rows are history, not derived from raw/ alone: a run that did not publish must not leave its
# changes in them for the next run to build on, so they start every run as the published version has them.
HISTORY_SCHEMA = "snapshots"


class WarehouseNotWritable(OSError):
    """A folder the refresh must write is read-only (or the disk refuses): nothing was touched."""


def ensure_warehouse_file(path: Path) -> Path:
    """Create an empty warehouse file readable by DuckDB >= 1.0 clients, unless one exists already."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION}).close()
    return path


def check_writable(folder: Path) -> None:
    """Raise WarehouseNotWritable naming the folder when a file cannot be created in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".planwatch-write-test-"):
            pass
    except OSError as error:
        raise WarehouseNotWritable(
            error.errno or errno.EACCES,
            f"cannot write in {folder} ({error.strerror or error}): the refresh builds and "
            f"publishes there; make it writable for this user",
        ) from error


def prepare_build(build: Path, published: Path, versions: Path, log=print) -> Path:
    """Make the working file usable after whatever the last refresh went through, SIGKILL included.

    DuckDB replays its write-ahead log on open, so a refresh killed mid-write leaves a consistent file and the
    next one carries on (the raw schema is per-file transactional; dbt rebuilds every model). If the file cannot
    be opened at all it is set aside and the working file starts again from the published one, which holds the
    same raw schema and the actuals history. Half-done publishes are tidied (planwatch.publish.recover), and the
    history tables are made the published version's again (a run that failed must not have closed rows in them).
    Call with the refresh lock held.
    """
    for folder in (published.parent, build.parent):
        check_writable(folder)
    recover(published, versions, log)
    _set_aside_if_newer(published, log)
    if build.exists():
        try:
            duckdb.connect(str(build)).execute("SELECT count(*) FROM duckdb_tables()").close()
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise  # another process writes it: not damage, and not ours to touch
            if _is_permission(error):
                raise WarehouseNotWritable(
                    errno.EACCES, f"cannot open the working file {build} for writing ({str(error).splitlines()[0]})"
                ) from error
            _set_aside(build, error, log)
        except duckdb.Error as error:
            _set_aside(build, error, log)
    if not build.exists():
        for marker in build.parent.glob("*.code_version"):
            marker.unlink()  # a new or restored working file: its incremental models are built in full
    if not build.exists() and published.exists():
        build.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(published, build)
        log(f"working file restored from the published warehouse {published}")
    ensure_warehouse_file(build)
    restore_history(build, published, log)
    return build


def restore_history(build: Path, published: Path, log=print) -> None:
    """Make the working file's history tables (schema snapshots) what the published version holds: empty when
    nothing is published. A no-op when they agree already (the usual case: the last run published)."""
    with duckdb.connect(str(build)) as conn:
        ours = _history_signature(conn, "main")
        if not published.exists():
            if ours:
                conn.execute(f"DROP SCHEMA IF EXISTS {HISTORY_SCHEMA} CASCADE")
                log("history tables cleared: they held changes of runs that never published")
            return
        # ATTACH takes no prepared parameter on DuckDB 1.5: the path goes in as a quoted literal.
        conn.execute(f"ATTACH {sql_literal(published)} AS published (READ_ONLY)")
        try:
            theirs = _history_signature(conn, "published")
            if ours == theirs:
                return
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {HISTORY_SCHEMA}")
            for table in set(ours) - set(theirs):
                conn.execute(f'DROP TABLE {HISTORY_SCHEMA}."{table}"')
            for table in theirs:
                conn.execute(
                    f'CREATE OR REPLACE TABLE {HISTORY_SCHEMA}."{table}" AS '
                    f'SELECT * FROM published.{HISTORY_SCHEMA}."{table}"'
                )
            log("history tables restored from the published version: the last run did not publish its changes")
        finally:
            conn.execute("DETACH published")


def _history_signature(conn, catalog: str) -> dict[str, tuple]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?",
            [catalog, HISTORY_SCHEMA],
        ).fetchall()
    ]
    # A snapshot only ever inserts versions and closes them: rows, closed rows and the latest change tell them apart.
    return {
        t: conn.execute(
            f"SELECT count(*), count(dbt_valid_to), max(dbt_updated_at), max(dbt_valid_to) "
            f'FROM {catalog}.{HISTORY_SCHEMA}."{t}"'
        ).fetchone()
        for t in tables
    }


def _is_permission(error: Exception) -> bool:
    text = str(error).lower()
    return "permission denied" in text or "read-only file system" in text


def written_by_newer_duckdb(path: Path) -> str | None:
    """DuckDB's message when `path` is a database file in a storage format newer than this DuckDB reads (a folder
    built by DuckDB 2.x with its default storage), else None."""
    if not path.exists():
        return None
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.IOException as error:
        if "newer version" in str(error):
            return str(error).splitlines()[0]
    except duckdb.Error:
        pass  # damaged or locked: not a matter of versions (prepare_build deals with damage)
    return None


def _set_aside_if_newer(published: Path, log) -> None:
    """A published file this DuckDB cannot read at all (written by a newer DuckDB) cannot seed the working file nor
    keep its history: it is moved aside whole, and the warehouse is rebuilt from raw/."""
    found = written_by_newer_duckdb(published)
    if found is None:
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = published.with_name(f"{published.name}.newer-duckdb-{stamp}")
    published.rename(kept)
    log(
        f"the published warehouse {published} was written by a newer DuckDB than this project's {duckdb.__version__} "
        f"({found}); set aside as {kept.name}, and the warehouse is rebuilt from raw/ (its history of restated "
        "actuals starts again; the set-aside file keeps the old one for a DuckDB of that release)"
    )


def _set_aside(build: Path, error: Exception, log) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (build, build.with_name(build.name + ".wal")):
        if path.exists():
            path.rename(path.with_name(f"{path.name}.broken-{stamp}"))
    log(f"the working file {build} could not be opened ({error}); set aside as *.broken-{stamp}")


def free_disk_hint(path: Path) -> str:
    """How much room is left where `path` lives, for messages about a full disk."""
    try:
        usage = shutil.disk_usage(path if path.is_dir() else path.parent)
    except OSError:
        return ""
    return f"{usage.free / 2**20:.0f} MiB free of {usage.total / 2**30:.1f} GiB on that file system"


def record_run_start(build: Path, run_id: str) -> None:
    """Note the input fingerprint (planwatch.fingerprint) a run starts from, once: taken before anything is read,
    so that a file changed during the run makes the next refresh see a change."""
    from planwatch.fingerprint import input_fingerprint

    with duckdb.connect(str(build)) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS raw._runs (run_id VARCHAR PRIMARY KEY, input_fingerprint VARCHAR, "
            "started_at TIMESTAMPTZ)"
        )
        if conn.execute("SELECT count(*) FROM raw._runs WHERE run_id = ?", [run_id]).fetchone()[0] == 0:
            conn.execute("INSERT INTO raw._runs VALUES (?, ?, now())", [run_id, input_fingerprint()])


def sql_literal(value: object) -> str:
    """`value` as a SQL string literal (single quotes doubled), for statements that take no parameters (ATTACH)."""
    return "'" + str(value).replace("'", "''") + "'"
