"""Where things live. One environment variable, PLANWATCH_WAREHOUSE, names the published warehouse file that
analysts and BI tools read; a refresh builds in a private working file beside it (`.build/`, exported to dbt's
profiles.yml as PLANWATCH_BUILD) and publishes by an atomic replace. Everything else is relative to the project
root."""

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("PLANWATCH_ROOT", Path(__file__).resolve().parents[2]))
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

WAREHOUSE_ENV = "PLANWATCH_WAREHOUSE"
BUILD_ENV = "PLANWATCH_BUILD"
RAW_ENV = "PLANWATCH_RAW"
EXPECTATIONS_ENV = "PLANWATCH_EXPECTATIONS"
# The share of the published plans' or actuals' rows or files that one refresh may remove (planwatch.guard).
MAX_REMOVAL_ENV = "PLANWATCH_MAX_REMOVAL_SHARE"
DEFAULT_MAX_REMOVAL_SHARE = 0.2


def raw_dir() -> Path:
    return Path(os.environ.get(RAW_ENV, PROJECT_ROOT / "raw")).resolve()


def expectations_dir() -> Path:
    """The GX suites (expectations/*.json); PLANWATCH_EXPECTATIONS points elsewhere, e.g. for a test's own suite."""
    return Path(os.environ.get(EXPECTATIONS_ENV, EXPECTATIONS_DIR)).resolve()


def max_removal_share() -> float:
    return float(os.environ.get(MAX_REMOVAL_ENV, DEFAULT_MAX_REMOVAL_SHARE))


def warehouse_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV, PROJECT_ROOT / "warehouse" / "planwatch.duckdb")).resolve()


def build_path() -> Path:
    """The working file a refresh writes into; never read by analysts."""
    published = warehouse_path()
    return published.parent / ".build" / published.name


def versions_dir() -> Path:
    """The last few published versions, for `planwatch rollback`."""
    return warehouse_path().parent / "versions"


def report_path() -> Path:
    """The HTML report rendered after each published refresh."""
    return warehouse_path().parent / "report" / "index.html"


def quarantine_dir() -> Path:
    """Bad input files are copied here with their reason; raw/ itself is never modified."""
    return warehouse_path().parent / "quarantine"


def export_warehouse_env() -> Path:
    """Make the paths absolute in the environment so that dbt (profiles.yml) builds into the same working file.
    Returns the working (build) file."""
    os.environ[WAREHOUSE_ENV] = str(warehouse_path())
    os.environ[BUILD_ENV] = str(build_path())
    return build_path()
