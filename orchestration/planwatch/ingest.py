"""Load validated raw files into the warehouse's `raw` schema, file by file, with lineage.

Each stored row carries `_source_file` (relative to raw/), `_source_row` (its row in that file), `_content_hash`
(sha256 of the file) and `_loaded_at`. `raw._files` remembers what was loaded from each file, so:
- a file whose hash is unchanged is skipped (its rows stay as they are, `_loaded_at` included);
- a changed file replaces its rows, in one transaction;
- a file that is gone has its rows removed;
- a file that breaks its contract is rejected: its error goes to `raw._rejections`, a copy of it to the
  quarantine folder, and whatever it had loaded before stays untouched.
"""

import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from planwatch.raw_files import ACTUALS_COLUMNS, MANIFEST_FIELDS, PlanDocument, RawFileError, content_hash, \
    read_actuals, read_plan_document

LINEAGE = "_source_file VARCHAR, _source_row INTEGER, _content_hash VARCHAR, _loaded_at TIMESTAMPTZ"

_MANIFEST_SQL_TYPES = {"period_start": "INTEGER", "period_end": "INTEGER", "base_year": "INTEGER",
                       "target_year": "INTEGER"}
DDL = {
    "plan_documents": ", ".join(f"{name} {_MANIFEST_SQL_TYPES.get(name, 'VARCHAR')}"
                                for name in MANIFEST_FIELDS if name != "tables"),
    "plan_tables": "document_id VARCHAR, table_id VARCHAR, file VARCHAR, title VARCHAR, kind VARCHAR, "
                   "plan_period VARCHAR, source_line INTEGER, notes VARCHAR",
    "plan_columns": "document_id VARCHAR, table_id VARCHAR, column_no INTEGER, column_name VARCHAR, "
                    "published_header VARCHAR, role VARCHAR, value_kind VARCHAR, year INTEGER",
    "plan_cells": "document_id VARCHAR, table_id VARCHAR, row_no INTEGER, column_name VARCHAR, "
                  "cell_text VARCHAR, source_line INTEGER",
    "actuals": ", ".join(f"{c} {'INTEGER' if c == 'year' else 'VARCHAR'}" for c in ACTUALS_COLUMNS),
}
PLAN_TABLES = ("plan_documents", "plan_tables", "plan_columns", "plan_cells")


@dataclass
class IngestReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rejected: list[RawFileError] = field(default_factory=list)

    def as_metadata(self) -> dict:
        return {"loaded": self.loaded, "unchanged": self.unchanged, "removed": self.removed,
                "rejected": [str(e) for e in self.rejected]}


def ensure_raw_schema(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for table, columns in DDL.items():
        conn.execute(f"CREATE TABLE IF NOT EXISTS raw.{table} ({columns}, {LINEAGE})")
    conn.execute("CREATE TABLE IF NOT EXISTS raw._files (source_file VARCHAR PRIMARY KEY, dataset VARCHAR, "
                 "content_hash VARCHAR, row_count INTEGER, loaded_at TIMESTAMPTZ)")
    conn.execute("CREATE TABLE IF NOT EXISTS raw._rejections (source_file VARCHAR, dataset VARCHAR, "
                 "content_hash VARCHAR, row_no INTEGER, column_name VARCHAR, message VARCHAR, "
                 "quarantined_as VARCHAR, rejected_at TIMESTAMPTZ)")


def ingest_plans(conn: duckdb.DuckDBPyConnection, raw_root: Path, quarantine: Path) -> IngestReport:
    """Load every raw/plans/<document>/ folder: a document's manifest and tables are accepted or rejected together."""
    ensure_raw_schema(conn)
    report = IngestReport()
    folders = sorted(p for p in (raw_root / "plans").glob("*") if p.is_dir())
    present: set[str] = set()
    for folder in folders:
        files = sorted(folder.glob("*"))
        present.update(_relative(p, raw_root) for p in files)
        hashes = {_relative(p, raw_root): content_hash(p) for p in files if p.is_file()}
        if _all_unchanged(conn, hashes, "plans"):
            report.unchanged.extend(hashes)
            continue
        try:
            document = read_plan_document(folder)
        except RawFileError as error:
            _reject(conn, error, raw_root, quarantine, "plans", report)
            continue
        _replace_document(conn, document, raw_root)
        report.loaded.extend(_relative(f.path, raw_root) for f in document.files)
    _remove_missing(conn, "plans", present, PLAN_TABLES, report)
    return report


def ingest_actuals(conn: duckdb.DuckDBPyConnection, raw_root: Path, quarantine: Path) -> IngestReport:
    """Load every raw/actuals/*.csv; each file is accepted or rejected on its own."""
    ensure_raw_schema(conn)
    report = IngestReport()
    paths = sorted((raw_root / "actuals").glob("*.csv"))
    present = {_relative(p, raw_root) for p in paths}
    for path in paths:
        name = _relative(path, raw_root)
        if _all_unchanged(conn, {name: content_hash(path)}, "actuals"):
            report.unchanged.append(name)
            continue
        try:
            loaded = read_actuals(path)
        except RawFileError as error:
            _reject(conn, error, raw_root, quarantine, "actuals", report)
            continue
        now = _now()
        with _transaction(conn):
            _delete_file_rows(conn, ("actuals",), name)
            _insert(conn, "actuals", [{c: _actual_cell(r, c) for c in ACTUALS_COLUMNS} | _lineage(r["_row"], name,
                                      loaded.content_hash, now) for r in loaded.rows])
            _record_file(conn, name, "actuals", loaded.content_hash, len(loaded.rows), now)
        report.loaded.append(name)
    _remove_missing(conn, "actuals", present, ("actuals",), report)
    return report


def _actual_cell(row: dict, column: str):
    if column == "year":
        return int(row[column])
    return row[column] or None


def _replace_document(conn: duckdb.DuckDBPyConnection, document: PlanDocument, raw_root: Path) -> None:
    manifest = document.manifest.rows[0]
    doc_id = manifest["document_id"]
    manifest_name = _relative(document.manifest.path, raw_root)
    now = _now()
    rows: dict[str, list[dict]] = {t: [] for t in PLAN_TABLES}
    rows["plan_documents"].append({k: v for k, v in manifest.items() if k in MANIFEST_FIELDS and k != "tables"}
                                  | _lineage(None, manifest_name, document.manifest.content_hash, now))
    for spec, table in zip(manifest["tables"], document.tables):
        table_name = _relative(table.path, raw_root)
        rows["plan_tables"].append({
            "document_id": doc_id, "table_id": spec["table_id"], "file": spec["file"], "title": spec["title"],
            "kind": spec["kind"], "plan_period": spec["plan_period"], "source_line": spec["source_line"],
            "notes": json.dumps(spec["notes"], ensure_ascii=False) if spec.get("notes") else None,
        } | _lineage(None, manifest_name, document.manifest.content_hash, now))
        for column_no, col in enumerate(spec["columns"], start=1):
            rows["plan_columns"].append({
                "document_id": doc_id, "table_id": spec["table_id"], "column_no": column_no,
                "column_name": col["name"], "published_header": col.get("published_header", col["name"]),
                "role": col["role"], "value_kind": col.get("value_kind"), "year": col.get("year"),
            } | _lineage(None, manifest_name, document.manifest.content_hash, now))
        for row_no, row in enumerate(table.rows, start=1):
            for col in spec["columns"]:
                rows["plan_cells"].append({
                    "document_id": doc_id, "table_id": spec["table_id"], "row_no": row_no,
                    "column_name": col["name"], "cell_text": row[col["name"]],
                    "source_line": int(row["source_line"]),
                } | _lineage(row["_row"], table_name, table.content_hash, now))
    with _transaction(conn):
        # Rows of this document may have come from files since renamed: clear by document and by file.
        for table in PLAN_TABLES:
            conn.execute(f"DELETE FROM raw.{table} WHERE document_id = ?", [doc_id])
        for loaded in document.files:
            _delete_file_rows(conn, PLAN_TABLES, _relative(loaded.path, raw_root))
        for table, table_rows in rows.items():
            _insert(conn, table, table_rows)
        for loaded in document.files:
            count = 1 if loaded is document.manifest else len(loaded.rows)
            _record_file(conn, _relative(loaded.path, raw_root), "plans", loaded.content_hash, count, now)


def _reject(conn, error: RawFileError, raw_root: Path, quarantine: Path, dataset: str, report: IngestReport) -> None:
    """Keep what the file loaded before; note why it was refused; set a copy aside for a person to look at."""
    source = Path(error.path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    kept_as = None
    if source.is_file():
        quarantine.mkdir(parents=True, exist_ok=True)
        kept = quarantine / f"{stamp}__{_relative(source, raw_root).replace('/', '__')}"
        shutil.copy2(source, kept)
        kept.with_name(kept.name + ".reason.txt").write_text(str(error) + "\n", encoding="utf-8")
        kept_as = str(kept)
    conn.execute(
        "INSERT INTO raw._rejections VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [_relative(source, raw_root), dataset, content_hash(source) if source.is_file() else None,
         error.row, error.column, str(error), kept_as, _now()],
    )
    report.rejected.append(error)


def _remove_missing(conn, dataset: str, present: set[str], tables: tuple[str, ...], report: IngestReport) -> None:
    known = [r[0] for r in conn.execute("SELECT source_file FROM raw._files WHERE dataset = ?", [dataset]).fetchall()]
    for name in sorted(set(known) - present):
        with _transaction(conn):
            _delete_file_rows(conn, tables, name)
            conn.execute("DELETE FROM raw._files WHERE source_file = ?", [name])
        report.removed.append(name)


def _all_unchanged(conn, hashes: dict[str, str], dataset: str) -> bool:
    if not hashes:
        return False
    known = dict(conn.execute("SELECT source_file, content_hash FROM raw._files WHERE dataset = ?",
                              [dataset]).fetchall())
    return all(known.get(name) == digest for name, digest in hashes.items())


def _delete_file_rows(conn, tables: tuple[str, ...], source_file: str) -> None:
    for table in tables:
        conn.execute(f"DELETE FROM raw.{table} WHERE _source_file = ?", [source_file])


def _record_file(conn, name: str, dataset: str, digest: str, row_count: int, now: datetime) -> None:
    conn.execute("INSERT OR REPLACE INTO raw._files VALUES (?, ?, ?, ?, ?)", [name, dataset, digest, row_count, now])


def _insert(conn, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    columns = [c[0] for c in conn.execute(f"SELECT * FROM raw.{table} LIMIT 0").description]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns, dtype=object)
    conn.register("_incoming", frame)
    try:
        conn.execute(f"INSERT INTO raw.{table} SELECT * FROM _incoming")
    finally:
        conn.unregister("_incoming")


def _lineage(row: int | None, source_file: str, digest: str, now: datetime) -> dict:
    return {"_source_file": source_file, "_source_row": row, "_content_hash": digest, "_loaded_at": now}


def _relative(path: Path, raw_root: Path) -> str:
    try:
        return path.resolve().relative_to(raw_root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _now() -> datetime:
    return datetime.now(timezone.utc)


class _transaction:
    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN TRANSACTION")

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        return False
