"""How refreshes start: a daily schedule (Asia/Shanghai) and a sensor that fires when a file under raw/ is
added, changed or removed."""

import hashlib
import json

import dagster as dg

from planwatch import settings
from planwatch.lock import holder
from planwatch.raw_files import content_hash, is_side_file, resolves_inside

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


# What a refresh reads; raw/inbox and raw/extracted are the extractor's and change nothing in the warehouse.
WATCHED = ("plans", "actuals", "mappings")


def raw_fingerprint() -> tuple[str, dict[str, str]]:
    """A digest of every input file under raw/plans and raw/actuals (path + content hash): the sensor's cursor."""
    root = settings.raw_dir()
    # A link out of raw/ is never read (the ingest refuses it): its target's path stands in for its content.
    files = {p.relative_to(root).as_posix(): content_hash(p) if resolves_inside(p, root) else f"outside:{p.resolve()}"
             for folder in WATCHED for p in sorted((root / folder).rglob("*"))
             if p.is_file() and not is_side_file(p)}
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    return digest, files


@dg.sensor(job=refresh_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Requests a refresh when a file under raw/plans or raw/actuals is added, changed or removed "
                       "(cursor: content hashes).")
def raw_files_changed(context: dg.SensorEvaluationContext):
    running = holder(settings.warehouse_path())
    if running:
        # The cursor is not advanced: the change is picked up on the first evaluation after that refresh.
        return dg.SkipReason(f"a refresh is running (pid {running.get('pid')}, since {running.get('since')}); "
                             "checking again when it has finished")
    digest, files = raw_fingerprint()
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
    return dg.RunRequest(run_key=digest, tags={"planwatch/raw_digest": digest[:16],
                                               "planwatch/changes": summary[:1000]})
