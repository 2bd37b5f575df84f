"""The shared store (planwatch.lake, docs/scale-out.md): DuckLake with its catalog in a real PostgreSQL server that the
tests start themselves (127.0.0.1, a temporary folder, run as the `postgres` user when the tests run as root)."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from conftest import GOOD_ACTUAL, private_workspace, refresh
from planwatch import lake, local_postgres
from planwatch.checksums import relation_checksums, table_checksums
from planwatch.refresh_run import nothing_changed

READERS = 4


@pytest.fixture(scope="module")
def server():
    """One PostgreSQL server for the module; each test gets a database of its own (`catalog`)."""
    try:
        local_postgres.bin_dir()
    except FileNotFoundError as missing:
        pytest.skip(str(missing))
    # Not under pytest's tmp folder: that is private to root (0700), and the server runs as `postgres`.
    folder = Path(tempfile.mkdtemp(prefix="planwatch-postgres-"))
    try:
        local_postgres.start(folder)
        yield folder
    finally:
        local_postgres.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def two_versions(built_workspace, tmp_path_factory) -> tuple[Path, Path]:
    """Two published files of the single-file target, for the tests of the lake's own publish: the shared build,
    and a refresh of it with one more actual."""
    root = tmp_path_factory.mktemp("second")
    with private_workspace(root, start_from=built_workspace.root) as published:
        _add_actual(root, 2030)
        refresh()
    return built_workspace.published, published


@pytest.fixture
def shared(server, tmp_path, monkeypatch, request) -> lake.Lake:
    """A fresh lake (its own catalog database and data folder), selected for refreshes through the environment."""
    database = "lake_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    dsn = local_postgres.start(server, database=database)  # the running server; a new database in it
    shared = lake.Lake(dsn, str(tmp_path / "lake") + "/")
    monkeypatch.setenv(lake.TARGET_ENV, "shared")
    monkeypatch.setenv(lake.CATALOG_ENV, shared.catalog)
    monkeypatch.setenv(lake.DATA_ENV, shared.data_path)
    return shared


def _lake_checksums(shared: lake.Lake) -> dict[str, str]:
    with shared.connect(read_only=True) as conn:
        return relation_checksums(conn, lake.ALIAS)


def _add_actual(workspace: Path, year: int) -> None:
    row = dict(GOOD_ACTUAL, year=str(year), raw_value="97.5", source_title=f"温州市{year}年统计公报")
    path = workspace / "raw" / "actuals" / f"lake_{year}.csv"
    path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n", encoding="utf-8")


def test_a_shared_refresh_publishes_what_the_single_file_build_publishes(shared, refreshed_workspace, built_workspace):
    refresh()
    assert _lake_checksums(shared) == table_checksums(built_workspace.published)
    assert (
        lake.published_version(shared)
        == duckdb.connect(os.environ["PLANWATCH_WAREHOUSE"], read_only=True)
        .execute("SELECT version FROM meta.build_info")
        .fetchone()[0]
    )


# One query, one snapshot: the version that built it, and what it holds.
STATE_SQL = (
    "SELECT (SELECT version FROM lake.meta.build_info), (SELECT count(*) FROM lake.marts.fct_actual), "
    "(SELECT count(*) FROM lake.analytics.actual_history), (SELECT count(*) FROM lake.meta.build_inputs)"
)
READER = textwrap.dedent(
    """
    import os, sys, time, duckdb
    from planwatch import lake
    shared, state_sql, stop = lake.Lake(sys.argv[1], sys.argv[2]), sys.argv[3], sys.argv[4]
    seen, errors = set(), []
    conn = shared.connect(read_only=True)
    while not os.path.exists(stop):
        try:
            seen.add(conn.execute(state_sql).fetchone())
        except duckdb.Error as error:
            errors.append(str(error).splitlines()[0])
        time.sleep(0.05)  # a reader every 50 ms: 4 of them, on 2 cores beside the refresh and the server
    print(repr((sorted(seen), errors)))
    """
)
# One publish of a file into the lake, in a process of its own (to be killed, or to race another).
PUBLISHER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from planwatch import lake
    print("start", flush=True)
    lake.publish_to_lake(lake.Lake(sys.argv[1], sys.argv[2]), Path(sys.argv[3]))
    """
)


def _state(shared: lake.Lake) -> tuple:
    with shared.connect(read_only=True) as conn:
        return conn.execute(STATE_SQL).fetchone()


def _start(script: str, shared: lake.Lake, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, shared.catalog, shared.data_path, *args],
        stdout=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_readers_see_the_snapshot_before_or_after_while_two_refreshes_publish(
    shared, refreshed_workspace, two_versions, tmp_path
):
    lake.publish_to_lake(shared, two_versions[0])
    states = [_state(shared)]
    stop = tmp_path / "stop"
    readers = [_start(READER, shared, STATE_SQL, str(stop)) for _ in range(READERS)]
    try:
        time.sleep(2)
        for year in (2030, 2031):
            _add_actual(refreshed_workspace, year)
            refresh()
            states.append(_state(shared))
        time.sleep(1)
    finally:
        stop.touch()
        outputs = [eval(r.communicate(timeout=120)[0]) for r in readers]
    assert len(set(states)) == 3  # each refresh published a different warehouse
    for seen, errors in outputs:
        assert errors == []
        assert seen and set(seen) <= set(states)  # never a mix of two snapshots


def test_a_publish_killed_mid_way_leaves_the_last_snapshot_and_the_next_one_succeeds(
    shared, two_versions, refreshed_workspace
):
    # the lake holds the newer version; the killed publishes bring the older one (the workspace's published file)
    older, newer = two_versions
    lake.publish_to_lake(shared, newer)
    before, snapshot = _lake_checksums(shared), _snapshot(shared)
    killed = 0
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5):
        process = _start(PUBLISHER, shared, str(older))
        process.stdout.readline()  # imported, about to publish
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
        process.stdout.close()
        if _snapshot(shared) != snapshot:
            break  # that one committed before the kill: the lake holds the new version, whole
        assert _lake_checksums(shared) == before
    assert killed >= 1
    if _snapshot(shared) == snapshot:
        # a lake that lacks the published version is not "nothing changed": the next refresh publishes it again
        assert nothing_changed(Path(os.environ["PLANWATCH_WAREHOUSE"])) is None
    refresh()
    assert _lake_checksums(shared) == table_checksums(Path(os.environ["PLANWATCH_WAREHOUSE"]))


def _snapshot(shared: lake.Lake) -> int:
    with shared.connect(read_only=True) as conn:
        return lake.current_snapshot(conn)


def test_two_publishes_at_once_never_interleave(shared, two_versions):
    older, newer = two_versions
    lake.publish_to_lake(shared, older)  # the lake exists, with tables both publishes replace
    processes = [_start(PUBLISHER, shared, str(path), stderr=subprocess.PIPE) for path in (older, newer)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    for code, err in results:
        assert code == 0 or "the shared store refused this publish" in err, err
    assert any(code == 0 for code, _ in results)
    assert _lake_checksums(shared) in (table_checksums(older), table_checksums(newer))


def test_time_travel_reads_an_earlier_snapshot_and_housekeeping_expires_it(shared, two_versions):
    lake.publish_to_lake(shared, two_versions[0])
    first = _snapshot(shared)
    lake.publish_to_lake(shared, two_versions[1])
    with shared.connect(read_only=True) as conn:
        now = conn.execute("SELECT count(*) FROM lake.marts.fct_actual").fetchone()[0]
        then = conn.execute(f"SELECT count(*) FROM lake.marts.fct_actual AT (VERSION => {first})").fetchone()[0]
    assert now == then + 1
    done = lake.housekeeping(shared, keep_days=0)
    assert done["snapshots_expired"] >= 1
    with shared.connect(read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM lake.marts.fct_actual").fetchone()[0] == now
        with pytest.raises(duckdb.Error):
            conn.execute(f"SELECT count(*) FROM lake.marts.fct_actual AT (VERSION => {first})").fetchone()


def test_the_analysts_role_reads_and_cannot_write(shared, two_versions):
    lake.publish_to_lake(shared, two_versions[0])
    reader = lake.Lake(local_postgres.grant_reader(shared.catalog), shared.data_path)
    with reader.connect(read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM lake.marts.fct_indicator_value").fetchone()[0] > 0
    with pytest.raises(duckdb.Error), reader.connect() as conn:
        conn.execute("CREATE TABLE lake.marts.intruder AS SELECT 1 AS x")


def test_a_shared_target_without_its_settings_is_refused_by_name(monkeypatch):
    monkeypatch.setenv(lake.TARGET_ENV, "shared")
    monkeypatch.delenv(lake.CATALOG_ENV, raising=False)
    monkeypatch.setenv(lake.DATA_ENV, "/tmp/lake")
    with pytest.raises(lake.LakeNotConfigured, match=lake.CATALOG_ENV):
        lake.configured()
    monkeypatch.setenv(lake.TARGET_ENV, "lakehouse")
    with pytest.raises(lake.LakeNotConfigured, match="'file'"):
        lake.configured()


def test_a_refresh_with_a_shared_target_but_no_catalog_stops_before_building(workspace, monkeypatch, capsys):
    from planwatch.refresh_run import NOT_PUBLISHED
    from planwatch.refresh_run import refresh as refresh_command

    monkeypatch.setenv(lake.TARGET_ENV, "shared")
    monkeypatch.delenv(lake.CATALOG_ENV, raising=False)
    monkeypatch.delenv(lake.DATA_ENV, raising=False)
    assert refresh_command() == NOT_PUBLISHED
    assert lake.CATALOG_ENV in capsys.readouterr().err
    assert not (workspace / "warehouse" / "planwatch.duckdb").exists()
