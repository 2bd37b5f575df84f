"""The one Dagster code location: assets, checks, job, schedule, sensors and resources, configured here only.

Built on first use (`@dg.definitions`): importing this module runs no dbt and reads no path, so a test or a
tool that sets PLANWATCH_RAW / PLANWATCH_WAREHOUSE before building gets exactly those."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from planwatch import settings
from planwatch.automation import daily_refresh, raw_files_changed, refresh_failures, refresh_job
from planwatch.checks import gx_checks
from planwatch.dbt.assets import dbt_asset_definitions
from planwatch.dbt.project import dbt_project
from planwatch.dbt.resource import PlanwatchDbtResource
from planwatch.extract_assets import extract_job, extracted_drafts, inbox_sensor
from planwatch.freshness import actuals_fresh
from planwatch.ingest_assets import raw_actuals, raw_mappings, raw_plans, rejections
from planwatch.lake_jobs import lake_housekeeping_job, weekly_lake_housekeeping
from planwatch.progress_log import progress_logger
from planwatch.publish_assets import publish_asset_definitions


def build_definitions() -> dg.Definitions:
    build = settings.export_warehouse_env()  # dbt's profile reads PLANWATCH_BUILD
    project = dbt_project()
    dbt_staging, dbt_marts = dbt_asset_definitions(project)
    ingest = [raw_plans, raw_actuals, raw_mappings, rejections]
    upstream = [key for assets in (*ingest, dbt_staging, dbt_marts) for key in assets.keys]
    published_warehouse, report = publish_asset_definitions(upstream)
    return dg.Definitions(
        assets=[*ingest, dbt_staging, dbt_marts, published_warehouse, report, extracted_drafts],
        asset_checks=[*gx_checks(settings.expectations_dir()), actuals_fresh],
        jobs=[refresh_job, extract_job, lake_housekeeping_job],
        schedules=[daily_refresh, weekly_lake_housekeeping],
        sensors=[raw_files_changed, inbox_sensor, refresh_failures],
        resources={
            "duckdb": DuckDBResource(database=str(build)),
            "dbt": PlanwatchDbtResource(project_dir=project, profiles_dir=str(settings.DBT_PROJECT_DIR)),
        },
        # DuckDB has one writer at a time, and a dbt step per process would re-parse the project.
        executor=dg.in_process_executor,
        loggers={"console": dg.colored_console_logger, "progress": progress_logger},
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
