"""The Dagster code location loads, and its schedule and sensor behave."""

import dagster as dg

from planwatch import settings
from planwatch.automation import raw_files_changed
from planwatch.definitions import build_definitions
from planwatch.gx_validation import load_suites


def test_definitions_load_with_every_part():
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {
        "raw/plan_cells",
        "raw/actuals",
        "staging/stg_plan_cells",
        "intermediate/int_plan_values",
        "marts/fct_indicator_value",
        "marts/fct_target_vs_actual",
        "marts/fct_target_vs_13th_actual",
        "marts/dim_region",
        "marts/dim_plan",
    } <= keys
    # dbt sources are the ingest assets (not stubs): staging depends on what raw_plans / raw_actuals produce.
    assert dg.AssetKey(["raw", "plan_cells"]) in graph.get(dg.AssetKey(["staging", "stg_plan_cells"])).parent_keys
    assert dg.AssetKey(["raw", "actuals"]) in graph.get(dg.AssetKey(["staging", "stg_actuals"])).parent_keys
    assert all(graph.get(k).is_materializable for k in graph.get_all_asset_keys())
    # Every GX suite guards an asset that exists. Every check blocks, so that each has run before the publish (which
    # records them all); only the suite that warns (unmapped actuals) reports with WARN, which stops nothing.
    gx = {k.name: k for k in graph.asset_check_keys if k.name.startswith("gx_")}
    assert len(gx) == 6 and all(k.asset_key in graph.get_all_asset_keys() for k in gx.values())
    assert all(graph.get_check_spec(k).blocking for k in graph.asset_check_keys if k.name.startswith("gx_"))
    assert {f"gx_{s.name}" for s in load_suites(settings.expectations_dir()) if s.severity == "warn"} == {
        "gx_int_observations_mapped"
    }
    # the publish step comes after every asset of the refresh, so every blocking check gates it
    publish_parents = graph.get(dg.AssetKey("published_warehouse")).parent_keys
    assert {
        k for k in graph.get_all_asset_keys() if k.path[0] in ("raw", "staging", "intermediate", "marts")
    } <= publish_parents

    schedule = defs.resolve_schedule_def("daily_refresh")
    assert schedule.execution_timezone == "Asia/Shanghai" and schedule.job_name == "refresh"
    assert defs.resolve_sensor_def("raw_files_changed").job_name == "refresh"


def test_sensor_fires_on_new_changed_and_removed_files_only(workspace):
    instance = dg.DagsterInstance.ephemeral()

    def evaluate(cursor):
        context = dg.build_sensor_context(instance=instance, cursor=cursor)
        result = raw_files_changed.evaluate_tick(context)
        return result, result.cursor

    first, cursor = evaluate(None)
    assert len(first.run_requests) == 1
    unchanged, same_cursor = evaluate(cursor)
    assert unchanged.run_requests == [] and unchanged.skip_message and same_cursor == cursor

    new_file = workspace / "raw" / "actuals" / "2025_bulletin.csv"
    new_file.write_text(
        (workspace / "raw" / "actuals" / "reference_2015_2024.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    added, cursor_after_add = evaluate(cursor)
    assert len(added.run_requests) == 1 and added.run_requests[0].run_key != first.run_requests[0].run_key

    new_file.write_text(new_file.read_text(encoding="utf-8").replace("97.0", "97.1"), encoding="utf-8")
    changed, cursor_after_change = evaluate(cursor_after_add)
    assert len(changed.run_requests) == 1

    new_file.unlink()
    removed, _ = evaluate(cursor_after_change)
    assert len(removed.run_requests) == 1
    assert removed.run_requests[0].tags["planwatch/changes"] == "removed: actuals/2025_bulletin.csv"


def test_actuals_are_due_six_months_after_their_year():
    from datetime import date

    from planwatch.freshness import latest_due_year

    assert latest_due_year(date(2026, 11, 21)) == 2025
    assert latest_due_year(date(2026, 3, 1)) == 2024


def test_the_in_process_dbt_runner_uses_members_that_still_exist():
    """planwatch.dbt.resource leans on one dagster-dbt helper and one dbt-duckdb class attribute; an upgrade that
    renames either must fail here, not in the middle of a refresh."""
    from dagster_dbt import asset_utils
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    assert callable(asset_utils.get_updated_cli_invocation_params_for_context)
    assert callable(DuckDBConnectionManager.close_all_connections) and hasattr(DuckDBConnectionManager, "_ENV")
