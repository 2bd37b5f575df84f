"""The second dbt target (docs/scale-out.md): DuckLake with its catalog in PostgreSQL."""

import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURE_RAW

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).parent / "dbt"


def _ducklake_unavailable() -> str | None:
    try:
        with duckdb.connect() as conn:
            for extension in ("ducklake", "postgres"):
                conn.execute(f"INSTALL {extension}")
                conn.execute(f"LOAD {extension}")
    except duckdb.Error as error:
        return str(error).splitlines()[0]
    return None


def test_the_shared_target_parses_to_the_same_relations(tmp_path):
    env = dict(
        os.environ, PLANWATCH_LAKE_CATALOG="dbname=planwatch host=localhost", PLANWATCH_LAKE_DATA=str(tmp_path / "lake")
    )
    subprocess.run(
        [
            str(DBT),
            "parse",
            "--target",
            "shared",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
            "--quiet",
        ],
        cwd=PROJECT_ROOT / "dbt_project",
        env=env,
        check=True,
    )
    nodes = json.loads((tmp_path / "target" / "manifest.json").read_text())["nodes"]
    marts = {n["name"]: (n["database"], n["schema"]) for n in nodes.values() if n["resource_type"] == "model"}
    assert marts["fct_target_vs_actual"] == ("planwatch", "marts")
    assert marts["indicator_values"] == ("planwatch", "analytics")


@pytest.fixture
def postgres(tmp_path):
    """A PostgreSQL server of its own, on a Unix socket in tmp_path, stopped afterwards."""
    if shutil.which("initdb") is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    data, socket = tmp_path / "pgdata", tmp_path / "pgsock"
    socket.mkdir()
    run_as = [] if os.geteuid() != 0 else ["runuser", "-u", "nobody", "--"]  # initdb refuses to run as root
    if run_as:
        os.chown(tmp_path, pwd.getpwnam("nobody").pw_uid, -1)
        os.chown(socket, pwd.getpwnam("nobody").pw_uid, -1)
    subprocess.run(
        [*run_as, "initdb", "-D", str(data), "-U", "planwatch", "--auth=trust"], check=True, capture_output=True
    )
    subprocess.run(
        [
            *run_as,
            "pg_ctl",
            "-D",
            str(data),
            "-w",
            "-o",
            f"-k {socket} -c listen_addresses=''",
            "-l",
            str(tmp_path / "pg.log"),
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(["createdb", "-h", str(socket), "-U", "planwatch", "planwatch"], check=True)
        yield f"dbname=planwatch host={socket} user=planwatch"
    finally:
        subprocess.run([*run_as, "pg_ctl", "-D", str(data), "-m", "fast", "stop"], capture_output=True)


@pytest.mark.skipif(
    _ducklake_unavailable() is not None,
    reason=f"the ducklake/postgres DuckDB extensions cannot be installed here: {_ducklake_unavailable()}",
)
def test_the_marts_build_through_ducklake_on_a_local_postgres(postgres, tmp_path):
    from planwatch.ingest import ingest_actuals, ingest_plans

    lake = tmp_path / "lake"
    with duckdb.connect() as conn:
        conn.execute("LOAD ducklake")
        conn.execute("LOAD postgres")
        conn.execute(f"ATTACH 'ducklake:postgres:{postgres}' AS planwatch (DATA_PATH '{lake}')")
        conn.execute("USE planwatch")
        ingest_plans(conn, FIXTURE_RAW, tmp_path / "quarantine")
        ingest_actuals(conn, FIXTURE_RAW, tmp_path / "quarantine")
    env = dict(os.environ, PLANWATCH_LAKE_CATALOG=postgres, PLANWATCH_LAKE_DATA=str(lake))
    subprocess.run(
        [str(DBT), "build", "--target", "shared", "--profiles-dir", ".", "--target-path", str(tmp_path / "target")],
        cwd=PROJECT_ROOT / "dbt_project",
        env=env,
        check=True,
    )
    with duckdb.connect() as conn:
        conn.execute("LOAD ducklake")
        conn.execute(f"ATTACH 'ducklake:postgres:{postgres}' AS planwatch (DATA_PATH '{lake}', READ_ONLY)")
        assert conn.execute("SELECT count(*) FROM planwatch.marts.fct_indicator_value").fetchone()[0] == 512
