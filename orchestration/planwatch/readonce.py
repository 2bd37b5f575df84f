"""Read an input file once, and hash exactly the bytes that were read.

A file under raw/ can change while a refresh reads it: an analyst saves over it, a sync tool replaces it. If the
hash were taken on one read and the rows on another, the warehouse could record version A's hash beside version
B's rows (and judge the file unchanged ever after), or publish a half-written file. So a file is read once, into
a private copy (in memory, or a temporary file beside the working warehouse when it is large), the hash is taken
of those bytes as they stream past, and everything after — decoding, parsing, the quarantine copy — reads the
private copy. If the file's size, mtime, ctime or inode differ between the start and the end of that read, it
was changing: it is refused for this run (`FileChanging`), and the rows an earlier version loaded stay.

A file can also be caught between two writes of a writer that saves it in pieces: the read is steady, but the
file is half new, half old. So a file modified less than a settling time before the read ended
(PLANWATCH_SETTLE_SECONDS, 1 s by default) is treated as still being written, and refused for this run too.
"""

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Up to this size the private copy stays in memory; beyond it, it spills to a temporary file.
IN_MEMORY_BYTES = 64 << 20
_CHUNK = 1 << 20
SETTLE_ENV = "PLANWATCH_SETTLE_SECONDS"
# How long before a read a file must have last changed for its signature to be trusted (see read_once's end).
SIGNATURE_MIN_AGE = 0.1
DEFAULT_SETTLE_SECONDS = 1.0


def settle_seconds() -> float:
    return float(os.environ.get(SETTLE_ENV, DEFAULT_SETTLE_SECONDS))


class FileChanging(OSError):
    """The file changed while it was being read: try again (the next refresh reads it anew)."""

    def __init__(self, path: Path, what: str):
        self.path = path
        super().__init__(
            f"{path}: changed while it was being read ({what}): not loaded this time, try again; "
            f"what an earlier version loaded is kept"
        )


@dataclass
class ReadFile:
    """A private copy of one input file, with the sha256 of its bytes."""

    path: Path
    digest: str
    size: int
    _copy: IO[bytes]
    signature: str | None = None  # the file's `signature` while it was read (None when it was too young to trust)

    def open(self) -> IO[bytes]:
        """The copy, rewound: read it as often as needed, it never changes."""
        self._copy.seek(0)
        return self._copy

    def open_copy_closed(self) -> bool:
        return self._copy.closed

    def read_bytes(self) -> bytes:
        return self.open().read()

    def save_as(self, target: Path) -> None:
        """Write the bytes that were read (not the file as it is now) to `target`."""
        with open(target, "wb") as out:
            shutil.copyfileobj(self.open(), out)

    def close(self) -> None:
        self._copy.close()

    def __enter__(self) -> "ReadFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def signature(stat: os.stat_result) -> str:
    """Device, inode, size, mtime and ctime (ns): any write to a file, any replacement, changes one of them (ctime
    cannot be set back by a program), so a file whose signature is the one recorded when it was read holds the
    bytes that were read then."""
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}"


def read_once(path: Path, spool_dir: Path | None = None) -> ReadFile:
    """Copy `path` privately while hashing it; raise FileChanging if it changed during the read."""
    before = os.stat(path)
    copy = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES, dir=spool_dir)  # noqa: SIM115 (returned open)
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as f:
            opened = os.fstat(f.fileno())
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                copy.write(chunk)
                size += len(chunk)
            after_read = os.fstat(f.fileno())
        after = os.stat(path)
        if signature(opened) != signature(before) or signature(after) != signature(before):
            what = "replaced" if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino) else "rewritten"
            raise FileChanging(path, what)
        if signature(after_read) != signature(opened) or size != opened.st_size:
            raise FileChanging(path, f"{opened.st_size} bytes when opened, {size} read")
        age = time.time() - max(after.st_mtime, after.st_ctime)
        if age < settle_seconds():
            raise FileChanging(
                path,
                f"modified {max(age, 0):.1f}s before it was read, less than the "
                f"{settle_seconds():g}s a file is left to settle: it may still be being written",
            )
    except BaseException:
        copy.close()
        raise
    # A file's times tick in steps of a few milliseconds: a write in the same step as the one before it, with the
    # same size, would leave the signature as it was. So a signature is kept (and the next read skipped on it) only
    # for a file last changed well before this read; one changed just before is read and hashed again next time.
    # (With the default settling time a file that young is refused anyway; the tests run with none.)
    kept = signature(after) if age >= SIGNATURE_MIN_AGE else None
    return ReadFile(path, digest.hexdigest(), size, copy, kept)


def content_hash(path: Path) -> str:
    """sha256 of a file as it is now (for fingerprints that only look: the sensor, the quarantine name)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
