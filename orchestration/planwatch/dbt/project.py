"""The dbt project as Dagster sees it, built on first use (`dbt_project()`), never at import: importing the code
location runs no dbt. `make setup` parses the project once; here the manifest is parsed again only when it is
missing or older than a model, macro, seed, test or the project file (and on every load under `dagster dev`)."""

import os
import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtProject

from planwatch.settings import DBT_PROJECT_DIR

_SOURCES = ("models", "macros", "seeds", "snapshots", "tests", "dbt_project.yml")


@cache
def dbt_project() -> DbtProject:
    # dbt is installed in the same environment as this Python; make it findable even when the venv is not active.
    executables = str(Path(sys.executable).parent)
    if executables not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = executables + os.pathsep + os.environ.get("PATH", "")
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    if manifest_is_stale(project):
        project.preparer.prepare(project)
    return project


def manifest_is_stale(project: DbtProject) -> bool:
    """True when manifest.json is missing or older than any model, macro, seed, test or the project file."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in _SOURCES:
        path = DBT_PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*") if path.exists() else []
        if any(f.is_file() and f.stat().st_mtime > built for f in files):
            return True
    return False
