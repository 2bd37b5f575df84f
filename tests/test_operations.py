"""Operations (issue 11, item 9): a warehouse folder that cannot be written is named, never a bare traceback, and
never mistaken for a broken working file. The folders are made immutable with chattr, which holds for root too."""

import os
import shutil
import subprocess

import pytest

from planwatch import cli


def _immutable(folder):
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not supported here ({done.stderr.strip()}): cannot make a folder unwritable")


def _writable(folder):
    subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.fixture
def chattr():
    if shutil.which("chattr") is None:
        pytest.skip("chattr (e2fsprogs) is not installed")
    touched = []
    yield lambda folder: (touched.append(folder), _immutable(folder))
    for folder in touched:
        _writable(folder)


def test_an_unwritable_warehouse_folder_is_named(workspace, chattr, capsys):
    warehouse = workspace / "warehouse"
    chattr(warehouse)
    assert cli.locked_refresh(wait=True, timeout=None) == 1
    error = capsys.readouterr().err
    assert f"not published: cannot write in {warehouse}" in error and "Traceback" not in error
    assert not (warehouse / "planwatch.duckdb").exists()


def test_an_unwritable_working_folder_is_named_and_the_working_file_is_not_set_aside(
    refreshed_workspace, chattr, capsys
):
    workspace = refreshed_workspace
    build = workspace / "warehouse" / ".build"
    published = workspace / "warehouse" / "planwatch.duckdb"
    before = published.read_bytes()
    chattr(build)
    assert cli.refresh() == 1
    out = capsys.readouterr().out
    assert "not published: permission denied (" in out and str(build) in out, out
    assert published.read_bytes() == before
    assert not list(build.glob("*.broken-*"))
    assert os.access(build / "planwatch.duckdb", os.R_OK)
