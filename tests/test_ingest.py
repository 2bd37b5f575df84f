"""Ingest into a temporary DuckDB file: unchanged files are skipped, changed files replace their rows, removed
files' rows go away, and a malformed file is rejected with file, row and column named while nothing stored is lost."""

import csv
import os
from pathlib import Path

import duckdb
import pytest

from planwatch.contract import RawFileError, iter_actuals
from planwatch.ingest import ingest_actuals, ingest_plans
from planwatch.warehouse import ensure_warehouse_file


@pytest.fixture
def conn(workspace):
    path = ensure_warehouse_file(Path(os.environ["PLANWATCH_WAREHOUSE"]))
    with duckdb.connect(str(path)) as connection:
        yield connection


def _load(conn, workspace):
    plans = ingest_plans(conn, workspace / "raw", workspace / "quarantine")
    actuals = ingest_actuals(conn, workspace / "raw", workspace / "quarantine")
    return plans, actuals


def _snapshot(conn, table):
    return conn.execute(f"SELECT * EXCLUDE (_loaded_at) FROM raw.{table} ORDER BY ALL").fetchall()


def _rewrite_csv(path, edit):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    edit(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_first_load_has_lineage(conn, workspace):
    plans, actuals = _load(conn, workspace)
    assert not plans.rejected and not actuals.rejected
    assert conn.execute("SELECT count(*) FROM raw.plan_documents").fetchone()[0] == 5
    assert conn.execute("SELECT count(*) FROM raw.actuals").fetchone()[0] == 59
    lineage = conn.execute(
        "SELECT count(*) FROM raw.plan_cells WHERE _source_file IS NULL OR _source_row IS NULL "
        "OR _content_hash IS NULL OR _loaded_at IS NULL"
    ).fetchone()[0]
    assert lineage == 0
    row = conn.execute(
        "SELECT _source_file, _source_row, cell_text, source_line FROM raw.plan_cells "
        "WHERE document_id = 'sanmen_14th' AND column_name = '2025年目标' AND row_no = 3"
    ).fetchone()
    assert row == ("plans/sanmen_14th/t1.csv", 4, "98.2以上", 140)


def test_reloading_unchanged_files_changes_nothing(conn, workspace):
    _load(conn, workspace)
    before = conn.execute("SELECT * FROM raw.plan_cells ORDER BY ALL").fetchall()
    plans, actuals = _load(conn, workspace)
    assert plans.loaded == [] and actuals.loaded == []
    assert conn.execute("SELECT * FROM raw.plan_cells ORDER BY ALL").fetchall() == before  # _loaded_at included


def _reads(monkeypatch) -> list[str]:
    """The actuals files the ingest reads from now on (planwatch.readonce.read_once, as ingest/files.py calls it)."""
    from planwatch.ingest import files

    reads = []
    real = files.read_once
    monkeypatch.setattr(files, "read_once", lambda path, *a, **k: reads.append(path.name) or real(path, *a, **k))
    return reads


def test_a_file_with_its_recorded_signature_is_not_read_again(conn, workspace, monkeypatch):
    _load(conn, workspace)
    reads = _reads(monkeypatch)
    _, actuals = _load(conn, workspace)
    assert reads == [] and actuals.unchanged == ["actuals/reference_2015_2024.csv"]


def test_a_touched_file_is_read_once_more_and_then_known_by_its_new_signature(conn, workspace, monkeypatch):
    _load(conn, workspace)
    path = workspace / "raw" / "actuals" / "reference_2015_2024.csv"
    before = _snapshot(conn, "actuals")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    reads = _reads(monkeypatch)
    _, actuals = _load(conn, workspace)
    assert reads == [path.name] and actuals.unchanged == ["actuals/reference_2015_2024.csv"] and not actuals.loaded
    assert _snapshot(conn, "actuals") == before
    _load(conn, workspace)
    assert reads == [path.name]  # the same bytes under the new signature: not read a third time


def test_a_file_rewritten_with_its_old_size_and_mtime_is_read_and_loaded(conn, workspace):
    """The one change a signature might miss, a same-size rewrite with the modification time set back, changes the
    ctime, which no program can set back: the file is read, and its new bytes loaded."""
    _load(conn, workspace)
    path = workspace / "raw" / "actuals" / "reference_2015_2024.csv"
    old = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace(",28,", ",29,", 1)
    assert changed != text and len(changed.encode()) == old.st_size
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (old.st_size, old.st_mtime_ns)
    _, actuals = _load(conn, workspace)
    assert actuals.loaded == ["actuals/reference_2015_2024.csv"]
    assert conn.execute("SELECT count(*) FROM raw.actuals WHERE raw_value = '29'").fetchone()[0] >= 1


def test_a_changed_file_replaces_its_rows_and_a_removed_file_loses_them(conn, workspace):
    _load(conn, workspace)
    actuals_file = workspace / "raw" / "actuals" / "reference_2015_2024.csv"
    _rewrite_csv(actuals_file, lambda rows: rows.__delitem__(slice(2, None)))  # keep header + first row
    plans, actuals = _load(conn, workspace)
    assert actuals.loaded == ["actuals/reference_2015_2024.csv"] and plans.loaded == []
    assert conn.execute("SELECT count(*) FROM raw.actuals").fetchone()[0] == 1

    extra = workspace / "raw" / "actuals" / "extra.csv"
    extra.write_text(actuals_file.read_text(encoding="utf-8"), encoding="utf-8")
    _load(conn, workspace)
    assert conn.execute("SELECT count(*) FROM raw.actuals").fetchone()[0] == 2
    extra.unlink()
    _, actuals = _load(conn, workspace)
    assert actuals.removed == ["actuals/extra.csv"]
    assert conn.execute("SELECT DISTINCT _source_file FROM raw.actuals").fetchall() == [
        ("actuals/reference_2015_2024.csv",)
    ]


def test_a_non_numeric_value_is_rejected_naming_file_row_and_column(conn, workspace):
    _load(conn, workspace)
    before = _snapshot(conn, "actuals")
    path = workspace / "raw" / "actuals" / "reference_2015_2024.csv"

    def spoil(rows):
        rows[5][rows[0].index("raw_value")] = "about ninety"

    _rewrite_csv(path, spoil)

    with pytest.raises(RawFileError) as error:
        list(iter_actuals(path))
    assert str(error.value).startswith(f"{path}, row 6, column 'raw_value': expected a number")

    _, actuals = _load(conn, workspace)
    assert [e.row for e in actuals.rejected] == [6]
    assert _snapshot(conn, "actuals") == before  # nothing already stored is lost
    rejection = conn.execute("SELECT source_file, row_no, column_name, quarantined_as FROM raw._rejections").fetchone()
    assert rejection[:3] == ("actuals/reference_2015_2024.csv", 6, "raw_value")
    assert os.path.exists(rejection[3]) and os.path.exists(rejection[3] + ".reason.txt")
    assert path.exists()  # raw/ is input as received: never moved or edited by the pipeline


def test_a_missing_column_is_rejected_and_other_files_still_load(conn, workspace):
    _load(conn, workspace)
    plans_before = _snapshot(conn, "plan_cells")
    table = workspace / "raw" / "plans" / "linhai_14th" / "t2.csv"
    _rewrite_csv(table, lambda rows: [r.pop() for r in rows])  # drop the 2025年目标 column
    new_actuals = workspace / "raw" / "actuals" / "more.csv"
    new_actuals.write_text(
        (workspace / "raw" / "actuals" / "reference_2015_2024.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )

    plans, actuals = _load(conn, workspace)
    assert len(plans.rejected) == 1
    message = str(plans.rejected[0])
    assert message.startswith(f"{table}, row 1, column '2025年目标': header")
    assert "missing ['2025年目标']" in message
    assert _snapshot(conn, "plan_cells") == plans_before
    assert actuals.loaded == ["actuals/more.csv"]
    assert conn.execute("SELECT count(*) FROM raw.actuals").fetchone()[0] == 118


def test_a_malformed_manifest_names_the_field(conn, workspace):
    manifest = workspace / "raw" / "plans" / "sanmen_14th" / "manifest.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('"region_code": "331022"', '"region_code": "33102X"'),
        encoding="utf-8",
    )
    plans, _ = _load(conn, workspace)
    assert [(e.column, e.path.endswith("manifest.json")) for e in plans.rejected] == [("region_code", True)]
    assert conn.execute("SELECT count(*) FROM raw.plan_documents").fetchone()[0] == 4
