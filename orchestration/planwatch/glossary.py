"""What every column name means, from its one home: the dbt docs blocks of dbt_project/models/_glossary.md.

dbt's YAML refers to the blocks for the models it builds; the schemas Python writes (raw, meta) are commented from
the same blocks here, so `SELECT * FROM duckdb_columns()` describes every column of every schema.
"""

import re
from functools import cache

from planwatch.settings import DBT_PROJECT_DIR

GLOSSARY = DBT_PROJECT_DIR / "models" / "_glossary.md"
_BLOCK = re.compile(r"{%\s*docs\s+col_(\w+)\s*%}\s*(.*?)\s*{%\s*enddocs\s*%}", re.S)


@cache
def descriptions() -> dict[str, str]:
    return {name: " ".join(text.split()) for name, text in _BLOCK.findall(GLOSSARY.read_text(encoding="utf-8"))}


def describe(conn, schema: str, table: str, table_description: str | None = None) -> None:
    """COMMENT ON every column of schema.table that the glossary describes (and on the table itself)."""
    known = descriptions()
    if table_description:
        conn.execute(f"COMMENT ON TABLE {schema}.{table} IS '{_quoted(table_description)}'")
    for (column,) in conn.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
        "AND database_name = current_database()",
        [schema, table],
    ).fetchall():
        if column in known:
            conn.execute(f"COMMENT ON COLUMN {schema}.{table}.\"{column}\" IS '{_quoted(known[column])}'")


def _quoted(text: str) -> str:
    return text.replace("'", "''")
