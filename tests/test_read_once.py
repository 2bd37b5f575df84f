"""Read once, hash what was read (issue 11, item 2): the hash the warehouse records is always the hash of the bytes
it parsed, and a file that changes while it is read is refused for this run and read again the next time.

The unit tests make the change happen at a known point of the read; the trials at the end run a real writer
process that keeps replacing, or rewriting in place, an actuals file while real refreshes run."""

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from conftest import refresh
from planwatch import readonce
from planwatch.ingest import ingest_actuals
from planwatch.readonce import FileChanging, read_once

HEADER = (
    "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,"
    "source_url,published_date,source_fragment,note\n"
)


def version(k: int, rows: int = 1000) -> bytes:
    """Version k of a file of `rows` figures; every figure of version k has the value k (so a mix shows)."""
    lines = [
        f"330300,温州市,测试指标{i},2019,{k}.5,%,市区,year,normal,level,测试来源 {k},,2020-03-24,,\n"
        for i in range(rows)
    ]
    return (HEADER + "".join(lines)).encode("utf-8")


def _during_read(monkeypatch, after_bytes: int, change) -> None:
    """Run `change()` once, when the reader has read `after_bytes` of the file."""
    real_open = open
    monkeypatch.setattr(readonce, "_CHUNK", 1024)

    class Reader:
        def __init__(self, f):
            self.f, self.read_so_far, self.done = f, 0, False

        def read(self, n=-1):
            chunk = self.f.read(n)
            self.read_so_far += len(chunk)
            if not self.done and self.read_so_far >= after_bytes:
                self.done = True
                change()
            return chunk

        def fileno(self):
            return self.f.fileno()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(
        readonce, "open", lambda path, mode="r", *a, **k: Reader(real_open(path, mode, *a, **k)), raising=False
    )


def test_the_hash_is_of_the_bytes_read(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_bytes(version(1))
    with read_once(path) as read:
        path.write_bytes(version(2))  # after the read: the copy is what was read, and what was hashed
        assert read.read_bytes() == version(1)
        assert read.digest == hashlib.sha256(version(1)).hexdigest()


def test_a_file_rewritten_in_place_while_it_is_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "figures.csv"
    path.write_bytes(version(1))

    def rewrite():
        with open(path, "r+b") as f:
            f.seek(4000)
            f.write(b"2")

    _during_read(monkeypatch, 2048, rewrite)
    with pytest.raises(FileChanging, match="changed while it was being read"):
        read_once(path)


def test_a_file_replaced_while_it_is_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "figures.csv"
    path.write_bytes(version(1))
    other = tmp_path / "other.csv"
    other.write_bytes(version(2))
    _during_read(monkeypatch, 2048, lambda: os.replace(other, path))
    with pytest.raises(FileChanging, match="replaced"):
        read_once(path)


def test_a_file_written_a_moment_ago_is_left_to_settle(tmp_path, monkeypatch):
    """A writer that saves in pieces can be caught between two pieces: the read is steady, the file half new.
    A file modified less than the settling time ago is treated as still being written."""
    monkeypatch.setenv("PLANWATCH_SETTLE_SECONDS", "30")
    path = tmp_path / "figures.csv"
    path.write_bytes(version(1))
    with pytest.raises(FileChanging, match="may still be being written"):
        read_once(path)
    old = time.time() - 60
    os.utime(path, (old, old))  # mtime an hour ago; ctime is now, and counts too (a chmod or rename is a change)
    with pytest.raises(FileChanging):
        read_once(path)
    monkeypatch.setenv("PLANWATCH_SETTLE_SECONDS", "0")
    assert read_once(path).digest == hashlib.sha256(version(1)).hexdigest()


def test_a_large_file_is_copied_to_disk_not_held_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(readonce, "IN_MEMORY_BYTES", 10_000)
    path = tmp_path / "figures.csv"
    path.write_bytes(version(3))
    with read_once(path, spool_dir=tmp_path) as read:
        assert read._copy._rolled  # spilled to a temporary file
        assert read.read_bytes() == version(3)


def test_a_changing_file_keeps_its_earlier_rows_and_is_read_again_next_time(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    (raw / "actuals").mkdir(parents=True)
    path = raw / "actuals" / "figures.csv"
    path.write_bytes(version(1, rows=50))
    with duckdb.connect() as conn:
        ingest_actuals(conn, raw, tmp_path / "quarantine")
        before = conn.execute("SELECT * EXCLUDE (_loaded_at) FROM raw.actuals ORDER BY ALL").fetchall()
        recorded = conn.execute("SELECT content_hash FROM raw._files").fetchone()

        path.write_bytes(version(2, rows=50))
        with monkeypatch.context() as patch:
            _during_read(patch, 1024, lambda: path.write_bytes(version(3, rows=50)))
            report = ingest_actuals(conn, raw, tmp_path / "quarantine")
        assert report.loaded == [] and report.rejected == []
        [message] = report.deferred
        assert str(path) in message and "try again" in message
        assert conn.execute("SELECT * EXCLUDE (_loaded_at) FROM raw.actuals ORDER BY ALL").fetchall() == before
        assert conn.execute("SELECT content_hash FROM raw._files").fetchone() == recorded
        assert not (tmp_path / "quarantine").exists()  # nothing bad about it: nothing set aside

        report = ingest_actuals(conn, raw, tmp_path / "quarantine")  # the next refresh reads it whole
        assert report.loaded == ["actuals/figures.csv"]
        assert conn.execute("SELECT DISTINCT raw_value FROM raw.actuals").fetchall() == [("3.5",)]
        assert conn.execute("SELECT content_hash FROM raw._files").fetchone() == (
            hashlib.sha256(version(3, rows=50)).hexdigest(),
        )


# ---- the trials: a real writer, real refreshes -------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, sys.argv[3])
    from test_read_once import version
    path, mode = sys.argv[1], sys.argv[2]
    k = 10
    while not os.path.exists(path + ".stop"):
        k += 1
        data = version(k % 90)
        if mode == "replace":
            with open(path + ".tmp", "wb") as f:
                f.write(data)
            os.replace(path + ".tmp", path)
        else:  # rewritten in place, in pieces, as a slow editor or a sync tool writes
            with open(path, "r+b") as f:
                for start in range(0, len(data), 8192):
                    f.write(data[start:start + 8192])
                    f.flush()
                    time.sleep(0.002)
                f.truncate()
        time.sleep(0.01)
""")


def _published_figures(published: Path) -> tuple[set, str]:
    with duckdb.connect(str(published), read_only=True) as conn:
        values = set(
            conn.execute(
                "SELECT DISTINCT raw_value, count(*) OVER () FROM marts.fct_actual "
                "WHERE source_file = 'actuals/moving.csv'"
            ).fetchall()
        )
        [digest] = conn.execute(
            "SELECT content_hash FROM meta.build_inputs WHERE source_file = 'actuals/moving.csv'"
        ).fetchone() or [None]
    return values, digest


@pytest.mark.parametrize("mode", ["replace", "in-place"])
def test_a_file_written_during_refreshes_is_published_whole_and_as_its_recorded_hash(workspace, mode, monkeypatch):
    monkeypatch.setenv("PLANWATCH_SETTLE_SECONDS", "1")  # as in production
    path = workspace / "raw" / "actuals" / "moving.csv"
    path.write_bytes(version(10))
    old = time.time() - 60
    os.utime(path, (old, old))
    time.sleep(1.1)  # settled: the first refresh loads it
    script = workspace / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    published = workspace / "warehouse" / "planwatch.duckdb"
    refresh()
    writer = subprocess.Popen([sys.executable, str(script), str(path), mode, str(Path(__file__).parent)])
    try:
        time.sleep(0.5)
        for _ in range(2):
            refresh(must_succeed=False)  # a changing file is refused for this run: the run may warn, never mix
            values, digest = _published_figures(published)
            # every published row of the file is of one version, and that version's hash is the one recorded
            [(value, rows)] = values
            k = int(float(value))
            assert rows == 1000 and digest == hashlib.sha256(version(k)).hexdigest()
    finally:
        Path(str(path) + ".stop").touch()
        writer.wait(timeout=30)
    time.sleep(1.1)  # the writer has stopped; its last version settles
    refresh()
    [(value, rows)], digest = _published_figures(published)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest() and rows == 1000
    assert path.read_bytes() == version(int(float(value)))
