"""dbt runs inside the refresh's process (planwatch.dbt.resource): it must leave the working file closed, and a
failing dbt test must fail its step with the test's name, exactly as the dbt subprocess did."""

import shutil

import dagster as dg
import duckdb
from dagster_dbt import DbtProject
from dbt.adapters.duckdb.connections import DuckDBConnectionManager

from planwatch import settings
from planwatch.dbt.assets import dbt_asset_definitions
from planwatch.dbt.resource import PlanwatchDbtResource


def test_after_a_refresh_dbt_holds_no_connection_to_the_working_file(built_workspace):
    assert DuckDBConnectionManager._ENV is None
    working = built_workspace.published.parent / ".build" / built_workspace.published.name
    # a second configuration (read-only) of a file this process still had open would be refused by DuckDB
    with duckdb.connect(str(working), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM marts.fct_target_progress").fetchone()[0] > 0


def test_a_failing_dbt_test_fails_its_step_and_names_the_test(refreshed_workspace, tmp_path):
    project_dir = tmp_path / "dbt_project"
    shutil.copytree(settings.DBT_PROJECT_DIR, project_dir, ignore=shutil.ignore_patterns("target", "logs"))
    # a singular test that fails whenever staging has any actual: it does here
    (project_dir / "tests" / "no_actuals_at_all.sql").write_text("select * from {{ ref('stg_actuals') }}\n")
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    project.preparer.prepare(project)
    settings.export_warehouse_env()
    dbt_staging, _ = dbt_asset_definitions(project)

    result = dg.materialize(
        [dbt_staging],
        resources={"dbt": PlanwatchDbtResource(project_dir=project, profiles_dir=str(project_dir))},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )

    assert not result.success
    failure = result.failure_data_for_node("dbt_staging").error
    assert "no_actuals_at_all" in str(failure)
    assert DuckDBConnectionManager._ENV is None
