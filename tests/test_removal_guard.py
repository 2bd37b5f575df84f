"""The removal guard (issue 11, item 3): a refresh that would remove more than a share of the published plans' or
actuals' files or rows, or all of them, publishes nothing and says what would go; a person lets it through with
--allow-removals, a scheduled or sensor run never; the actuals history is never touched by a run that did not
publish."""

import os
import shutil

import dagster as dg
import duckdb
import pytest

from conftest import FIXTURE_RAW, refresh
from planwatch.guard import ALLOW_TAG, may_override, refusal, removals
from planwatch.ingest import ingest_actuals

HEADER = (
    "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,"
    "source_url,published_date,source_fragment,note\n"
)


def _rows(n: int, start: int = 0) -> str:
    return "".join(
        f"330300,温州市,测试指标{i},2019,{i % 90}.5,%,市区,year,normal,level,测试来源,,2020-03-24,,\n"
        for i in range(start, start + n)
    )


@pytest.fixture
def loaded(tmp_path):
    """Two actuals files (100 and 20 rows) loaded into a working file, and a copy of it as the published one."""
    raw = tmp_path / "raw"
    (raw / "actuals").mkdir(parents=True)
    (raw / "actuals" / "big.csv").write_text(HEADER + _rows(100), encoding="utf-8")
    (raw / "actuals" / "small.csv").write_text(HEADER + _rows(20, 100), encoding="utf-8")
    build, published = tmp_path / "build.duckdb", tmp_path / "published.duckdb"
    with duckdb.connect(str(build)) as conn:
        ingest_actuals(conn, raw, tmp_path / "q")
    shutil.copyfile(build, published)
    return raw, build, published


def _guard(raw, build, published, limit=0.2):
    with duckdb.connect(str(build)) as conn:
        ingest_actuals(conn, raw, raw.parent / "q")
        found = removals(conn, published, "actuals")
    return found, refusal(found, limit)


def test_a_small_removal_passes(loaded):
    raw, build, published = loaded
    (raw / "actuals" / "big.csv").write_text(HEADER + _rows(90), encoding="utf-8")  # 10 of 120 rows
    found, refused = _guard(raw, build, published)
    assert (found.rows_removed, found.files_removed, refused) == (10, [], None)


def test_rows_count_as_well_as_files(loaded):
    raw, build, published = loaded
    (raw / "actuals" / "big.csv").write_text(HEADER + _rows(60), encoding="utf-8")  # one file, 40 of 120 rows
    found, refused = _guard(raw, build, published)
    assert found.files_removed == [] and found.rows_removed == 40
    assert "0 of 2 actuals file(s) and 40 of 120 row(s) would go" in refused and "33%, more than the 20%" in refused


def test_a_small_file_withdrawn_passes(loaded):
    raw, build, published = loaded
    (raw / "actuals" / "small.csv").unlink()  # 1 of 2 files, but 20 of 120 rows (17%): files differ in size
    found, refused = _guard(raw, build, published)
    assert found.files_removed == ["actuals/small.csv"] and refused is None


def test_plan_documents_count_as_well_as_rows(tmp_path):
    from planwatch.ingest import ingest_plans

    raw = tmp_path / "raw"
    for document in ("sanmen_14th", "linhai_14th", "dongtou_14th", "rizhao_14th", "jiaxing_13th"):
        shutil.copytree(FIXTURE_RAW / "plans" / document, raw / "plans" / document)
    build, published = tmp_path / "build.duckdb", tmp_path / "published.duckdb"
    with duckdb.connect(str(build)) as conn:
        ingest_plans(conn, raw, tmp_path / "q")
    shutil.copyfile(build, published)
    shutil.rmtree(raw / "plans" / "sanmen_14th")  # 1 of 5 plans: 20%, not more
    with duckdb.connect(str(build)) as conn:
        ingest_plans(conn, raw, tmp_path / "q")
        assert refusal(removals(conn, published, "plans"), 0.2) is None
    shutil.rmtree(raw / "plans" / "jiaxing_13th")  # 2 of 5 plans (40%), though fewer rows than that
    with duckdb.connect(str(build)) as conn:
        ingest_plans(conn, raw, tmp_path / "q")
        found = removals(conn, published, "plans")
    assert found.rows_removed / found.rows_before < 0.4
    assert "2 of 5 plan document(s)" in refusal(found, 0.2) and "40%, more than the 20% allowed" in refusal(found, 0.2)


def test_everything_removed_is_refused_whatever_the_limit(loaded):
    raw, build, published = loaded
    for path in (raw / "actuals").iterdir():
        path.unlink()
    _, refused = _guard(raw, build, published, limit=1.0)
    assert "all of them" in refused and "--allow-removals" in refused


def test_only_a_persons_run_may_override():
    assert may_override({ALLOW_TAG: "true"})
    assert not may_override({})
    assert not may_override({ALLOW_TAG: "true", "dagster/schedule_name": "daily_refresh"})
    assert not may_override({ALLOW_TAG: "true", "dagster/sensor_name": "raw_files_changed"})


def _query(sql):
    with duckdb.connect(os.environ["PLANWATCH_WAREHOUSE"], read_only=True) as conn:
        return conn.execute(sql).fetchall()


def _history():
    return _query("SELECT count(*), count(dbt_valid_to) FROM snapshots.actuals_history")


def _guard_check(result):
    return {
        c.asset_key.to_user_string(): c for c in result.get_asset_check_evaluations() if c.check_name == "removal_guard"
    }


def test_an_emptied_actuals_folder_publishes_nothing_and_leaves_the_history_alone(refreshed_workspace):
    workspace = refreshed_workspace
    published = _query("SELECT run_id FROM meta.build_info")
    history = _history()
    assert history == [(59, 0)]
    saved = workspace / "saved_actuals"
    shutil.move(workspace / "raw" / "actuals", saved)
    (workspace / "raw" / "actuals").mkdir()  # an unmounted share: the folder is there, its files are not

    result = refresh(must_succeed=False)
    guard = _guard_check(result)["raw/actuals"]
    assert not guard.passed and guard.severity == dg.AssetCheckSeverity.ERROR
    assert "1 of 1 actuals file(s) and 59 of 59 row(s) would go (actuals/reference_2015_2024.csv): all of them" in (
        guard.description
    )
    started = {e.step_key for e in result.all_events if e.is_step_start}
    assert "dbt_staging" not in started and "published_warehouse" not in started
    assert _query("SELECT run_id FROM meta.build_info") == published and _history() == history

    # a scheduled run that asks to override is refused all the same
    scheduled = refresh_with_tags({ALLOW_TAG: "true", "dagster/schedule_name": "daily_refresh"})
    assert not _guard_check(scheduled)["raw/actuals"].passed
    assert _query("SELECT run_id FROM meta.build_info") == published

    # the share is back: the next refresh publishes, and the history has neither closed rows nor duplicates
    shutil.rmtree(workspace / "raw" / "actuals")
    shutil.move(saved, workspace / "raw" / "actuals")
    refresh()
    assert _history() == [(59, 0)]

    # removed on purpose, by a person: --allow-removals lets it through
    shutil.rmtree(workspace / "raw" / "actuals")
    (workspace / "raw" / "actuals").mkdir()
    from planwatch import cli

    assert cli.refresh(allow_removals=True) == 0
    assert _query("SELECT count(*) FROM marts.fct_actual") == [(0,)]
    assert _history() == [(59, 59)]  # closed, as they should be: they were removed and that was published


def refresh_with_tags(tags):
    from planwatch.definitions import build_definitions

    return (
        build_definitions()
        .resolve_job_def("refresh")
        .execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, tags=tags)
    )


@pytest.mark.parametrize("empty", ["empty", "missing"])
def test_a_warehouse_with_no_plan_documents_is_refused_with_a_clear_message(workspace, empty):
    shutil.rmtree(workspace / "raw" / "plans")
    if empty == "empty":
        (workspace / "raw" / "plans").mkdir()
    result = refresh(must_succeed=False)
    guard = _guard_check(result)["raw/plan_documents"]
    assert not guard.passed and "holds no plan document" in guard.description
    assert not (workspace / "warehouse" / "planwatch.duckdb").exists()
