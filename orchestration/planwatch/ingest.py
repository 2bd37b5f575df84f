"""Load validated raw files into the warehouse's `raw` schema, file by file, with lineage.

Each stored row carries `_source_file` (relative to raw/), `_source_row` (its row in that file), `_content_hash`
(sha256 of the file) and `_loaded_at`. `raw._files` remembers what was loaded from each file, so:
- a file whose hash is unchanged is skipped (its rows stay as they are, `_loaded_at` included);
- a changed file replaces its rows, in one transaction;
- a file that is gone has its rows removed;
- a file that breaks its contract is rejected: its error goes to `raw._rejections`, a copy of it to the
  quarantine folder, and whatever it had loaded before stays untouched;
- a link that leads out of raw/ is rejected without being read.

An actuals file is streamed into its table in batches inside its transaction: Python holds one batch at a time,
DuckDB the staged rows (within its memory_limit, spilling beyond it). Rules across rows (repeated and conflicting
figures) are then checked by SQL on the rows just staged, before the transaction commits.
"""

import itertools
import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from planwatch.raw_files import ACTUALS_COLUMNS, ACTUALS_SUFFIXES, MANIFEST_FIELDS, PlanDocument, RawFileError, \
    check_inside, content_hash, iter_actuals, read_plan_document, resolves_inside

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
PLAN_BATCH_DOCUMENTS = 250
# Rows of an actuals file held in Python at a time (about 2 KB each); DuckDB holds the rest.
ACTUALS_BATCH_ROWS = 10_000
# Two rows describe the same figure when these agree; an empty scope is 全域 and an empty period is a year, as
# stg_actuals reads them.
_FIGURE_KEY = "region_code, indicator, year, coalesce(scope, '全域'), coalesce(period, 'year')"
# The rows of a file whose figure occurs more than once: only they can repeat or contradict another. Picked by a hash
# of the figure first (a collision only adds a row to look at), so the window functions that compare whole rows sort
# a handful of rows rather than the whole file.
_REPEATED_FIGURES = f"""
    SELECT * FROM raw.actuals WHERE _source_file = $file AND hash({_FIGURE_KEY}) IN (
        SELECT hash({_FIGURE_KEY}) FROM raw.actuals WHERE _source_file = $file GROUP BY ALL HAVING count(*) > 1)"""
_QUARANTINE_UNSAFE = re.compile(r"[^A-Za-z0-9._\-\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass
class IngestReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rejected: list[RawFileError] = field(default_factory=list)
    deduplicated: dict[str, int] = field(default_factory=dict)  # file → rows dropped as exact repeats of a row above

    def as_metadata(self) -> dict:
        return {"loaded": self.loaded, "unchanged": self.unchanged, "removed": self.removed,
                "rejected": [str(e) for e in self.rejected], "deduplicated": self.deduplicated}


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
    # Read once: a national corpus has thousands of documents, and per-folder look-ups made the ingest quadratic.
    known = _known_hashes(conn, "plans")
    known_documents = {r[0] for r in conn.execute("SELECT DISTINCT document_id FROM raw.plan_documents").fetchall()}
    pending: list[tuple[PlanDocument, bool]] = []  # validated documents, stored a batch at a time
    for folder in folders:
        files = sorted(folder.glob("*"))
        present.update(_relative(p, raw_root) for p in files)
        try:
            for path in (folder, *files):
                check_inside(path, raw_root)
        except RawFileError as error:
            _reject(conn, error, raw_root, quarantine, "plans", report)
            continue
        hashes = {_relative(p, raw_root): content_hash(p) for p in files if p.is_file()}
        if _all_unchanged(known, hashes):
            report.unchanged.extend(hashes)
            continue
        try:
            document = read_plan_document(folder)
        except RawFileError as error:
            _reject(conn, error, raw_root, quarantine, "plans", report)
            continue
        pending.append((document, folder.name in known_documents or any(name in known for name in hashes)))
        report.loaded.extend(_relative(f.path, raw_root) for f in document.files)
        if len(pending) >= PLAN_BATCH_DOCUMENTS:
            _store_documents(conn, pending, raw_root)
            pending.clear()
    _store_documents(conn, pending, raw_root)
    _remove_missing(conn, "plans", present, PLAN_TABLES, report)
    return report


def ingest_actuals(conn: duckdb.DuckDBPyConnection, raw_root: Path, quarantine: Path) -> IngestReport:
    """Load every raw/actuals/*.csv and *.xlsx; each file is accepted or rejected on its own."""
    ensure_raw_schema(conn)
    report = IngestReport()
    paths = sorted(p for suffix in ACTUALS_SUFFIXES for p in (raw_root / "actuals").glob(f"*{suffix}") if p.is_file())
    present = {_relative(p, raw_root) for p in paths}
    known = _known_hashes(conn, "actuals")
    for path in paths:
        name = _relative(path, raw_root)
        try:
            check_inside(path, raw_root)
            digest = content_hash(path)
            if _all_unchanged(known, {name: digest}):
                report.unchanged.append(name)
                continue
            with _transaction(conn):
                dropped = _replace_actuals(conn, path, name, digest, replaces=name in known)
        except RawFileError as error:
            _reject(conn, error, raw_root, quarantine, "actuals", report)
            continue
        report.loaded.append(name)
        if dropped:
            report.deduplicated[name] = dropped
    _remove_missing(conn, "actuals", present, ("actuals",), report)
    return report


def _replace_actuals(conn, path: Path, name: str, digest: str, replaces: bool) -> int:
    """Replace the file's rows, inside the caller's transaction: a bad row or a conflict raises and so rolls back
    to the rows loaded before. Returns how many rows were dropped as exact repeats."""
    now = _now()
    if replaces:  # a file never loaded has no rows to clear (and the scan costs a table's length)
        _delete_file_rows(conn, ("actuals",), name)
    staged = 0
    for batch in _batches(iter_actuals(path), ACTUALS_BATCH_ROWS):
        _insert(conn, "actuals", [{c: _actual_cell(row, c) for c in ACTUALS_COLUMNS}
                                  | _lineage(row_no, name, digest, now) for row_no, row in batch])
        staged += len(batch)
    _check_conflicts(conn, path, name)
    dropped = _drop_repeats(conn, name)
    _record_file(conn, name, "actuals", digest, staged - dropped, now)
    return dropped


def _batches(rows, size: int):
    while batch := list(itertools.islice(rows, size)):
        yield batch


def _actual_cell(row: dict, column: str):
    if column == "year":
        return int(row[column])
    return row[column] or None


def _check_conflicts(conn, path: Path, name: str) -> None:
    """Two rows of one file that give the same figure different values (or units) cannot both be right: the file
    is refused, naming the first row of that figure and the first row that disagrees with it."""
    conflict = conn.execute(f"""
        SELECT first_row, _source_row, first_raw_value, raw_value, first_unit, unit FROM (
            SELECT _source_row, raw_value, unit, first_value(_source_row) OVER figure AS first_row,
                   first_value(raw_value) OVER figure AS first_raw_value, first_value(unit) OVER figure AS first_unit
            FROM ({_REPEATED_FIGURES})
            WINDOW figure AS (PARTITION BY {_FIGURE_KEY} ORDER BY _source_row))
        WHERE raw_value IS DISTINCT FROM first_raw_value OR unit IS DISTINCT FROM first_unit
        ORDER BY _source_row LIMIT 1""", {"file": name}).fetchone()
    if conflict:
        first_row, row, first_value, value, first_unit, unit = conflict
        raise RawFileError(path, f"row {first_row} and row {row} give one figure (same region_code, indicator, "
                                 f"year, scope and period) different values: expected row {row} to repeat "
                                 f"{first_value!r} {first_unit!r} of row {first_row}, found {value!r} {unit!r}",
                           row=row, column="raw_value" if value != first_value else "unit")


def _drop_repeats(conn, name: str) -> int:
    """Rows equal in every contract column say the same thing twice: keep the first."""
    return conn.execute(f"""
        DELETE FROM raw.actuals WHERE _source_file = $file AND _source_row IN (
            SELECT _source_row FROM ({_REPEATED_FIGURES})
            QUALIFY row_number() OVER (PARTITION BY {', '.join(ACTUALS_COLUMNS)} ORDER BY _source_row) > 1)""",
                        {"file": name}).fetchone()[0]


def _store_documents(conn: duckdb.DuckDBPyConnection, batch: list[tuple[PlanDocument, bool]], raw_root: Path) -> None:
    """Store validated documents in one transaction, one insert per table: per-document inserts cost milliseconds
    each, which a national corpus (thousands of documents) turns into minutes. Each document was validated as a
    whole before it got here, so the batch changes nothing in what is accepted; a crash rolls the batch back
    and the next refresh loads those documents again (their hashes were not recorded)."""
    if not batch:
        return
    now = _now()
    rows: dict[str, list[dict]] = {t: [] for t in PLAN_TABLES}
    files = []
    for document, _ in batch:
        for table, table_rows in _document_rows(document, raw_root, now).items():
            rows[table].extend(table_rows)
        files.extend((_relative(f.path, raw_root), "plans", f.content_hash,
                      1 if f is document.manifest else len(f.rows), now) for f in document.files)
    with _transaction(conn):
        for document, replaces in batch:
            # Rows of this document may have come from files since renamed: clear by document and by file. A
            # document never loaded has nothing to clear, and each DELETE scans the table: skipped then.
            if replaces:
                for table in PLAN_TABLES:
                    conn.execute(f"DELETE FROM raw.{table} WHERE document_id = ?",
                                 [document.manifest.rows[0]["document_id"]])
                for loaded in document.files:
                    _delete_file_rows(conn, PLAN_TABLES, _relative(loaded.path, raw_root))
        for table, table_rows in rows.items():
            _insert(conn, table, table_rows)
        _record_files(conn, files)


def _document_rows(document: PlanDocument, raw_root: Path, now: datetime) -> dict[str, list[dict]]:
    manifest = document.manifest.rows[0]
    doc_id = manifest["document_id"]
    manifest_name = _relative(document.manifest.path, raw_root)
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
    return rows


def _reject(conn, error: RawFileError, raw_root: Path, quarantine: Path, dataset: str, report: IngestReport) -> None:
    """Keep what the file loaded before; note why it was refused; set a copy aside for a person to look at."""
    source = Path(error.path)
    readable = source.is_file() and resolves_inside(source, raw_root)  # a link out of raw/ is never read
    digest = content_hash(source) if readable else None
    kept_as = None
    if readable:
        # Named by content: the same bad file, refused again by every refresh until it is fixed, is set aside once.
        kept = quarantine / f"{digest[:16]}__{_quarantine_name(_relative(source, raw_root))}"
        if not kept.exists():
            quarantine.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, kept)
            kept.with_name(kept.name + ".reason.txt").write_text(str(error) + "\n", encoding="utf-8")
        kept_as = str(kept)
    conn.execute(
        "INSERT INTO raw._rejections VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [_relative(source, raw_root), dataset, digest, error.row, error.column, str(error), kept_as, _now()],
    )
    report.rejected.append(error)


def _quarantine_name(relative: str) -> str:
    """A path under raw/ as one file name of [A-Za-z0-9._-] and Chinese characters: whatever a raw file is called,
    its copy stays inside the quarantine folder and is safe to handle in a shell."""
    return _QUARANTINE_UNSAFE.sub("_", relative.replace("/", "__"))


def _remove_missing(conn, dataset: str, present: set[str], tables: tuple[str, ...], report: IngestReport) -> None:
    known = [r[0] for r in conn.execute("SELECT source_file FROM raw._files WHERE dataset = ?", [dataset]).fetchall()]
    for name in sorted(set(known) - present):
        with _transaction(conn):
            _delete_file_rows(conn, tables, name)
            conn.execute("DELETE FROM raw._files WHERE source_file = ?", [name])
        report.removed.append(name)


def _known_hashes(conn, dataset: str) -> dict[str, str]:
    return dict(conn.execute("SELECT source_file, content_hash FROM raw._files WHERE dataset = ?",
                             [dataset]).fetchall())


def _all_unchanged(known: dict[str, str], hashes: dict[str, str]) -> bool:
    return bool(hashes) and all(known.get(name) == digest for name, digest in hashes.items())


def _delete_file_rows(conn, tables: tuple[str, ...], source_file: str) -> None:
    for table in tables:
        conn.execute(f"DELETE FROM raw.{table} WHERE _source_file = ?", [source_file])


def _record_file(conn, name: str, dataset: str, digest: str, row_count: int, now: datetime) -> None:
    _record_files(conn, [(name, dataset, digest, row_count, now)])


def _record_files(conn, files: list[tuple]) -> None:
    conn.execute("DELETE FROM raw._files WHERE source_file IN (SELECT unnest(?))", [[f[0] for f in files]])
    frame = pd.DataFrame(files, columns=["source_file", "dataset", "content_hash", "row_count", "loaded_at"])
    conn.from_df(frame).insert_into("raw._files")


def _insert(conn, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    columns = [c[0] for c in conn.execute(f"SELECT * FROM raw.{table} LIMIT 0").description]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns, dtype=object)
    # Not conn.register(): a frame registered inside a transaction stays referenced until the transaction ends,
    # which would hold every batch of a streamed file in memory at once.
    conn.from_df(frame).insert_into(f"raw.{table}")


def _lineage(row: int | None, source_file: str, digest: str, now: datetime) -> dict:
    return {"_source_file": source_file, "_source_row": row, "_content_hash": digest, "_loaded_at": now}


def _relative(path: Path, raw_root: Path) -> str:
    """The path as named under raw/; not resolved, so a link keeps its own name (and one leading out is named)."""
    try:
        return path.relative_to(raw_root).as_posix()
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
