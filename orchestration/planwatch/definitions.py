"""The one Dagster code location: assets, checks, job, schedule, sensor and resources, configured here only."""

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from planwatch import settings
from planwatch.assets import dbt_marts, dbt_staging, published_warehouse, raw_actuals, raw_mappings, raw_plans, \
    rejections, report
from planwatch.automation import daily_refresh, raw_files_changed, refresh_failures, refresh_job
from planwatch.checks import gx_checks
from planwatch.freshness import actuals_fresh
from planwatch.extract_assets import extract_job, extracted_drafts, inbox_sensor
from planwatch.progress_log import progress_logger
from planwatch.project import dbt_project


def build_definitions() -> dg.Definitions:
    build = settings.export_warehouse_env()
    return dg.Definitions(
        assets=[raw_plans, raw_actuals, raw_mappings, rejections, dbt_staging, dbt_marts, published_warehouse, report, extracted_drafts],
        asset_checks=[*gx_checks(settings.expectations_dir()), actuals_fresh],
        jobs=[refresh_job, extract_job],
        schedules=[daily_refresh],
        sensors=[raw_files_changed, inbox_sensor, refresh_failures],
        resources={
            "duckdb": DuckDBResource(database=str(build)),
            "dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=str(settings.DBT_PROJECT_DIR)),
        },
        # DuckDB has one writer at a time, and a dbt step per process would re-parse the project.
        executor=dg.in_process_executor,
        loggers={"console": dg.colored_console_logger, "progress": progress_logger},
    )


defs = build_definitions()
