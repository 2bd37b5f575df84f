"""Ingest assets (raw/ → the warehouse's raw schema) and the dbt models, in two steps so that the GX checks on
the staged data can stop the marts from being built."""

import shutil
import threading

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from planwatch import settings
from planwatch.changes import code_version
from planwatch.gx_validation import preload
from planwatch.ingest import IngestReport, ingest_actuals, ingest_plans
from planwatch.project import dbt_project
from planwatch.publish import publish
from planwatch.report import render_report
from planwatch.lock import hold_until_exit
from planwatch.warehouse import prepare_build


_ACCEPTED = "Passes when every file under raw/ met its contract; a rejected file is named with its row and column."


def _ingest_results(report: IngestReport, conn, tables: tuple[str, ...], context: dg.AssetExecutionContext):
    """One materialization per raw table, and the check that says whether any file was rejected."""
    for error in report.rejected:
        context.log.error(f"rejected {error}")
    rejected = [str(e) for e in report.rejected]
    for table in tables:
        rows = conn.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0]
        yield dg.MaterializeResult(asset_key=["raw", table], metadata={
            "dagster/row_count": rows,
            "loaded_files": dg.MetadataValue.json(report.loaded),
            "unchanged_files": len(report.unchanged),
            "removed_files": dg.MetadataValue.json(report.removed),
            "deduplicated_rows": dg.MetadataValue.json(report.deduplicated),
            "rejected_files": dg.MetadataValue.json(rejected),
        })
    yield dg.AssetCheckResult(
        check_name="raw_files_accepted",
        asset_key=["raw", tables[0]],
        passed=not rejected,
        # A rejected file keeps its earlier rows and is set aside; the rest of the refresh goes on.
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected": dg.MetadataValue.json(rejected), "quarantine": str(settings.quarantine_dir())},
    )


def _prepare(context: dg.AssetExecutionContext) -> None:
    """Hold the refresh lock for the rest of this run (one writer at a time), then ready the working file."""
    hold_until_exit(settings.warehouse_path(), on_wait=context.log.warning)
    prepare_build(settings.build_path(), settings.warehouse_path(), settings.versions_dir(), log=context.log.warning)


_PLAN_DESCRIPTIONS = {
    "plan_documents": "One row per plan document (raw/plans/<document>/manifest.json).",
    "plan_tables": "One row per indicator table, 专栏 box or prose target set of a manifest.",
    "plan_columns": "The role of every column of every plan table.",
    "plan_cells": "Every cell of every plan table CSV, verbatim as published.",
}


@dg.multi_asset(
    name="raw_plans",
    specs=[dg.AssetSpec(["raw", table], group_name="ingest", kinds={"duckdb", "csv"}, description=text)
           for table, text in _PLAN_DESCRIPTIONS.items()],
    check_specs=[dg.AssetCheckSpec("raw_files_accepted", asset=["raw", "plan_documents"], description=_ACCEPTED)],
)
def raw_plans(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """Load raw/plans into raw.plan_* with lineage; a document's files are accepted or rejected together."""
    _prepare(context)
    with duckdb.get_connection() as conn:
        report = ingest_plans(conn, settings.raw_dir(), settings.quarantine_dir())
        yield from _ingest_results(report, conn, tuple(_PLAN_DESCRIPTIONS), context)


@dg.multi_asset(
    name="raw_actuals",
    specs=[dg.AssetSpec(["raw", "actuals"], group_name="ingest", kinds={"duckdb", "csv", "excel"},
                        description="Actual figures under raw/actuals/*.csv and *.xlsx, long format, with lineage.")],
    check_specs=[dg.AssetCheckSpec("raw_files_accepted", asset=["raw", "actuals"], description=_ACCEPTED)],
)
def raw_actuals(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """Load raw/actuals/*.csv and *.xlsx into raw.actuals with lineage; each file is accepted or rejected on its
    own; rows repeated in full within a file load once (counted in the metadata)."""
    _prepare(context)
    with duckdb.get_connection() as conn:
        report = ingest_actuals(conn, settings.raw_dir(), settings.quarantine_dir())
        yield from _ingest_results(report, conn, ("actuals",), context)


@dg.asset(
    key=["raw", "_rejections"],
    group_name="ingest",
    kinds={"duckdb"},
    deps=[raw_plans, raw_actuals],
    description="The quarantine table: every input file the ingest refused, with file, row, column and reason "
                "(copies under warehouse/quarantine/). Written by both ingest assets; this reports it after both.",
)
def rejections(duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as conn:
        rows = conn.execute("SELECT count(*), count(DISTINCT (source_file, content_hash)) FROM raw._rejections").fetchone()
    return dg.MaterializeResult(metadata={"dagster/row_count": rows[0], "refused_file_versions": rows[1]})


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Incremental models (per document, per actuals file) are rebuilt in full when the code that builds them has
    # changed since this working file last built them; the marker is written only after a build that succeeded.
    marker = settings.build_path().with_name(f"{context.op_def.name}.code_version")
    full = not marker.exists() or marker.read_text() != code_version()
    invocation = dbt.cli(["build", *(["--full-refresh"] if full else [])], context=context)
    yield from invocation.stream()
    marker.write_text(code_version())
    _keep_partial_parse(invocation.target_path)
    # dagster-dbt leaves one target/<run> folder per invocation; the run's results are in Dagster by now.
    shutil.rmtree(invocation.target_path, ignore_errors=True)


def _keep_partial_parse(invocation_target) -> None:
    """dagster-dbt seeds each invocation with target/partial_parse.msgpack but never takes the updated one back,
    so every invocation whose profile differs from the last `dbt parse` (another warehouse path) re-parsed the
    whole project, seconds each time. Keep the latest one; dbt itself checks that it still fits (files, profile,
    env vars) and parses in full when not."""
    fresh = invocation_target / "partial_parse.msgpack"
    if fresh.is_file():
        kept = dbt_project.project_dir / "target" / "partial_parse.msgpack"
        staging = kept.with_name(f".partial_parse.{fresh.parent.name}.msgpack")
        shutil.copyfile(fresh, staging)
        staging.replace(kept)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="path:models/staging path:models/intermediate path:seeds",
    name="dbt_staging",
)
def dbt_staging(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Staging (renaming and parsing) and intermediate models, with their dbt tests."""
    # The GX checks come next and importing GX takes seconds: do it while dbt works in its own process.
    threading.Thread(target=preload, name="gx-preload", daemon=True).start()
    yield from _build(context, dbt)


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project,
            select="path:models/marts path:models/analytics path:snapshots",
            name="dbt_marts")
def dbt_marts(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """The marts analysts read (schema marts), with their dbt tests."""
    yield from _build(context, dbt)


@dg.asset(
    group_name="publish",
    kinds={"duckdb"},
    deps=[key for key in dbt_marts.keys],
    description="The published warehouse (PLANWATCH_WAREHOUSE): a checked copy of the working file, replaced "
                "atomically, with meta.build_info. Runs only when every blocking check upstream passed.",
)
def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    records = context.instance.get_records_for_run(
        context.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    checks = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        checks.append({"asset": evaluation.asset_key.to_user_string(), "check": evaluation.check_name,
                       "passed": evaluation.passed, "severity": evaluation.severity.value})
    version = publish(settings.build_path(), settings.warehouse_path(), settings.versions_dir(), context.run_id,
                      checks)
    context.log.info(f"published {version.name} → {settings.warehouse_path()}")
    return dg.MaterializeResult(metadata={"version": version.name, "path": str(settings.warehouse_path()),
                                          "checks_recorded": len(checks)})


@dg.asset(
    group_name="publish",
    kinds={"html"},
    deps=[published_warehouse],
    description="warehouse/report/index.html: per region, targets beside the 2020 value and latest actual, the "
                "十三五 completion table with computed vs reported status, progress charts. Self-contained.",
)
def report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    path = render_report(settings.warehouse_path(), settings.report_path())
    context.log.info(f"report: {path}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path))})
