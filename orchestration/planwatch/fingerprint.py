"""What a refresh would read, as one digest: every input file under raw/ (path and content hash) and the code.

The sensor's cursor is the raw digest; a refresh records the input fingerprint (raw digest and code version)
it started from in the file it publishes (meta.build_info.input_fingerprint), so that a refresh whose inputs and
code are what the published build was made from has nothing to do (`planwatch refresh` says so and stops), and
the sensor starts from what the published build loaded rather than firing at once.
"""

import hashlib
import json
from pathlib import Path

import duckdb

from planwatch import settings
from planwatch.changes import code_version
from planwatch.contract import content_hash, is_side_file, resolves_inside
from planwatch.ingest.store import KnownFile, known_files, unchanged_on_disk

# What a refresh reads; raw/inbox and raw/extracted are the extractor's and change nothing in the warehouse.
WATCHED = ("plans", "actuals", "mappings")


def raw_fingerprint() -> tuple[str, dict[str, str]]:
    """A digest of every input file under raw/plans, raw/actuals and raw/mappings (path + content hash). A file that
    still has the signature (planwatch.readonce.signature) the published build recorded when it read it has that
    build's hash, unread; any other is hashed."""
    root = settings.raw_dir()
    recorded = _recorded_files()
    # A link out of raw/ is never read (the ingest refuses it): its target's path stands in for its content.
    files = {
        p.relative_to(root).as_posix(): _hash(p, recorded.get(p.relative_to(root).as_posix()))
        if resolves_inside(p, root)
        else f"outside:{p.resolve()}"
        for folder in WATCHED
        for p in sorted((root / folder).rglob("*"))
        if p.is_file() and not is_side_file(p)
    }
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    return digest, files


def _hash(path: Path, recorded: KnownFile | None) -> str:
    return recorded.content_hash if unchanged_on_disk(recorded, path) else content_hash(path)


def _recorded_files() -> dict[str, KnownFile]:
    """What the published warehouse recorded of each file it loaded; {} without one (or with one too old to record
    signatures)."""
    published = settings.warehouse_path()
    if not published.is_file():
        return {}
    try:
        with duckdb.connect(str(published), read_only=True) as conn:
            return known_files(conn)
    except duckdb.Error:
        return {}


def input_fingerprint(raw_digest: str | None = None) -> str:
    """The raw digest and the code version, as one."""
    digest = raw_digest if raw_digest is not None else raw_fingerprint()[0]
    return hashlib.sha256(f"{digest}:{code_version()}".encode()).hexdigest()
