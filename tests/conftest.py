import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from planwatch.contract import read_plan_document

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The tests' own inputs: a frozen copy of the bundled raw/ (five plans, 59 actuals). Tests that count or compare data
# use it, so that an analyst who adds a file to the live raw/ still sees `make test` pass; only the tests of the
# bundled data itself (test_raw_contract.py) read the live raw/.
FIXTURE_RAW = Path(__file__).resolve().parent / "fixtures" / "raw"
# Tests write a file and load it at once: no settling time (planwatch.readonce), except in the tests of it, which
# set their own. Set here, before anything runs, so that refresh subprocesses inherit it too.
os.environ.setdefault("PLANWATCH_SETTLE_SECONDS", "0")
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"

needs_seeds = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(),
    reason=f"the published documents are not at {SEEDS_DIR} (they sit beside the project in CI, not in a clone)",
)


# One actual as a valid actuals file states it (温州's 2019 statistics communiqué); tests vary it field by field.
GOOD_ACTUAL = {
    "region_code": "330300",
    "region_name": "温州市",
    "indicator": "市区空气质量优良率",
    "year": "2019",
    "raw_value": "97.0",
    "unit": "%",
    "scope": "市区",
    "period": "year",
    "status": "normal",
    "measure": "level",
    "source_title": "温州市2019年统计公报",
    "source_url": "http://www.wenzhou.gov.cn/art/2020/3/24/art_1229445760_3749794.html",
    "published_date": "2020-03-24",
    "source_fragment": "市区空气质量优良率97.0%,比上年提高0.6个百分点",
    "note": "",
}


def workspace_env(root: Path) -> dict[str, str]:
    """The environment that points planwatch at the raw/ and warehouse/ folders under `root`."""
    return {"PLANWATCH_RAW": str(root / "raw"), "PLANWATCH_WAREHOUSE": str(root / "warehouse" / "planwatch.duckdb")}


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A private copy of the fixture raw/ and an empty warehouse path, wired through the environment variables."""
    _copy_workspace(tmp_path, None)
    (tmp_path / "warehouse").mkdir()
    for key, value in workspace_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    return tmp_path


def refresh(must_succeed: bool = True):
    """The refresh job, in-process, on the warehouse and raw/ the environment names (e.g. the workspace fixture)."""
    import dagster as dg

    from planwatch.definitions import build_definitions

    result = (
        build_definitions()
        .resolve_job_def("refresh")
        .execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    )
    if must_succeed:
        assert result.success
    return result


def plan_value_cells(raw_root: Path):
    """(document_id, table_id, row_no, value column, text) for every value cell of every table under raw/plans."""
    for folder in sorted(p for p in (raw_root / "plans").iterdir() if p.is_dir()):
        document = read_plan_document(folder)
        manifest = document.manifest.rows[0]
        for spec, table in zip(manifest["tables"], document.tables):
            value_columns = [c["name"] for c in spec["columns"] if c["role"] == "value"]
            for row_no, row in enumerate(table.rows, start=1):
                for column in value_columns:
                    yield manifest["document_id"], spec["table_id"], row_no, column, row[column]


@contextmanager
def private_workspace(root: Path, start_from: Path | None = None):
    """raw/ copied into `root` and a warehouse folder there, named by the environment for the block (for fixtures
    wider than one test, which cannot use monkeypatch). `start_from`: a built workspace to copy instead (raw/ and
    warehouse/ as its refresh left them)."""
    _copy_workspace(root, start_from)
    env = workspace_env(root)
    saved = {k: os.environ.get(k) for k in (*env, "PLANWATCH_BUILD")}
    os.environ.update(env)
    try:
        yield Path(env["PLANWATCH_WAREHOUSE"])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _copy_workspace(root: Path, built: Path | None) -> None:
    if built is None:
        shutil.copytree(FIXTURE_RAW, root / "raw")
        return
    # copy2 keeps modification times, so that the copy's next refresh sees unchanged files as unchanged
    shutil.copytree(built / "raw", root / "raw")
    shutil.copytree(built / "warehouse", root / "warehouse")


@dataclass(frozen=True)
class Built:
    root: Path
    published: Path
    result: object  # the refresh's dagster ExecuteInProcessResult


@pytest.fixture(scope="session")
def built_workspace(tmp_path_factory) -> Built:
    """One refresh of the fixture raw/, done once per test process. A test whose first step would be that same
    refresh starts from a copy of it instead (`refreshed_workspace`): a warehouse folder is relocatable (every path
    it records is relative to raw/), and a copy refreshes as the original would. Never written to."""
    root = tmp_path_factory.mktemp("built")
    with private_workspace(root) as published:
        result = refresh()
    return Built(root, published, result)


@pytest.fixture
def refreshed_workspace(built_workspace, tmp_path, monkeypatch) -> Path:
    """The workspace fixture after its first refresh: a private copy of `built_workspace`, wired through the
    environment variables."""
    _copy_workspace(tmp_path, built_workspace.root)
    for key, value in workspace_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    return tmp_path


def fake_build(path: Path, version: int) -> Path:
    """A working file as a refresh leaves it, in miniature: version v has v × 1000 fact rows."""
    from planwatch.warehouse import ensure_warehouse_file

    path.unlink(missing_ok=True)
    ensure_warehouse_file(path)
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
        conn.execute(
            "CREATE TABLE raw._files AS SELECT 'plans/x/t1.csv' AS source_file, ? AS content_hash", [f"hash-{version}"]
        )
        conn.execute("CREATE TABLE marts.marker AS SELECT ? AS v", [version])
        conn.execute("CREATE TABLE marts.facts AS SELECT range AS id FROM range(?)", [version * 1000])
    return path


@pytest.fixture(scope="session")
def published_warehouse_file(built_workspace) -> Path:
    """A real refresh, published, in a private folder (read only)."""
    return built_workspace.published


# The slow tiers, in one place: `make test-fast` runs what is left (the unit-level tests, under a minute).
# integration: a real refresh (Dagster, dbt, GX) or a real server; faults: kills, concurrent writers, corruption.
FAULT_MODULES = {"test_faults", "test_operations", "test_verify_rollback"}
INTEGRATION_MODULES = {
    "test_pipeline",
    "test_incremental",
    "test_revisions",
    "test_quarantine",
    "test_bi_connection",
    "test_report",
    "test_plan_horizons",
    "test_scale_out",
    "test_publish",
    "test_adding_a_plan",
    "test_dbt_in_process",
}
INTEGRATION_TESTS = {
    "test_a_narrower_scope_passes_the_contract_and_the_suites_alike_and_is_never_the_regions",
    "test_an_emptied_actuals_folder_publishes_nothing_and_leaves_the_history_alone",
    "test_a_warehouse_with_no_plan_documents_is_refused_with_a_clear_message",
    "test_new_names_publish_with_proposals_and_a_reviewed_mapping_maps_them",
    "test_outcomes_exit_codes_and_status",
    "test_a_check_with_nothing_in_scope_says_so",
    "test_a_refusal_shows_while_it_applies_and_its_history_stays",
    "test_every_model_column_is_described_in_the_dbt_yaml",
}
FAULT_TESTS = {"test_a_file_written_during_refreshes_is_published_whole_and_as_its_recorded_hash"}
BUILT = {"built_workspace", "refreshed_workspace", "published_warehouse_file", "refreshed", "two_versions", "horizons"}


def pytest_collection_modifyitems(items):
    for item in items:
        module = item.module.__name__
        name = item.originalname if hasattr(item, "originalname") else item.name
        if module in FAULT_MODULES or name in FAULT_TESTS:
            item.add_marker(pytest.mark.faults)
        elif module in INTEGRATION_MODULES or name in INTEGRATION_TESTS or BUILT & set(item.fixturenames):
            item.add_marker(pytest.mark.integration)
    # The slow modules first (faults, then integration), the quick ones last to fill in: pytest-xdist hands whole
    # modules to the workers in this order (--dist loadfile --no-loadscope-reorder), so the last module a worker
    # takes is a short one and the two finish together. A stable sort: a module's tests stay together, in order.
    rank = {}
    for item in items:
        tier = 0 if item.get_closest_marker("faults") else 1 if item.get_closest_marker("integration") else 2
        rank[item.module.__name__] = min(rank.get(item.module.__name__, 2), tier)
    items.sort(key=lambda item: rank[item.module.__name__])
