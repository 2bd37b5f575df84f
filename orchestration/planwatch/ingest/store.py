"""Bookkeeping of what was loaded from each file (raw._files), removal of the rows of files that are gone, and the
one transaction each file's change is made in."""

from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from planwatch.ingest.report import IngestReport
from planwatch.readonce import ReadFile, signature


def remove_missing(conn, dataset: str, present: set[str], tables: tuple[str, ...], report: IngestReport) -> None:
    known = [r[0] for r in conn.execute("SELECT source_file FROM raw._files WHERE dataset = ?", [dataset]).fetchall()]
    for name in sorted(set(known) - present):
        with transaction(conn):
            delete_file_rows(conn, tables, name)
            conn.execute("DELETE FROM raw._files WHERE source_file = ?", [name])
        report.removed.append(name)


def known_hashes(conn, dataset: str) -> dict[str, str]:
    return {name: known.content_hash for name, known in known_files(conn, dataset).items()}


class KnownFile(NamedTuple):
    content_hash: str
    stat_signature: str | None  # planwatch.readonce.signature when the bytes were read; None for a plan document's


def known_files(conn, dataset: str | None = None) -> dict[str, KnownFile]:
    """What raw._files records of each file of `dataset` (of every dataset when None)."""
    rows = conn.execute(
        "SELECT source_file, content_hash, stat_signature FROM raw._files WHERE $dataset IS NULL OR dataset = $dataset",
        {"dataset": dataset},
    ).fetchall()
    return {name: KnownFile(digest, stat) for name, digest, stat in rows}


def unchanged_on_disk(known: KnownFile | None, path: Path) -> bool:
    """True when the file is, by its signature, the one whose bytes were loaded: then it need not be read (nor
    hashed) again. Anything else (a write, a replacement, a touch) and it is read, and its hash decides."""
    return known is not None and known.stat_signature is not None and known.stat_signature == signature(path.stat())


def remember_signature(conn, name: str, stat_signature: str) -> None:
    """A file read again and found to hold the same bytes (touched, copied back): the next run need not read it."""
    conn.execute("UPDATE raw._files SET stat_signature = ? WHERE source_file = ?", [stat_signature, name])


def all_unchanged(known: dict[str, str], hashes: dict[str, str]) -> bool:
    return bool(hashes) and all(known.get(name) == digest for name, digest in hashes.items())


def delete_file_rows(conn, tables: tuple[str, ...], source_file: str) -> None:
    for table in tables:
        conn.execute(f"DELETE FROM raw.{table} WHERE _source_file = ?", [source_file])


def record_file(conn, name: str, dataset: str, read: ReadFile, row_count: int, now: datetime) -> None:
    record_files(conn, [(name, dataset, read.digest, row_count, now, read.signature)])


def record_files(conn, files: list[tuple]) -> None:
    """(source_file, dataset, content_hash, row_count, loaded_at, stat_signature or None) for each file."""
    conn.execute("DELETE FROM raw._files WHERE source_file IN (SELECT unnest(?))", [[f[0] for f in files]])
    frame = pd.DataFrame(files, columns=FILES_COLUMNS)
    conn.from_df(frame).insert_into("raw._files")


FILES_COLUMNS = ["source_file", "dataset", "content_hash", "row_count", "loaded_at", "stat_signature"]


def relative_path(path: Path, raw_root: Path) -> str:
    """The path as named under raw/; not resolved, so a link keeps its own name (and one leading out is named)."""
    try:
        return path.relative_to(raw_root).as_posix()
    except ValueError:
        return path.as_posix()


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def transaction(conn):
    """One file's change, all or nothing: a file that fails half-way leaves what it had loaded before."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
