"""dbt, run inside the refresh's own process (dbt's programmatic `dbtRunner`), with the project parsed once per run.

Why not dagster-dbt's `DbtCliResource.cli()`: it starts a `dbt` subprocess for each step, and each one pays Python
start-up, dbt's imports and a (partial) parse of the project before its first node. Measured on the bundled refresh
(2 cores): the two steps took 11 s and 9 s for 4.9 s and 5.0 s of dbt's own node work. In this process dbt's imports
are paid once, the project is parsed once per run (`dbt parse`, about 1 s with the kept partial-parse file), and
both `dbt build`s reuse that manifest: 5.4 s and 5.5 s.

A process that runs several refreshes (the tests; `dagster dev` with the in-process executor) parses once: the
parsed project is kept while the project's files are unchanged (their names, sizes and modification times) and the
working file has the same name, which is the only part of the profile that reaches the manifest (as the nodes'
`database`). Measured on the bundled refresh: 3.3 s of a 15.8 s in-process refresh was the full re-parse that a new
working file's path forces (dbt's partial-parse file is only valid for the profile it was made with).

What stays dagster-dbt's: the dbt selection of a step (and of a subset of its assets, as the UI can ask), and the
translation of dbt's result events into Dagster outputs and asset checks. Those are the same events dagster-dbt
reads from a subprocess: a dbt JSON log line is `msg_to_dict` of the event a dbtRunner callback receives.

dbt-duckdb keeps its DuckDB connection open in a class attribute after an in-process invocation; it is closed here
after every invocation, so that the next step (the GX checks, the publish) finds the working file closed and
checkpointed. tests/test_definitions.py checks that the dbt-duckdb and dagster-dbt members used here still exist.
"""

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource
from dagster_dbt.asset_utils import get_updated_cli_invocation_params_for_context
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from planwatch import settings

# The parsed project, keyed by `_parse_key`: a run's second step, and the next run in this process, reuse it.
_parsed: dict[tuple, Any] = {}


class PlanwatchDbtResource(DbtCliResource):
    def build_in_process(
        self, context: dg.AssetExecutionContext, args: Sequence[str], target_path: Path
    ) -> Iterator[dg.Output | dg.AssetCheckResult | dg.AssetObservation]:
        """Run one dbt command for the assets of `context`'s step; yield its Dagster events, then raise if it failed."""
        params = get_updated_cli_invocation_params_for_context(
            context=context, manifest={}, dagster_dbt_translator=DagsterDbtTranslator()
        )
        project_dir = Path(params.dbt_project.project_dir) if params.dbt_project else Path(self.project_dir)
        common = self._common_flags(project_dir, target_path)
        command = [
            *args,
            *params.selection_args,
            *(["--indirect-selection", params.indirect_selection] if params.indirect_selection else []),
        ]
        context.log.info(f"Running dbt command: `dbt {' '.join(command)}`.")
        raw_events = self._invoke(project_dir, command, common)
        errors = []
        for raw in raw_events:
            level, message = raw["info"]["level"], raw["info"]["msg"]
            if level == "error":
                errors.append(message)
            print(message, flush=True)  # dbt's console lines, into the refresh log as before
            event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
            yield from event.to_default_asset_events(
                manifest=params.manifest,
                dagster_dbt_translator=params.dagster_dbt_translator,
                context=context,
                target_path=target_path,
                project=params.dbt_project,
            )
        context.log.info(f"Finished dbt command: `dbt {' '.join(command)}`.")
        if errors or raw_events.failure is not None:
            raise DagsterDbtCliRuntimeError(
                description=f"`dbt {' '.join(command)}` failed: " + "\n\n".join(errors or [str(raw_events.failure)])
            ) from raw_events.failure

    def _common_flags(self, project_dir: Path, target_path: Path) -> list[str]:
        return [
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(self.profiles_dir or project_dir),
            *(["--profile", self.profile] if self.profile else []),
            *(["--target", self.target] if self.target else []),
            "--target-path",
            str(target_path),
            "--log-path",
            str(target_path),
            # The callback below receives every event; dbt's own console and file loggers would only repeat them.
            "--log-level",
            "none",
            "--log-level-file",
            "none",
            "--no-send-anonymous-usage-stats",
            # manifest.json and run_results.json: nothing reads them (the events carry the results), and writing
            # them costs about a second per refresh. The partial-parse file is written all the same.
            "--no-write-json",
        ]

    def _invoke(self, project_dir: Path, command: list[str], common: list[str]) -> "_Events":
        from dbt.cli.main import dbtRunner
        from dbt_common.events.functions import msg_to_dict

        events = _Events()
        try:
            key = (_parse_key(project_dir), self.profiles_dir, self.profile, self.target)
            if key not in _parsed:
                _parsed.clear()
                parsed = dbtRunner().invoke(["parse", *common])
                if not parsed.success:
                    events.failure = parsed.exception or RuntimeError("dbt parse failed")
                    return events
                _parsed[key] = parsed.result
            runner = dbtRunner(manifest=_parsed[key], callbacks=[lambda e: _keep(e, events, msg_to_dict)])
            result = runner.invoke([*command, *common])
            if not result.success:
                events.failure = result.exception or RuntimeError("dbt reported failures")
            return events
        finally:
            _close_duckdb()


def _parse_key(project_dir: Path) -> tuple:
    """What a parsed manifest depends on: the project's files (stat only: a few milliseconds for ~150 files; an edit
    between two runs of one process is seen), and the working file's name (dbt-duckdb
    names the database after it). Not the working file's folder: a manifest holds no path of it."""
    files = sorted(
        (str(path.relative_to(project_dir)), stat.st_size, stat.st_mtime_ns)
        for path in project_dir.rglob("*")
        if path.is_file() and path.relative_to(project_dir).parts[0] not in _NOT_PROJECT and (stat := path.stat())
    )
    return str(project_dir), tuple(files), settings.build_path().name


# dbt's own output folders inside the project (written by a dbt run outside planwatch), never its input.
_NOT_PROJECT = {"target", "logs", "dbt_packages"}


def _keep(event, events: "_Events", to_dict) -> None:
    # A build fires some 6,000 debug events (each query, each cache lookup) beside ~500 others; the result events
    # dagster-dbt reads (LogModelResult, LogTestResult ...) are info level. Converting only those saves ~0.5 s a build.
    if event.info.level != "debug":
        events.append(to_dict(event))


class _Events(list):
    failure: BaseException | None = None


def _close_duckdb() -> None:
    """dbt-duckdb holds its database (and so the working file) in a class attribute, and closes it only when the last
    handle is released or the object is collected; a run that stopped early can leave a handle behind. Close it now,
    whatever happened: the next step opens the file in its own way."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import cleanup_connections

    cleanup_connections()
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()
