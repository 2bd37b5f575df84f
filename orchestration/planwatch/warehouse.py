"""The warehouse file itself.

DuckDB 2.x writes storage version 69 by default, which DuckDB 1.x clients cannot open - and that is what most
BI drivers (ODBC/JDBC for Tableau and Power BI, Metabase's driver) and the duckdb CLI on PyPI are today. So the
file is created with an older storage compatibility version; DuckDB keeps writing that format to it afterwards.
"""

from pathlib import Path

import duckdb

STORAGE_COMPATIBILITY_VERSION = "v1.0.0"


def ensure_warehouse_file(path: Path) -> Path:
    """Create an empty warehouse file readable by DuckDB >= 1.0 clients, unless one exists already."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION}).close()
    return path
