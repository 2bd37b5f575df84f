"""A refused file: its error goes to raw._rejections (file, row, column, reason), a copy of its bytes to the
quarantine folder, and whatever it loaded before stays untouched; a rejection is resolved when the file is fixed or
removed."""

import re
from pathlib import Path

from planwatch.contract import RawFileError, resolves_inside
from planwatch.ingest.report import IngestReport
from planwatch.ingest.store import relative_path, utc_now
from planwatch.readonce import FileChanging, ReadFile, read_once

_QUARANTINE_UNSAFE = re.compile(r"[^A-Za-z0-9._\-\u3400-\u4dbf\u4e00-\u9fff]")


def refuse_file(
    conn,
    error: Exception,
    raw_root: Path,
    quarantine: Path,
    dataset: str,
    report: IngestReport,
    read: ReadFile | None = None,
) -> None:
    """A file that changed while it was read is deferred to the next refresh; any other error rejects the file."""
    if isinstance(error, FileChanging):
        report.deferred.append(str(error))
        report.deferred_files.append(relative_path(Path(error.path), raw_root))
        return
    _reject(conn, error, raw_root, quarantine, dataset, report, read)


def _reject(
    conn,
    error: RawFileError,
    raw_root: Path,
    quarantine: Path,
    dataset: str,
    report: IngestReport,
    read: ReadFile | None = None,
) -> None:
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
        kept = quarantine / f"{digest[:16]}__{_quarantine_name(relative_path(source, raw_root))}"
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
        [relative_path(source, raw_root), dataset, digest, error.row, error.column, str(error), kept_as, utc_now()],
    )
    report.rejected.append(error)


def _quarantine_name(relative: str) -> str:
    """A path under raw/ as one file name of [A-Za-z0-9._-] and Chinese characters: whatever a raw file is called,
    its copy stays inside the quarantine folder and is safe to handle in a shell."""
    return _QUARANTINE_UNSAFE.sub("_", relative.replace("/", "__"))


def resolve_rejections(conn, dataset: str, raw_root: Path, report: IngestReport) -> None:
    """A refused file is read again by every refresh. One this refresh did not refuse (and did not defer) was
    fixed, or removed: its open refusals are closed, with the time and which it was."""
    still = [relative_path(Path(e.path), raw_root) for e in report.rejected] + report.deferred_files
    open_files = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT source_file FROM raw._rejections WHERE dataset = ? AND resolved_at IS NULL", [dataset]
        ).fetchall()
    ]
    for name in set(open_files) - set(still):
        conn.execute(
            "UPDATE raw._rejections SET resolved_at = ?, resolution = ? WHERE dataset = ? AND "
            "source_file = ? AND resolved_at IS NULL",
            [utc_now(), "fixed" if (raw_root / name).exists() else "removed", dataset, name],
        )
