"""The removal guard: a refresh that would take away much of what is published is refused, not published.

An unmounted share, a sync tool that emptied a folder, a script that truncated a file: to the ingest they all look
like files removed, and it removes their rows. That is right for a file a person deleted, and wrong for a folder
that is only missing for an hour. So after the ingest, the working file's inputs (raw._files) are compared with
the published version's: when more than a set share (PLANWATCH_MAX_REMOVAL_SHARE, 20% by default) of the rows
would go — rows, not files, since one file may hold everything and another one figure — or of the plan documents
(a plan is a unit however few rows it has), or when every file of the dataset would go, the check fails with
ERROR and the run publishes nothing. It says what would go. A person lets it through with
`planwatch refresh --allow-removals`; runs started by the schedule or a sensor never can: they report it.
Nothing downstream runs (the check blocks), so the actuals history is not touched either.
"""

from dataclasses import dataclass
from pathlib import Path

import duckdb

ALLOW_TAG = "planwatch/allow_removals"
# Tags Dagster puts on runs that a schedule or a sensor started: such runs may never override the guard.
AUTOMATION_TAGS = ("dagster/schedule_name", "dagster/sensor_name")
SHOWN = 10


@dataclass(frozen=True)
class Removals:
    dataset: str
    files_before: int
    files_removed: list[str]
    rows_before: int
    rows_removed: int
    documents_before: int = 0  # plan documents (their manifests); none for actuals
    documents_removed: int = 0

    def share(self) -> float:
        return max(self.rows_removed / (self.rows_before or 1), self.documents_removed / (self.documents_before or 1))

    def everything(self) -> bool:
        return self.files_before > 0 and len(self.files_removed) == self.files_before

    def describe(self) -> str:
        names = ", ".join(self.files_removed[:SHOWN]) + (" …" if len(self.files_removed) > SHOWN else "")
        documents = (
            f"{self.documents_removed} of {self.documents_before} plan document(s), " if self.documents_before else ""
        )
        return (
            f"{documents}{len(self.files_removed)} of {self.files_before} {self.dataset} file(s) and "
            f"{self.rows_removed} of {self.rows_before} row(s) would go" + (f" ({names})" if names else "")
        )


def removals(conn: duckdb.DuckDBPyConnection, published: Path, dataset: str) -> Removals | None:
    """What this refresh would remove of the published version's `dataset` (plans or actuals); None when nothing
    is published yet (there is nothing to lose)."""
    if not published.exists():
        return None
    with duckdb.connect(str(published), read_only=True) as reference:
        try:
            before = reference.execute(
                "SELECT source_file, row_count FROM raw._files WHERE dataset = ?", [dataset]
            ).fetchall()
        except duckdb.CatalogException:
            return None
    now = dict(conn.execute("SELECT source_file, row_count FROM raw._files WHERE dataset = ?", [dataset]).fetchall())
    gone = sorted(name for name, _ in before if name not in now)
    rows_removed = sum(max(0, rows - now.get(name, 0)) for name, rows in before)
    manifests = [name for name, _ in before if name.endswith("/manifest.json")]
    return Removals(
        dataset,
        len(before),
        gone,
        sum(rows for _, rows in before),
        rows_removed,
        len(manifests),
        sum(name not in now for name in manifests),
    )


def refusal(found: Removals | None, limit: float) -> str | None:
    """Why the removals are too many to publish, or None when they are within the limit."""
    if found is None or not (found.files_removed or found.rows_removed):
        return None
    everything = found.everything() or (found.rows_before > 0 and found.rows_removed >= found.rows_before)
    if not everything and found.share() <= limit:
        return None
    how_much = "all of them" if everything else f"{found.share():.0%}, more than the {limit:.0%} allowed"
    return (
        f"{found.describe()}: {how_much}. Nothing is published. If the files were removed on purpose, run "
        f"`planwatch refresh --allow-removals`; if a folder is missing (an unmounted share), bring it back"
    )


def may_override(tags: dict[str, str]) -> bool:
    """A person's run that asked for it; never a run a schedule or a sensor started."""
    return tags.get(ALLOW_TAG) == "true" and not any(tag in tags for tag in AUTOMATION_TAGS)
