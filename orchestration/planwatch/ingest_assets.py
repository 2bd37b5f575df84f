"""The ingest assets: raw/ → the warehouse's raw schema, each with the checks on what it read (every file
accepted, the removal guard, region codes known)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from planwatch import settings
from planwatch.guard import may_override, refusal, removals
from planwatch.ingest import IngestReport, ingest_actuals, ingest_mappings, ingest_plans
from planwatch.lock import hold_until_exit
from planwatch.warehouse import prepare_build, record_run_start

_ACCEPTED = (
    "Passes when every file under raw/ met its contract and was read whole; a rejected file is named with "
    "its row and column, a file that changed while it was read is named and read again next time."
)
_GUARD = (
    "Fails (and so blocks everything downstream and the publish) when this refresh would remove more than "
    "PLANWATCH_MAX_REMOVAL_SHARE (20%) of the published files or rows of the dataset, or all of them; "
    "`planwatch refresh --allow-removals` lets a person's run through, never a scheduled or sensor run."
)
_REGIONS = "Warns when a manifest's region code is well-formed but not in the gazetteer (an old code?): it is named."


# The datasets whose loss is data loss; a mapping removed makes names unmapped again, which is a warning's business.
GUARDED = ("plans", "actuals")


def _ingest_results(
    report: IngestReport, conn, tables: tuple[str, ...], dataset: str, context: dg.AssetExecutionContext
):
    """One materialization per raw table, the check that says whether every file was accepted, and the removal
    guard."""
    for error in report.rejected:
        context.log.error(f"rejected {error}")
    for message in report.deferred:
        context.log.warning(message)
    metadata = report.as_metadata()
    for table in tables:
        rows = conn.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0]
        yield dg.MaterializeResult(
            asset_key=["raw", table],
            metadata={
                "dagster/row_count": rows,
                "loaded_files": dg.MetadataValue.json(report.loaded),
                "unchanged_files": len(report.unchanged),
                "removed_files": dg.MetadataValue.json(report.removed),
                "deduplicated_rows": dg.MetadataValue.json(report.deduplicated),
                "rejected_files": dg.MetadataValue.json(metadata["rejected"]),
                "changing_files": dg.MetadataValue.json(report.deferred),
                "ignored_files": dg.MetadataValue.json(report.ignored),
                "superseded_documents": dg.MetadataValue.json(report.superseded),
            },
        )
    refused = metadata["rejected"] + report.deferred
    yield dg.AssetCheckResult(
        check_name="raw_files_accepted",
        asset_key=["raw", tables[0]],
        passed=not refused,
        # A rejected file keeps its earlier rows and is set aside; the rest of the refresh goes on.
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            "; ".join(refused)[:2000]
            if refused
            else f"{len(report.loaded)} file(s) loaded, {len(report.unchanged)} unchanged"
            + (f", {len(report.ignored)} side file(s) ignored" if report.ignored else "")
        ),
        metadata={
            "rejected": dg.MetadataValue.json(metadata["rejected"]),
            "changing": dg.MetadataValue.json(report.deferred),
            "ignored": dg.MetadataValue.json(report.ignored),
            "quarantine": str(settings.quarantine_dir()),
        },
    )
    if dataset in GUARDED:
        yield _guard_result(conn, dataset, tables[0], context)


def _guard_result(conn, dataset: str, table: str, context: dg.AssetExecutionContext) -> dg.AssetCheckResult:
    found = removals(conn, settings.warehouse_path(), dataset)
    problem = refusal(found, settings.max_removal_share())
    if (
        dataset == "plans"
        and problem is None
        and conn.execute("SELECT count(*) FROM raw.plan_documents").fetchone()[0] == 0
    ):
        problem = (
            f"{settings.raw_dir() / 'plans'} holds no plan document (expected raw/plans/<document>/"
            f"manifest.json with its tables): there is nothing to build"
        )
    allowed = problem is not None and found is not None and may_override(context.run.tags)
    if allowed:
        context.log.warning(f"removals allowed by --allow-removals: {problem}")
    return dg.AssetCheckResult(
        check_name="removal_guard",
        asset_key=["raw", table],
        passed=problem is None or allowed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            f"allowed by --allow-removals: {found.describe()}"
            if allowed
            else problem or (found.describe() if found else "nothing published yet: nothing to lose")
        ),
        metadata={
            "limit": settings.max_removal_share(),
            "files_removed": dg.MetadataValue.json(found.files_removed if found else []),
            "rows_removed": found.rows_removed if found else 0,
        },
    )


def _regions_result(report: IngestReport) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name="manifest_regions_known",
        asset_key=["raw", "plan_documents"],
        passed=not report.warnings,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(report.warnings)[:2000] or "every manifest's region code is in the gazetteer",
    )


def _prepare(context: dg.AssetExecutionContext) -> None:
    """Hold the refresh lock for the rest of this run (one writer at a time), ready the working file, and note
    the inputs the run starts from (once per run: every ingest asset calls this)."""
    hold_until_exit(settings.warehouse_path(), on_wait=context.log.warning)
    prepare_build(settings.build_path(), settings.warehouse_path(), settings.versions_dir(), log=context.log.warning)
    record_run_start(settings.build_path(), context.run.run_id)


_PLAN_DESCRIPTIONS = {
    "plan_documents": "One row per plan document (raw/plans/<document>/manifest.json).",
    "plan_tables": "One row per indicator table, 专栏 box or prose target set of a manifest.",
    "plan_columns": "The role of every column of every plan table.",
    "plan_cells": "Every cell of every plan table CSV, verbatim as published.",
}


@dg.multi_asset(
    name="raw_plans",
    specs=[
        dg.AssetSpec(["raw", table], group_name="ingest", kinds={"duckdb", "csv"}, description=text)
        for table, text in _PLAN_DESCRIPTIONS.items()
    ],
    check_specs=[
        dg.AssetCheckSpec("raw_files_accepted", asset=["raw", "plan_documents"], description=_ACCEPTED),
        dg.AssetCheckSpec("removal_guard", asset=["raw", "plan_documents"], description=_GUARD, blocking=True),
        dg.AssetCheckSpec("manifest_regions_known", asset=["raw", "plan_documents"], description=_REGIONS),
    ],
)
def raw_plans(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """Load raw/plans into raw.plan_* with lineage; a document's files are accepted or rejected together."""
    _prepare(context)
    with duckdb.get_connection() as conn:
        report = ingest_plans(conn, settings.raw_dir(), settings.quarantine_dir())
        yield from _ingest_results(report, conn, tuple(_PLAN_DESCRIPTIONS), "plans", context)
    yield _regions_result(report)


@dg.multi_asset(
    name="raw_actuals",
    specs=[
        dg.AssetSpec(
            ["raw", "actuals"],
            group_name="ingest",
            kinds={"duckdb", "csv", "excel"},
            description="Actual figures under raw/actuals/*.csv and *.xlsx, long format, with lineage.",
        )
    ],
    check_specs=[
        dg.AssetCheckSpec("raw_files_accepted", asset=["raw", "actuals"], description=_ACCEPTED),
        dg.AssetCheckSpec("removal_guard", asset=["raw", "actuals"], description=_GUARD, blocking=True),
    ],
)
def raw_actuals(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """Load raw/actuals/*.csv and *.xlsx into raw.actuals with lineage; each file is accepted or rejected on its
    own; rows repeated in full within a file load once (counted in the metadata)."""
    _prepare(context)
    with duckdb.get_connection() as conn:
        report = ingest_actuals(conn, settings.raw_dir(), settings.quarantine_dir())
        yield from _ingest_results(report, conn, ("actuals",), "actuals", context)


@dg.multi_asset(
    name="raw_mappings",
    specs=[
        dg.AssetSpec(
            ["raw", "mappings"],
            group_name="ingest",
            kinds={"duckdb", "csv"},
            description="Reviewed mappings of published indicator names to catalog ids (or new catalog "
            "entries) under raw/mappings/*.csv, written by people with `planwatch map`.",
        )
    ],
    check_specs=[dg.AssetCheckSpec("raw_files_accepted", asset=["raw", "mappings"], description=_ACCEPTED)],
)
def raw_mappings(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """Load raw/mappings into raw.mappings with lineage; each file is accepted or rejected on its own."""
    _prepare(context)
    with duckdb.get_connection() as conn:
        report = ingest_mappings(conn, settings.raw_dir(), settings.quarantine_dir())
        yield from _ingest_results(report, conn, ("mappings",), "mappings", context)


@dg.asset(
    key=["raw", "_rejections"],
    group_name="ingest",
    kinds={"duckdb"},
    deps=[raw_plans, raw_actuals, raw_mappings],
    description="The quarantine table: every input file the ingest refused, with file, row, column and reason "
    "(copies under warehouse/quarantine/). Written by both ingest assets; this reports it after both.",
)
def rejections(duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as conn:
        rows = conn.execute(
            "SELECT count(*), count(DISTINCT (source_file, content_hash)) FROM raw._rejections"
        ).fetchone()
    return dg.MaterializeResult(metadata={"dagster/row_count": rows[0], "refused_file_versions": rows[1]})
