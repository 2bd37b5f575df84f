"""raw/actuals and raw/mappings: long files, one row per figure, streamed into their table in batches inside the
file's transaction; the rules across rows (planwatch.contract.rows) run on the rows just staged, before it commits."""

import itertools
from pathlib import Path

import duckdb

from planwatch.contract import (
    ACTUALS_STORED,
    ACTUALS_SUFFIXES,
    MAPPINGS,
    MAPPINGS_COLUMNS,
    RawFileError,
    check_inside,
    is_side_file,
    iter_actuals,
    iter_table,
)
from planwatch.contract.rows import check_conflicts, drop_repeats
from planwatch.ingest.plans import guarded_read
from planwatch.ingest.quarantine import refuse_file, resolve_rejections
from planwatch.ingest.report import IngestReport
from planwatch.ingest.schema import ensure_raw_schema, insert_rows, lineage_columns
from planwatch.ingest.store import (
    delete_file_rows,
    known_files,
    record_file,
    relative_path,
    remember_signature,
    remove_missing,
    transaction,
    unchanged_on_disk,
    utc_now,
)
from planwatch.readonce import FileChanging, ReadFile, read_once

# Rows of an actuals file held in Python at a time (about 2 KB each); DuckDB holds the rest.
ACTUALS_BATCH_ROWS = 10_000


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
            report.ignored.append(relative_path(path, raw_root))
    present = {relative_path(p, raw_root) for p in paths}
    known = known_files(conn, dataset)
    for path in paths:
        name = relative_path(path, raw_root)
        read = None
        try:
            check_inside(path, raw_root)
            if unchanged_on_disk(known.get(name), path):
                report.unchanged.append(name)
                continue
            read = read_once(path)
            if name in known and known[name].content_hash == read.digest:
                report.unchanged.append(name)
                if read.signature is not None:
                    remember_signature(conn, name, read.signature)
                continue
            with transaction(conn):
                # called at once, inside this iteration
                dropped = guarded_read(path, lambda: replace(conn, read, name, replaces=name in known))  # noqa: B023
        except (RawFileError, FileChanging) as error:
            refuse_file(conn, error, raw_root, quarantine, dataset, report, read)
            continue
        finally:
            if read is not None:
                read.close()
        report.loaded.append(name)
        if dropped:
            report.deduplicated[name] = dropped
    remove_missing(conn, dataset, present, (dataset,), report)
    resolve_rejections(conn, dataset, raw_root, report)
    return report


def _replace_mappings(conn, read: ReadFile, name: str, replaces: bool) -> int:
    """Replace the file's mappings, inside the caller's transaction. A name (in a document, a table) mapped to two
    ids — in this file, or by this file and another — is refused naming both rows, as is a new catalog id that two
    rows define differently."""
    now = utc_now()
    if replaces:
        delete_file_rows(conn, ("mappings",), name)
    rows = [
        {c: (row[c] or None) for c in MAPPINGS_COLUMNS} | lineage_columns(row_no, name, read.digest, now)
        for row_no, row in iter_table(read, MAPPINGS)
    ]
    insert_rows(conn, "mappings", rows)
    conflict = conn.execute(
        """
        SELECT m._source_row, o._source_file, o._source_row, o.indicator_id, m.indicator_id
        FROM raw.mappings m JOIN raw.mappings o
          ON o.name_as_published = m.name_as_published AND o.document_id IS NOT DISTINCT FROM m.document_id
         AND o.table_id IS NOT DISTINCT FROM m.table_id AND o.indicator_id <> m.indicator_id
         AND (o._source_file, o._source_row) <> (m._source_file, m._source_row)
        WHERE m._source_file = $file ORDER BY 1, 2, 3 LIMIT 1""",
        {"file": name},
    ).fetchone()
    if conflict:
        row, other_file, other_row, other_id, this_id = conflict
        raise RawFileError(
            read.path,
            f"maps the name to {this_id!r}, while row {other_row} of {other_file} maps it "
            f"(in the same document and table) to {other_id!r}: one name, one meaning",
            row=row,
            column="indicator_id",
        )
    defined = conn.execute(
        """
        SELECT m._source_row, o._source_file, o._source_row, m.indicator_id
        FROM raw.mappings m JOIN raw.mappings o ON o.indicator_id = m.indicator_id
         AND (o.new_direction IS NOT NULL OR m.new_direction IS NOT NULL)
         AND (o.new_unit IS DISTINCT FROM m.new_unit OR o.new_direction IS DISTINCT FROM m.new_direction
              OR o.new_accumulation IS DISTINCT FROM m.new_accumulation)
         AND (o._source_file, o._source_row) <> (m._source_file, m._source_row)
        WHERE m._source_file = $file AND m.new_direction IS NOT NULL ORDER BY 1, 2, 3 LIMIT 1""",
        {"file": name},
    ).fetchone()
    if defined:
        row, other_file, other_row, new_id = defined
        raise RawFileError(
            read.path,
            f"defines the new catalog entry {new_id!r} with another unit, direction or "
            f"accumulation than row {other_row} of {other_file}: give them once, the same",
            row=row,
            column="indicator_id",
        )
    record_file(conn, name, "mappings", read, len(rows), now)
    return 0


def _replace_actuals(conn, read: ReadFile, name: str, replaces: bool) -> int:
    """Replace the file's rows, inside the caller's transaction: a bad row or a conflict raises and so rolls back
    to the rows loaded before. Returns how many rows were dropped as exact repeats."""
    now = utc_now()
    if replaces:  # a file never loaded has no rows to clear (and the scan costs a table's length)
        delete_file_rows(conn, ("actuals",), name)
    staged = 0
    for batch in _batches(iter_actuals(read), ACTUALS_BATCH_ROWS):
        insert_rows(
            conn,
            "actuals",
            [
                {c: _actual_cell(row, c) for c in ACTUALS_STORED} | lineage_columns(row_no, name, read.digest, now)
                for row_no, row in batch
            ],
        )
        staged += len(batch)
    check_conflicts(conn, read.path, name)
    dropped = drop_repeats(conn, name)
    record_file(conn, name, "actuals", read, staged - dropped, now)
    return dropped


def _batches(rows, size: int):
    while batch := list(itertools.islice(rows, size)):
        yield batch


def _actual_cell(row: dict, column: str):
    if column == "year":
        return int(row[column])
    return row[column] or None
