"""The raw schema: one table per kind of input as received, each row with its lineage (source file, row, content
hash, load time), and the bookkeeping tables (_files, _rejections, _runs). Created here, described here."""

from datetime import datetime

import duckdb
import pandas as pd

from planwatch import glossary
from planwatch.contract import ACTUALS_STORED, MANIFEST_FIELDS, MAPPINGS_COLUMNS, OPTIONAL_MANIFEST_FIELDS

LINEAGE = "_source_file VARCHAR, _source_row INTEGER, _content_hash VARCHAR, _loaded_at TIMESTAMPTZ"


_MANIFEST_SQL_TYPES = {
    "period_start": "INTEGER",
    "period_end": "INTEGER",
    "base_year": "INTEGER",
    "target_year": "INTEGER",
}


DDL = {
    "plan_documents": ", ".join(
        f"{name} {_MANIFEST_SQL_TYPES.get(name, 'VARCHAR')}"
        for name in [*MANIFEST_FIELDS, *OPTIONAL_MANIFEST_FIELDS]
        if name != "tables"
    ),
    "plan_tables": "document_id VARCHAR, table_id VARCHAR, file VARCHAR, title VARCHAR, kind VARCHAR, "
    "plan_period VARCHAR, source_line INTEGER, notes VARCHAR",
    "plan_columns": "document_id VARCHAR, table_id VARCHAR, column_no INTEGER, column_name VARCHAR, "
    "published_header VARCHAR, role VARCHAR, value_kind VARCHAR, year INTEGER",
    "plan_cells": "document_id VARCHAR, table_id VARCHAR, row_no INTEGER, column_name VARCHAR, "
    "cell_text VARCHAR, source_line INTEGER",
    "actuals": ", ".join(f"{c} {'INTEGER' if c == 'year' else 'VARCHAR'}" for c in ACTUALS_STORED),
    "mappings": ", ".join(f"{c} VARCHAR" for c in MAPPINGS_COLUMNS),
}


PLAN_TABLES = ("plan_documents", "plan_tables", "plan_columns", "plan_cells")


RAW_TABLES = {
    "plan_documents": "Input as received: one row per plan document (raw/plans/<document>/manifest.json).",
    "plan_tables": "Input as received: one row per indicator table, 专栏 box or prose target set of a manifest.",
    "plan_columns": "Input as received: the role of every column of every plan table (from the manifest).",
    "plan_cells": "Input as received: every cell of every plan table CSV, verbatim as published.",
    "actuals": "Input as received: actual figures under raw/actuals, one row per row of a file.",
    "mappings": "Input as received: reviewed mappings of indicator names to catalog ids (raw/mappings).",
    "_files": "What was loaded from each input file: its sha256 (of the bytes parsed), rows and when.",
    "_rejections": "The quarantine table: every input file the ingest refused, with file, row, column and reason.",
    "_runs": "The refresh runs that built this file: the input fingerprint each started from.",
}


def ensure_raw_schema(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for table, columns in DDL.items():
        conn.execute(f"CREATE TABLE IF NOT EXISTS raw.{table} ({columns}, {LINEAGE})")
        # A working file made by an earlier release lacks a column the contract has gained since (null for the rows
        # it holds, which is what an absent optional field means).
        have = {c[0] for c in conn.execute(f"SELECT * FROM raw.{table} LIMIT 0").description}
        for column in columns.split(", "):
            name, sql_type = column.split(" ", 1)
            if name not in have:
                conn.execute(f"ALTER TABLE raw.{table} ADD COLUMN {name} {sql_type}")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS raw._files (source_file VARCHAR PRIMARY KEY, dataset VARCHAR, "
        "content_hash VARCHAR, row_count INTEGER, loaded_at TIMESTAMPTZ)"
    )
    # Added since: a working file of an earlier release has none (its files are read once more, then recorded).
    conn.execute("ALTER TABLE raw._files ADD COLUMN IF NOT EXISTS stat_signature VARCHAR")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS raw._rejections (source_file VARCHAR, dataset VARCHAR, "
        "content_hash VARCHAR, row_no INTEGER, column_name VARCHAR, message VARCHAR, "
        "quarantined_as VARCHAR, rejected_at TIMESTAMPTZ)"
    )
    # A refusal is resolved once the file is fixed or removed (planwatch.ingest._resolve_rejections).
    conn.execute("ALTER TABLE raw._rejections ADD COLUMN IF NOT EXISTS resolved_at TIMESTAMPTZ")
    conn.execute("ALTER TABLE raw._rejections ADD COLUMN IF NOT EXISTS resolution VARCHAR")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS raw._runs (run_id VARCHAR PRIMARY KEY, input_fingerprint VARCHAR, "
        "started_at TIMESTAMPTZ)"
    )
    for table, description in RAW_TABLES.items():
        glossary.describe(conn, "raw", table, description)


def insert_rows(conn, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    columns = [c[0] for c in conn.execute(f"SELECT * FROM raw.{table} LIMIT 0").description]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns, dtype=object)
    # Not conn.register(): a frame registered inside a transaction stays referenced until the transaction ends,
    # which would hold every batch of a streamed file in memory at once.
    conn.from_df(frame).insert_into(f"raw.{table}")


def lineage_columns(row: int | None, source_file: str, digest: str, now: datetime) -> dict:
    return {"_source_file": source_file, "_source_row": row, "_content_hash": digest, "_loaded_at": now}
