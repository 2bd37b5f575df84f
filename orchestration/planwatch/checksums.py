"""A content checksum per table of a warehouse file: what "the same data" means in the idempotency and fault tests.

The checksum is independent of row order and of the file's physical layout (two files with the same rows in any
order and any storage version agree); it does depend on column names, order and values. Reading only.
"""

from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts", "analytics", "reference", "snapshots")


def table_checksums(path: Path, schemas: tuple[str, ...] = PUBLISHED_SCHEMAS) -> dict[str, str]:
    """{schema.table: md5 over the sorted md5 of every row (as text) and the column list} for tables and views."""
    with duckdb.connect(str(path), read_only=True) as conn:
        return relation_checksums(conn, conn.execute("SELECT current_database()").fetchone()[0], schemas)


def relation_checksums(
    conn: duckdb.DuckDBPyConnection, database: str, schemas: tuple[str, ...] = PUBLISHED_SCHEMAS
) -> dict[str, str]:
    """table_checksums for the database attached as `database` (a file, or the shared store's lake)."""
    sums = {}
    for schema, name in relations(conn, database, schemas):
        relation = f'"{database}"."{schema}"."{name}"'
        columns = [c[0] for c in conn.execute(f"SELECT * FROM {relation} LIMIT 0").description]
        digest = conn.execute(
            f"SELECT md5(? || coalesce(string_agg(h, ',' ORDER BY h), '')) "
            f"FROM (SELECT md5(CAST(t AS VARCHAR)) AS h FROM {relation} AS t)",
            [",".join(columns)],
        ).fetchone()[0]
        sums[f"{schema}.{name}"] = digest
    return sums


def relations(conn: duckdb.DuckDBPyConnection, database: str, schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    """(schema, name) of the tables and views of the database attached as `database` in `schemas`, sorted."""
    return conn.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name IN (SELECT unnest(?)) "
        "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = ? AND NOT internal "
        "AND schema_name IN (SELECT unnest(?)) ORDER BY 1, 2",
        [database, list(schemas), database, list(schemas)],
    ).fetchall()
