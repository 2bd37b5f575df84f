"""The dbt models as Dagster assets, in two steps (dbt_staging, dbt_marts), each one `dbt build`."""

import shutil
import threading

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from planwatch import settings
from planwatch.changes import code_version
from planwatch.gx_validation import preload
from planwatch.settings import DBT_PROJECT_DIR


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Incremental models (per document, per actuals file) are rebuilt in full when the code that builds them has
    # changed since this working file last built them; the marker is written only after a build that succeeded.
    marker = settings.build_path().with_name(f"{context.op_def.name}.code_version")
    full = not marker.exists() or marker.read_text() != code_version()
    # "buildable": a test runs in the step that builds all of what it reads (a mart's test that also reads a seed
    # runs with the marts, not with the seeds; dbt's default would run it where its first parent is).
    invocation = dbt.cli(
        ["build", "--indirect-selection", "buildable", *(["--full-refresh"] if full else [])], context=context
    )
    try:
        yield from invocation.stream()
        marker.write_text(code_version())
        _keep_partial_parse(invocation.target_path)
    finally:
        # dagster-dbt leaves one target/<run> folder per invocation; the run's results are in Dagster by now (and a
        # failed run's folder must not stay behind on a disk that may be full).
        shutil.rmtree(invocation.target_path, ignore_errors=True)


def _keep_partial_parse(invocation_target) -> None:
    """dagster-dbt seeds each invocation with target/partial_parse.msgpack but never takes the updated one back,
    so every invocation whose profile differs from the last `dbt parse` (another warehouse path) re-parsed the
    whole project, seconds each time. Keep the latest one; dbt itself checks that it still fits (files, profile,
    env vars) and parses in full when not."""
    fresh = invocation_target / "partial_parse.msgpack"
    if fresh.is_file():
        kept = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
        staging = kept.with_name(f".partial_parse.{fresh.parent.name}.msgpack")
        shutil.copyfile(fresh, staging)
        staging.replace(kept)


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
    def dbt_staging(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """Staging (renaming and parsing) and intermediate models, with their dbt tests."""
        # The GX checks come next and importing GX takes seconds: do it while dbt works in its own process.
        threading.Thread(target=preload, name="gx-preload", daemon=True).start()
        yield from _build(context, dbt)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name="dbt_marts",
        select="path:models/marts path:models/analytics path:snapshots",
        dagster_dbt_translator=LayerTranslator(),
    )
    def dbt_marts(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """The marts analysts read (schema marts), with their dbt tests."""
        yield from _build(context, dbt)

    return dbt_staging, dbt_marts
