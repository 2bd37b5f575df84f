"""Housekeeping of the shared store (planwatch.lake), weekly: snapshot expiry and file compaction. Nothing to do for
the single-file target, where `warehouse/versions/` keeps the last five versions (planwatch.publish)."""

import dagster as dg

from planwatch import lake, settings
from planwatch.lock import refresh_lock


class HousekeepingConfig(dg.Config):
    # Time travel (AT (VERSION => n)) reaches back this far; older snapshots are expired.
    keep_days: int = 90


@dg.op(description="Expire the lake's snapshots older than keep_days, merge small files, delete unneeded files.")
def lake_housekeeping(context: dg.OpExecutionContext, config: HousekeepingConfig) -> dict:
    target = lake.configured()
    if target is None:
        context.log.info("PLANWATCH_TARGET is not 'shared': no lake to keep")
        return {}
    # A writer like a refresh: one at a time on this machine (a refresh waits for it, and it for a refresh).
    with refresh_lock(settings.warehouse_path(), wait=True):
        done = lake.housekeeping(target, config.keep_days)
    context.log.info(f"lake housekeeping: {done}")
    context.add_output_metadata(done)
    return done


@dg.job(description="Weekly housekeeping of the shared store (DuckLake): snapshot expiry and file compaction.")
def lake_housekeeping_job():
    lake_housekeeping()


weekly_lake_housekeeping = dg.ScheduleDefinition(
    name="weekly_lake_housekeeping",
    job=lake_housekeeping_job,
    cron_schedule="0 3 * * 0",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
