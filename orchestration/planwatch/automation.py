"""How refreshes start: a daily schedule (Asia/Shanghai) and a sensor that fires when a file under raw/ is
added, changed or removed."""

import json

import dagster as dg

from planwatch import settings
from planwatch.fingerprint import input_fingerprint, raw_fingerprint
from planwatch.lock import holder

# Everything but the inbox extraction: drafts are never part of a refresh.
# One writer at a time: all steps run in the run's own process, which holds the refresh lock (planwatch.lock)
# from its first asset until it exits; the tag lets the run queue (dagster.yaml, written by `make setup`) hold a
# second refresh back rather than start it to wait on the lock.
refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("extract"),
    description="Full refresh: ingest raw/, build the dbt models, run every dbt test and GX suite.",
    executor_def=dg.in_process_executor,
    tags={"planwatch/writer": "warehouse"},
)

daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh",
    job=refresh_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.sensor(
    job=refresh_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a refresh when a file under raw/plans or raw/actuals is added, changed or removed "
    "(cursor: content hashes).",
)
def raw_files_changed(context: dg.SensorEvaluationContext):
    running = holder(settings.warehouse_path())
    if running:
        # The cursor is not advanced: the change is picked up on the first evaluation after that refresh.
        return dg.SkipReason(
            f"a refresh is running (pid {running.get('pid')}, since {running.get('since')}); "
            "checking again when it has finished"
        )
    digest, files = raw_fingerprint()
    if not context.cursor and _published_fingerprint() == input_fingerprint(digest):
        # A first evaluation (a new `dagster dev`) starts from what the published build loaded: no run for that.
        context.update_cursor(json.dumps({"digest": digest, "files": files}))
        return dg.SkipReason("nothing changed since the published build")
    previous = json.loads(context.cursor) if context.cursor else {"digest": None, "files": {}}
    if digest == previous["digest"]:
        return dg.SkipReason("no file under raw/ changed")
    old = previous["files"]
    changes = {
        "added": sorted(set(files) - set(old)),
        "removed": sorted(set(old) - set(files)),
        "changed": sorted(p for p in set(files) & set(old) if files[p] != old[p]),
    }
    context.update_cursor(json.dumps({"digest": digest, "files": files}))
    summary = "; ".join(f"{kind}: {', '.join(paths)}" for kind, paths in changes.items() if paths)
    return dg.RunRequest(
        run_key=digest, tags={"planwatch/raw_digest": digest[:16], "planwatch/changes": summary[:1000]}
    )


def _published_fingerprint() -> str | None:
    from planwatch.publish import published_fingerprint

    return published_fingerprint(settings.warehouse_path())


@dg.run_failure_sensor(
    name="refresh_failures",
    monitored_jobs=[refresh_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes every failed or refused refresh run (schedule, sensor or UI) to "
    "warehouse/alerts.log, with its cause; `planwatch status` shows the last one.",
)
def refresh_failures(context: dg.RunFailureSensorContext):
    from planwatch.alerts import record

    error = context.failure_event.message or "the run failed"
    steps = list(context.get_step_failure_events())
    causes = [
        f"{e.step_key}: {e.event_specific_data.error.message.strip().splitlines()[0][:300]}"
        for e in steps
        if e.event_specific_data and e.event_specific_data.error
    ]
    record(context.dagster_run.run_id, "; ".join(causes) or error, "dagster")
