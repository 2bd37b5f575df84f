"""The dbt models as Dagster assets, in two steps (dbt_staging, dbt_marts), each one `dbt build`."""

import shutil
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets

from planwatch import settings
from planwatch.changes import code_version
from planwatch.dbt.resource import PlanwatchDbtResource


def _build(context: dg.AssetExecutionContext, dbt: PlanwatchDbtResource):
    # Incremental models (per document, per actuals file) are rebuilt in full when the code that builds them has
    # changed since this working file last built them; the marker is written only after a build that succeeded.
    build = settings.build_path()
    marker = build.with_name(f"{context.op_def.name}.code_version")
    full = not marker.exists() or marker.read_text() != code_version()
    target = _invocation_target(build, context.run_id, context.op_def.name)
    # "buildable": a test runs in the step that builds all of what it reads (a mart's test that also reads a seed
    # runs with the marts, not with the seeds; dbt's default would run it where its first parent is).
    # dbt's unit tests run the models' code on fixed inputs, so their outcome changes only with the code: they run
    # when the code differs from what this working file last built with (dbt's advice is to keep them out of
    # production builds; here a code change is a production build's own trigger).
    command = [
        "build",
        "--indirect-selection",
        "buildable",
        *(["--full-refresh"] if full else ["--exclude-resource-type", "unit_test"]),
    ]
    try:
        yield from dbt.build_in_process(context, command, target)
        marker.write_text(code_version())
        _keep_partial_parse(target, build)
    finally:
        # The run's results are in Dagster by now (and a failed run's folder must not stay behind on a disk that may
        # be full).
        shutil.rmtree(target, ignore_errors=True)


# dbt re-parses the whole project (seconds) whenever its profile differs from the one its partial_parse.msgpack was
# made with, and the profile names the working file. So each working file keeps its own msgpack beside it: two
# warehouses refreshed on one machine (or by parallel tests) never invalidate each other's. A run parses once, in its
# first dbt step (planwatch.dbt.resource).
_PARTIAL_PARSE = "partial_parse.msgpack"


def _invocation_target(build: Path, run_id: str, step: str) -> Path:
    # One refresh at a time holds the warehouse (planwatch.lock): whatever is here is a killed run's leftover.
    shutil.rmtree(build.parent / "dbt", ignore_errors=True)
    target = build.parent / "dbt" / f"{step}-{run_id[:8]}"
    target.mkdir(parents=True)
    kept = build.parent / _PARTIAL_PARSE
    if kept.is_file():
        shutil.copyfile(kept, target / _PARTIAL_PARSE)
    return target


def _keep_partial_parse(target: Path, build: Path) -> None:
    """dbt leaves an updated msgpack in the invocation's folder; keep it (atomically) for the next invocation. dbt
    itself checks that it still fits (files, profile, env vars) and parses in full when not."""
    fresh = target / _PARTIAL_PARSE
    if fresh.is_file():
        staging = build.parent / f".{_PARTIAL_PARSE}.{target.name}"
        shutil.copyfile(fresh, staging)
        staging.replace(build.parent / _PARTIAL_PARSE)


class LayerTranslator(DagsterDbtTranslator):
    """dbt models in Dagster groups named after their layers (staging, intermediate, marts, analytics), seeds in
    reference, snapshots in snapshots: the asset graph reads as the data's path."""

    def get_group_name(self, dbt_resource_props) -> str:
        kind = dbt_resource_props["resource_type"]
        if kind == "seed":
            return "reference"
        if kind == "snapshot":
            return "snapshots"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


def dbt_asset_definitions(project: DbtProject) -> tuple[dg.AssetsDefinition, dg.AssetsDefinition]:
    """The dbt models in two steps, so that the GX checks on the staged data can stop the marts from being built:
    staging and intermediate (with the seeds), then marts, analytics and the snapshot."""

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name="dbt_staging",
        select="path:models/staging path:models/intermediate path:seeds",
        dagster_dbt_translator=LayerTranslator(),
    )
    def dbt_staging(context: dg.AssetExecutionContext, dbt: PlanwatchDbtResource):
        """Staging (renaming and parsing) and intermediate models, with their dbt tests."""
        yield from _build(context, dbt)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name="dbt_marts",
        select="path:models/marts path:models/analytics path:snapshots",
        dagster_dbt_translator=LayerTranslator(),
    )
    def dbt_marts(context: dg.AssetExecutionContext, dbt: PlanwatchDbtResource):
        """The marts analysts read (schema marts), with their dbt tests."""
        yield from _build(context, dbt)

    return dbt_staging, dbt_marts
