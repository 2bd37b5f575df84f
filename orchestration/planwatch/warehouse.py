"""The warehouse files: the working file a refresh builds in, and what a crashed refresh may leave behind.

DuckDB 2.x writes storage version 69 by default, which DuckDB 1.x clients cannot open - and that is what most
BI drivers (ODBC/JDBC for Tableau and Power BI, Metabase's driver) and the duckdb CLI on PyPI are today. So the
file is created with an older storage compatibility version; DuckDB keeps writing that format to it afterwards.
"""

import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

STORAGE_COMPATIBILITY_VERSION = "v1.0.0"


def ensure_warehouse_file(path: Path) -> Path:
    """Create an empty warehouse file readable by DuckDB >= 1.0 clients, unless one exists already."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION}).close()
    return path


def prepare_build(build: Path, published: Path, versions: Path, log=print) -> Path:
    """Make the working file usable after whatever the last refresh went through, SIGKILL included.

    DuckDB replays its write-ahead log on open, so a refresh killed mid-write leaves a consistent file and the
    next one carries on (the raw schema is per-file transactional; dbt rebuilds every model). If the file cannot
    be opened at all it is set aside and the working file starts again from the published one, which holds the
    same raw schema and the actuals history. Half-copied publish files are removed: they were never published.
    Call with the refresh lock held.
    """
    for stale in [*published.parent.glob(f".{published.name}.*.publishing"), *versions.glob("*.partial")]:
        log(f"removing {stale.name}: left by a refresh that stopped while publishing")
        stale.unlink(missing_ok=True)
    if build.exists():
        try:
            duckdb.connect(str(build)).execute("SELECT count(*) FROM duckdb_tables()").close()
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise  # another process writes it: not damage, and not ours to touch
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
    return ensure_warehouse_file(build)


def _set_aside(build: Path, error: Exception, log) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for path in (build, build.with_name(build.name + ".wal")):
        if path.exists():
            path.rename(path.with_name(f"{path.name}.broken-{stamp}"))
    log(f"the working file {build} could not be opened ({error}); set aside as *.broken-{stamp}")
