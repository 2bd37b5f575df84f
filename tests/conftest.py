import shutil
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"

needs_seeds = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(),
    reason=f"the published documents are not at {SEEDS_DIR} (they sit beside the project in CI, not in a clone)",
)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A private copy of raw/ and an empty warehouse path, wired through the project's environment variables."""
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT_ROOT / "raw", raw)
    warehouse = tmp_path / "warehouse" / "planwatch.duckdb"
    warehouse.parent.mkdir()
    monkeypatch.setenv("PLANWATCH_RAW", str(raw))
    monkeypatch.setenv("PLANWATCH_WAREHOUSE", str(warehouse))
    return tmp_path
