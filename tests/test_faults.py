"""Faults: refreshes killed with SIGKILL at random points, two refreshes at once, and the same inputs twice.

Every refresh here is the real `planwatch refresh` command in its own process, on a private copy of raw/ and a
private warehouse folder. A kill takes the refresh's whole process group (the CLI and the dbt process it runs),
as a container runtime or the OOM killer does.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURE_RAW, workspace_env
from planwatch.checksums import table_checksums
from planwatch.lock import holder, refresh_lock
from planwatch.verify import blocking_failures, verify

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PLANWATCH = Path(sys.executable).parent / "planwatch"
KILL_TRIALS = 10


def _env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PLANWATCH_BUILD", "DAGSTER_HOME")}
    return env | workspace_env(root)


def _refresh(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PLANWATCH), "refresh", "--force", *args], env=_env(root), capture_output=True, text=True, timeout=600
    )


def _start(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(PLANWATCH), "refresh", "--force"],
        env=_env(root),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _assert_sound(published: Path, expected: dict[str, str]) -> None:
    """Opens, passes every blocking suite, holds the same content as the version before."""
    assert not blocking_failures(verify(published))
    assert table_checksums(published) == expected


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """A workspace refreshed twice on the same inputs; the checksums of both published versions, and how long the
    second refresh took (warm, as every later one here is: the first also pays dbt's full parse of a new working
    file), the span the kills below are spread over."""
    root = tmp_path_factory.mktemp("faults")
    shutil.copytree(FIXTURE_RAW, root / "raw")
    published = root / "warehouse" / "planwatch.duckdb"
    sums, seconds = [], []
    for _ in range(2):
        started = time.monotonic()
        done = _refresh(root)
        seconds.append(time.monotonic() - started)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        sums.append(table_checksums(published))
    return root, published, sums, seconds[-1]


def test_two_refreshes_on_the_same_inputs_publish_identical_content(refreshed):
    _, _, (first, second), _ = refreshed
    assert {"marts.fct_actual", "marts.fct_target_progress", "snapshots.actuals_history"} <= set(first)
    assert first == second


def test_a_refresh_killed_at_random_points_never_damages_what_is_published(refreshed):
    root, published, (baseline, _), seconds = refreshed
    versions = published.parent / "versions"
    chance = random.Random(20261122)
    outcomes = []
    for trial in range(KILL_TRIALS):
        delay = chance.uniform(0.2, seconds)
        process = _start(root)
        try:
            process.wait(timeout=delay)
            outcomes.append(f"trial {trial}: finished before {delay:.1f}s")
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            outcomes.append(f"trial {trial}: killed at {delay:.1f}s")
        process.stdout.close()
        _assert_sound(published, baseline)
        current = (
            duckdb.connect(str(published), read_only=True).execute("SELECT version FROM meta.build_info").fetchone()[0]
        )
        assert (versions / current).is_file(), outcomes[-1]
    assert sum("killed" in o for o in outcomes) >= KILL_TRIALS // 2, outcomes

    after = _refresh(root)
    assert after.returncode == 0, "\n".join(outcomes) + after.stdout[-3000:] + after.stderr[-3000:]
    _assert_sound(published, baseline)
    leftovers = [*published.parent.glob(".*.publishing"), *versions.glob("*.partial")]
    assert not leftovers


def test_two_refreshes_at_once_take_turns(refreshed):
    root, published, (baseline, _), _ = refreshed
    versions = published.parent / "versions"
    before = len(list(versions.glob("*.duckdb")))
    first, second = _start(root), _start(root)
    outputs = [p.communicate(timeout=600)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], "\n\n".join(o[-3000:] for o in outputs)
    assert sum("waiting for it to finish" in o for o in outputs) == 1, "\n\n".join(o[-2000:] for o in outputs)
    _assert_sound(published, baseline)
    assert len(list(versions.glob("*.duckdb"))) == min(before + 2, 5)


def test_a_refresh_that_may_not_wait_is_skipped_with_a_message(tmp_path):
    shutil.copytree(FIXTURE_RAW, tmp_path / "raw")
    with refresh_lock(tmp_path / "warehouse" / "planwatch.duckdb", wait=False):
        assert holder(tmp_path / "warehouse" / "planwatch.duckdb")["pid"] == os.getpid()
        skipped = _refresh(tmp_path, "--no-wait")
    assert skipped.returncode == 75
    assert "skipped: another refresh holds" in skipped.stderr and f"pid {os.getpid()}" in skipped.stderr
    assert not (tmp_path / "warehouse" / "planwatch.duckdb").exists()
    assert holder(tmp_path / "warehouse" / "planwatch.duckdb") is None


def test_the_sensor_holds_back_while_a_refresh_runs(tmp_path, monkeypatch):
    import dagster as dg

    from planwatch.automation import raw_files_changed

    shutil.copytree(FIXTURE_RAW, tmp_path / "raw")
    monkeypatch.setenv("PLANWATCH_RAW", str(tmp_path / "raw"))
    monkeypatch.setenv("PLANWATCH_WAREHOUSE", str(tmp_path / "warehouse" / "planwatch.duckdb"))
    with refresh_lock(tmp_path / "warehouse" / "planwatch.duckdb", wait=False):
        held = raw_files_changed(dg.build_sensor_context())
    assert isinstance(held, dg.SkipReason) and "a refresh is running" in held.skip_message
    assert isinstance(raw_files_changed(dg.build_sensor_context()), dg.RunRequest)


def test_the_refresh_job_runs_in_one_process_and_is_queued_one_at_a_time():
    import dagster as dg
    import yaml

    from planwatch.automation import refresh_job

    assert refresh_job.executor_def is dg.in_process_executor
    config = yaml.safe_load((PROJECT_ROOT / "orchestration" / "dagster.yaml").read_text())
    assert {"key": "planwatch/writer", "limit": 1} in config["run_queue"]["tag_concurrency_limits"]
    assert refresh_job.tags["planwatch/writer"] == "warehouse"


def test_a_working_file_that_cannot_be_opened_is_set_aside_and_restored_from_the_published_one(tmp_path):
    from planwatch.warehouse import prepare_build

    published, build = tmp_path / "planwatch.duckdb", tmp_path / ".build" / "planwatch.duckdb"
    with duckdb.connect(str(published)) as conn:
        conn.execute("CREATE TABLE kept AS SELECT 42 AS answer")
    build.parent.mkdir()
    build.write_bytes(b"not a duckdb file" * 100)
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "planwatch-x.duckdb.partial").write_bytes(b"half")
    (tmp_path / ".planwatch.duckdb.123.publishing").write_bytes(b"half")
    messages = []
    prepare_build(build, published, tmp_path / "versions", log=messages.append)
    with duckdb.connect(str(build), read_only=True) as conn:
        assert conn.execute("SELECT answer FROM kept").fetchone() == (42,)
    assert list(build.parent.glob("planwatch.duckdb.broken-*"))
    assert not list(tmp_path.glob("**/*.partial")) and not list(tmp_path.glob(".*.publishing"))
    assert any("set aside" in m for m in messages) and sum("publishing" in m for m in messages) == 2
