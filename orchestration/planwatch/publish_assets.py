"""The publish step (the gate, then the atomic publish: planwatch.publish) and the report after it."""

import dagster as dg

from planwatch import lake, settings
from planwatch.publish import RunChecks, publish
from planwatch.report import render_report


def _run_checks(context: dg.AssetExecutionContext):
    """A reader of this run's own recorded check results: what it planned, and what each check found."""

    def read() -> RunChecks:
        def records(kind):
            return context.instance.get_records_for_run(context.run.run_id, of_type=kind, limit=100_000).records

        planned = frozenset(
            f"{r.event_log_entry.dagster_event.event_specific_data.asset_key.to_user_string()}:"
            f"{r.event_log_entry.dagster_event.event_specific_data.check_name}"
            for r in records(dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED)
        )
        results = []
        for record in records(dg.DagsterEventType.ASSET_CHECK_EVALUATION):
            evaluation = record.event_log_entry.dagster_event.event_specific_data
            results.append(
                {
                    "asset": evaluation.asset_key.to_user_string(),
                    "check": evaluation.check_name,
                    "passed": evaluation.passed,
                    "severity": evaluation.severity.value,
                    "description": evaluation.description,
                }
            )
        return RunChecks(planned, results)

    return read


def publish_asset_definitions(upstream: list[dg.AssetKey]) -> tuple[dg.AssetsDefinition, dg.AssetsDefinition]:
    """The publish step after every asset of the refresh (`upstream`): each check blocks (planwatch.checks), so
    all of them have run before it does; then the report."""

    @dg.asset(
        name="published_warehouse",
        group_name="publish",
        kinds={"duckdb"},
        deps=upstream,
        description="The published warehouse (PLANWATCH_WAREHOUSE): a checked copy of the working file, replaced "
        "atomically, with meta.build_info. Publishes only when every check planned for the run has a "
        "result and every ERROR check passed, asserted from the run's own records at the replace. With "
        "PLANWATCH_TARGET=shared, that file is then copied into the shared store (DuckLake) as one snapshot.",
    )
    def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        version = publish(
            settings.build_path(),
            settings.warehouse_path(),
            settings.versions_dir(),
            context.run.run_id,
            _run_checks(context),
        )
        context.log.info(f"published {version.name} → {settings.warehouse_path()}")
        metadata = {"version": version.name, "path": str(settings.warehouse_path())}
        shared = lake.configured()
        if shared is not None:
            # The file passed the gate and is published; the lake gets exactly that file, as one snapshot.
            metadata["lake_snapshot"] = lake.publish_to_lake(shared, settings.warehouse_path())
            context.log.info(f"published {version.name} to the shared store as snapshot {metadata['lake_snapshot']}")
        return dg.MaterializeResult(metadata=metadata)

    return published_warehouse, report


@dg.asset(
    group_name="publish",
    kinds={"html"},
    deps=["published_warehouse"],
    description="warehouse/report/index.html: per region, targets beside the 2020 value and latest actual, the "
    "十三五 completion table with computed vs reported status, progress charts. Self-contained.",
)
def report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    path = render_report(settings.warehouse_path(), settings.report_path())
    context.log.info(f"report: {path}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path))})
