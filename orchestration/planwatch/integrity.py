"""Is a warehouse file whole? Its bytes against the sha256 recorded when it was published, and every column of
every table read back (DuckDB checks each block's checksum as it reads it).

This is the part of `planwatch verify` that needs no GX: `planwatch rollback` runs it, with the suites, on a kept
version before publishing it again, and refuses a damaged one.
"""

from pathlib import Path

import duckdb

from planwatch.readonce import content_hash


def sidecar_path(version: Path) -> Path:
    """Where a kept version's sha256 is written: `<version>.sha256` (also for its `.pending` form)."""
    return version.with_name(version.name.removesuffix(".pending") + ".sha256")


def recorded_digest(version: Path) -> str | None:
    """The sha256 written beside a kept version when it was published, if there is one."""
    sidecar = sidecar_path(version)
    if not sidecar.is_file():
        return None
    return sidecar.read_text(encoding="utf-8").split()[0]


def file_problems(path: Path, versions: Path | None = None) -> list[str]:
    """What is wrong with a warehouse file: empty when nothing is. The recorded sha256 is looked up beside the file
    itself (a kept version) or, for the published file or a copy, by the version its meta.build_info names."""
    if not path.is_file():
        return [f"{path}: no such file"]
    digest = content_hash(path)
    expected = recorded_digest(path)  # a kept version: its own sidecar, checked before the file is even opened
    if expected is not None and digest != expected:
        return [_differs(path, digest, expected, path.name)]
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            version = conn.execute("SELECT version FROM meta.build_info").fetchone()[0]
            if expected is None and versions is not None:
                expected = recorded_digest(versions / version)
            if expected is not None and digest != expected:
                return [_differs(path, digest, expected, version)]
            return _unreadable_tables(conn)
    except duckdb.Error as error:
        return [
            f"{path}: cannot be read as a published warehouse ({type(error).__name__}: {str(error).splitlines()[0]})"
        ]


def _differs(path: Path, digest: str, expected: str, version: str) -> str:
    return (
        f"{path}: its sha256 {digest[:16]}… differs from {expected[:16]}…, recorded when version {version} was "
        f"published: the file was changed or damaged since"
    )


def _unreadable_tables(conn) -> list[str]:
    # A hash of each whole row of a table: every column of every row is read (and its block's checksum checked),
    # and nothing is held but one number. A view is read through (its tables are read above).
    relations = conn.execute(
        "SELECT 'table', schema_name, table_name FROM duckdb_tables() "
        "UNION ALL SELECT 'view', schema_name, view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1, 2, 3"
    ).fetchall()
    problems = []
    for kind, schema, name in relations:
        read = "count(*), bit_xor(hash(t))" if kind == "table" else "count(*)"
        try:
            conn.execute(f'SELECT {read} FROM "{schema}"."{name}" AS t').fetchone()
        except duckdb.Error as error:
            problems.append(
                f"{kind} {schema}.{name} cannot be read ({type(error).__name__}: {str(error).splitlines()[0]})"
            )
    return problems
