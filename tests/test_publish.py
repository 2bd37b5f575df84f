"""Atomic publish: readers never see an error or a mix of two versions while refreshes publish, and no refresh
waits on a reader; rollback restores the previous version."""

import json
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import fake_build
from planwatch.publish import KEEP_VERSIONS, build_info, publish, rollback

READER = textwrap.dedent("""
    import json, sys, time, duckdb
    path, seconds = sys.argv[1], float(sys.argv[2])
    seen, errors, mixed = {}, [], []
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        try:
            with duckdb.connect(path, read_only=True) as conn:
                version, rows, run = conn.execute(
                    "SELECT (SELECT v FROM marts.marker), (SELECT count(*) FROM marts.facts), "
                    "(SELECT run_id FROM meta.build_info)").fetchone()
        except Exception as error:
            errors.append(repr(error)[:200])
            continue
        seen[version] = seen.get(version, 0) + 1
        if rows != version * 1000 or run != f"run-{version}":
            mixed.append([version, rows, run])
    print(json.dumps({"seen": seen, "errors": errors, "mixed": mixed}))
""")


_build = fake_build


def _checks(version):
    return [{"asset": "marts/facts", "check": "gx_facts", "passed": True, "severity": "ERROR"}]


def test_readers_never_see_an_error_or_a_mix_while_refreshes_publish(tmp_path):
    published, versions = tmp_path / "planwatch.duckdb", tmp_path / "versions"
    publish(_build(tmp_path / "build.duckdb", 1), published, versions, "run-1", _checks(1))
    script = tmp_path / "reader.py"
    script.write_text(READER, encoding="utf-8")
    readers = [
        subprocess.Popen([sys.executable, str(script), str(published), "6"], stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    time.sleep(1.0)  # readers are connected and querying
    for version in range(2, 8):
        build = _build(tmp_path / "build.duckdb", version)
        # never opens the published file, so a reader holding it cannot make it wait or fail
        publish(build, published, versions, f"run-{version}", _checks(version))
        time.sleep(0.4)
    results = [json.loads(reader.communicate(timeout=60)[0]) for reader in readers]
    for result in results:
        assert result["errors"] == [] and result["mixed"] == []
    seen = set().union(*(map(int, r["seen"]) for r in results))
    assert len(seen) >= 3  # readers really saw versions change under them
    assert build_info(published)["run_id"] == "run-7"
    assert len(list(versions.glob("planwatch-*.duckdb"))) == KEEP_VERSIONS


def test_rollback_restores_the_previous_version(tmp_path):
    published, versions = tmp_path / "planwatch.duckdb", tmp_path / "versions"
    for version in (1, 2):
        publish(_build(tmp_path / "build.duckdb", version), published, versions, f"run-{version}", _checks(version))
    assert build_info(published)["run_id"] == "run-2"
    rollback(published, versions)
    info = build_info(published)
    assert info["run_id"] == "run-1" and json.loads(info["input_files"]) == {"plans/x/t1.csv": "hash-1"}
    with pytest.raises(LookupError):
        rollback(published, versions)  # nothing older is kept
