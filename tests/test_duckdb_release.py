"""The DuckDB release the project is pinned to, its extensions from the installed wheels, and a warehouse folder that
a newer DuckDB wrote."""

import gzip
import importlib.metadata
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from planwatch import extensions
from planwatch.warehouse import prepare_build, written_by_newer_duckdb

# A file DuckDB 2.0.0 wrote in its default storage (version 999 at the time), holding marts.kept (answer 42).
NEWER_FILE = Path(__file__).parent / "fixtures" / "written_by_duckdb_2.0.duckdb.gz"


def test_duckdb_its_shell_and_its_extensions_are_one_release():
    release = duckdb.__version__
    shell = subprocess.run(
        [str(Path(sys.executable).parent / "duckdb"), "-csv", "-noheader", "-c", "SELECT version()"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shell.stdout.strip() == f"v{release}", shell.stderr
    for distribution in extensions.DISTRIBUTIONS.values():
        assert importlib.metadata.version(distribution) == release, distribution


@pytest.mark.parametrize("name", sorted(extensions.DISTRIBUTIONS))
def test_each_extension_loads_from_its_wheel_without_a_download(name):
    conn = duckdb.connect()
    conn.execute("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false")
    extensions.load(conn, name)
    [(loaded, path)] = conn.execute(
        "SELECT loaded, install_path FROM duckdb_extensions() WHERE extension_name = ?", [name]
    ).fetchall()
    assert loaded


def test_gb18030_is_read_by_duckdbs_own_csv_reader(tmp_path):
    path = tmp_path / "gb.csv"
    path.write_bytes("region_name,raw_value\n温州市,97.0\n".encode("gb18030"))
    conn = duckdb.connect()
    extensions.load(conn, "encodings")
    rows = conn.execute(f"SELECT * FROM read_csv('{path}', encoding = 'gb18030', all_varchar = true)").fetchall()
    assert rows == [("温州市", "97.0")]


def test_a_folder_written_by_a_newer_duckdb_is_set_aside_and_rebuilt_with_a_message(tmp_path):
    published, build = tmp_path / "planwatch.duckdb", tmp_path / ".build" / "planwatch.duckdb"
    build.parent.mkdir()
    for path in (published, build):
        path.write_bytes(gzip.decompress(NEWER_FILE.read_bytes()))
    assert "version number 999" in written_by_newer_duckdb(published)
    messages = []

    prepare_build(build, published, tmp_path / "versions", log=messages.append)

    with duckdb.connect(str(build), read_only=True) as conn:  # a new, empty working file this DuckDB reads
        assert conn.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)
    assert not published.exists()  # nothing stale is served; the next publish puts the rebuilt one there
    [kept] = tmp_path.glob("planwatch.duckdb.newer-duckdb-*")
    assert gzip.decompress(NEWER_FILE.read_bytes()) == kept.read_bytes()
    assert list(build.parent.glob("planwatch.duckdb.broken-*"))
    said = "\n".join(messages)
    assert "written by a newer DuckDB" in said and "rebuilt from raw/" in said and kept.name in said
    assert written_by_newer_duckdb(build) is None
