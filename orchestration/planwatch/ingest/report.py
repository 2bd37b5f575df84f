"""What one ingest did with each file: loaded, unchanged, removed, refused, deferred, ignored."""

from dataclasses import dataclass, field

from planwatch.contract import RawFileError


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
        return {
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "rejected": [str(e) for e in self.rejected],
            "deduplicated": self.deduplicated,
            "deferred": self.deferred,
            "ignored": self.ignored,
            "superseded": self.superseded,
            "warnings": self.warnings,
        }
