"""What changed since the published version: the scope of an incremental refresh.

A refresh compares the inputs it has loaded (raw._files) and the code it runs (`code_version()`: the dbt project,
the GX suites and this package) with what the published warehouse records in meta.build_info/build_inputs:
- same code, and the only differences are new actuals files: an incremental refresh — the GX suites validate the
  rows of the regions those files are about, plus whole-table aggregates (row count, uniqueness of the key);
- anything else (first build, code changed, a plan document added or changed, a file changed or removed): full.
The published file is the reference because it is what was last checked in full: a refresh that failed before
publishing leaves its changes to be validated again next time.
"""

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from planwatch import settings
from planwatch.settings import DBT_PROJECT_DIR

PACKAGE_DIR = Path(__file__).resolve().parent
DBT_CODE = [
    DBT_PROJECT_DIR / "models",
    DBT_PROJECT_DIR / "macros",
    DBT_PROJECT_DIR / "seeds",
    DBT_PROJECT_DIR / "snapshots",
    DBT_PROJECT_DIR / "tests",
    DBT_PROJECT_DIR / "dbt_project.yml",
]


@dataclass(frozen=True)
class Scope:
    full: bool
    reason: str
    regions: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        return f"full ({self.reason})" if self.full else f"{len(self.regions)} region(s) ({self.reason})"


def code_version() -> str:
    """sha256 over every file that decides what a refresh builds and checks (names and contents): the dbt project,
    the GX suites in use and this package."""
    return _code_version(settings.expectations_dir())


@cache
def _code_version(expectations: Path) -> str:
    digest = hashlib.sha256()
    for root in [*DBT_CODE, expectations, PACKAGE_DIR]:
        files = (
            [root]
            if root.is_file()
            else sorted(
                p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
            )
        )
        for path in files:
            digest.update(path.relative_to(root.parent).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def change_scope(conn: duckdb.DuckDBPyConnection, published: Path) -> Scope:
    """Compare the working file's inputs (conn) with the published version's."""
    if not published.exists():
        return Scope(True, "nothing published yet")
    try:
        with duckdb.connect(str(published), read_only=True) as reference:
            code = reference.execute("SELECT code_version FROM meta.build_info").fetchone()[0]
            before = dict(reference.execute("SELECT source_file, content_hash FROM meta.build_inputs").fetchall())
    except duckdb.Error:
        return Scope(True, "the published version records no code version")
    if code != code_version():
        return Scope(True, "code changed since the published version")
    now = dict(conn.execute("SELECT source_file, content_hash FROM raw._files").fetchall())
    if set(before) - set(now):
        return Scope(True, "input files removed")
    changed = [name for name, digest in now.items() if before.get(name) != digest]
    if any(before.get(name) is not None for name in changed):
        return Scope(True, "input files changed in place")
    if any(not name.startswith("actuals/") for name in changed):
        return Scope(True, "plan documents added")
    regions = conn.execute(
        "SELECT DISTINCT region_code FROM raw.actuals WHERE _source_file IN (SELECT unnest(?)) ORDER BY 1", [changed]
    ).fetchall()
    return Scope(False, f"{len(changed)} new actuals file(s)", tuple(r[0] for r in regions))
