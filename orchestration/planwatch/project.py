"""The dbt project as Dagster sees it. Kept in its own module: @dbt_assets needs the manifest at import time."""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from planwatch.settings import DBT_PROJECT_DIR, export_warehouse_env

export_warehouse_env()
# dbt is installed in the same environment as this Python; make it findable even when the venv is not activated.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

_SOURCES = ("models", "macros", "seeds", "snapshots", "tests", "dbt_project.yml")


def manifest_is_stale() -> bool:
    """True when manifest.json is missing or older than any model, macro, seed, test or the project file."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in _SOURCES:
        path = DBT_PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*") if path.exists() else []
        if any(f.is_file() and f.stat().st_mtime > built for f in files):
            return True
    return False


# `dagster dev` re-parses on every load; elsewhere (make run, tests, a fresh clone) parse only when needed.
dbt_project.prepare_if_dev()
if manifest_is_stale():
    dbt_project.preparer.prepare(dbt_project)
