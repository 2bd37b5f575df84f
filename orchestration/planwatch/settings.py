"""Where things live. One environment variable, PLANWATCH_WAREHOUSE, names the warehouse file for Dagster,
the CLI and dbt's profiles.yml alike; everything else is found relative to the project root."""

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("PLANWATCH_ROOT", Path(__file__).resolve().parents[2]))
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

WAREHOUSE_ENV = "PLANWATCH_WAREHOUSE"
RAW_ENV = "PLANWATCH_RAW"


def raw_dir() -> Path:
    return Path(os.environ.get(RAW_ENV, PROJECT_ROOT / "raw")).resolve()


def warehouse_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV, PROJECT_ROOT / "warehouse" / "planwatch.duckdb")).resolve()


def quarantine_dir() -> Path:
    """Bad input files are copied here with their reason; raw/ itself is never modified."""
    return warehouse_path().parent / "quarantine"


def export_warehouse_env() -> Path:
    """Make the warehouse path absolute in the environment so that dbt (profiles.yml) sees the same file."""
    path = warehouse_path()
    os.environ[WAREHOUSE_ENV] = str(path)
    return path
