"""raw/ holds what the documents publish: every file meets its contract, and every indicator and value cell of
every plan table is found in the published document at the line its row names.

These are the tests of the live raw/ itself: they hold for the bundled files and for any valid file an analyst
adds (a test below adds one to a copy and runs the same checks)."""

import json
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_ROOT, SEEDS_DIR, needs_seeds
from planwatch.contract import iter_actuals, read_plan_document
from planwatch.ingest import ingest_actuals

RAW = PROJECT_ROOT / "raw"
PLAN_FOLDERS = sorted(p for p in (RAW / "plans").iterdir() if p.is_dir() and not p.name.startswith("."))
# Rows per table as counted in the documents when they were transcribed (see each manifest's notes).
EXPECTED_ROWS = {
    ("dongtou_14th", "t1"): 52,
    ("dongtou_14th", "t2"): 30,
    ("dongtou_14th", "prose_targets"): 24,
    ("sanmen_14th", "t1"): 27,
    ("sanmen_14th", "prose_targets"): 2,
    ("linhai_14th", "t1"): 22,
    ("linhai_14th", "t2"): 27,
    ("linhai_14th", "prose_targets"): 13,
    ("jiaxing_13th", "t1"): 23,
    ("jiaxing_13th", "prose_targets"): 41,
    ("rizhao_14th", "box1"): 15,
    ("rizhao_14th", "box2"): 33,
    ("rizhao_14th", "box3"): 35,
    ("rizhao_14th", "prose_actuals"): 60,
    ("rizhao_14th", "prose_targets"): 7,
}


def test_the_five_documents_are_all_there():
    assert {p.name for p in PLAN_FOLDERS} >= {
        "dongtou_14th",
        "sanmen_14th",
        "linhai_14th",
        "jiaxing_13th",
        "rizhao_14th",
    }


@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=lambda p: p.name)
def test_plan_folder_meets_the_contract(folder):
    document = read_plan_document(folder)
    manifest = document.manifest.rows[0]
    for spec, table in zip(manifest["tables"], document.tables):
        if (folder.name, spec["table_id"]) in EXPECTED_ROWS:  # a bundled table: as many rows as it was counted
            assert len(table.rows) == EXPECTED_ROWS[(folder.name, spec["table_id"])], spec["table_id"]


def check_actuals(raw: Path) -> int:
    """Every row of every actuals file passes every rule, and none repeats or contradicts another (checked on
    load). Returns the rows loaded."""
    paths = sorted(p for p in (raw / "actuals").iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
    rows = sum(1 for p in paths for _ in iter_actuals(p))
    with duckdb.connect() as conn:
        report = ingest_actuals(conn, raw, Path("/nonexistent/quarantine"))
        assert not report.rejected and not report.deduplicated
        assert conn.execute("SELECT count(*) FROM raw.actuals").fetchone()[0] == rows
        assert (
            conn.execute(
                "SELECT count(*) FROM raw.actuals WHERE _source_file = 'actuals/reference_2015_2024.csv'"
            ).fetchone()[0]
            == 59
        )
    return rows


def test_actuals_meet_the_contract():
    """Every row of the real actuals passes every rule, and none repeats or contradicts another (checked on load)."""
    assert check_actuals(RAW) >= 59


def test_the_checks_of_raw_pass_with_a_valid_file_added(tmp_path):
    """An analyst adds next year's bulletin as the README says: the checks of raw/ still pass, with it counted."""
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    before = check_actuals(raw)
    (raw / "actuals" / "test_2025.csv").write_text(
        "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,source_url,"
        "published_date,source_fragment,note\n"
        "330300,温州市,市区PM2.5年均浓度,2025,22,微克/立方米,市区,year,normal,level,温州市2025年统计公报(测试),,"
        "2026-03-20,全年市区PM2.5年均浓度为22微克/立方米,\n",
        encoding="utf-8",
    )
    assert check_actuals(raw) == before + 1
    for folder in sorted(p for p in (raw / "plans").iterdir() if p.is_dir()):
        read_plan_document(folder)


def _runs(lines: list[str], start: int, stop: int):
    """Every cell text that lines[start:stop] can form: one line, or consecutive non-empty lines joined."""
    texts = [line.strip() for line in lines[max(start, 0) : stop]]
    texts = [t for t in texts if t]
    for i in range(len(texts)):
        joined = ""
        for piece in texts[i : i + 6]:
            joined += piece
            yield joined


@needs_seeds
@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=lambda p: p.name)
def test_every_cell_is_found_in_the_published_document(folder):
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if not (SEEDS_DIR / manifest["source_file"]).is_file():
        pytest.skip(f"{folder.name}: its document {manifest['source_file']} is not one of the bundled seeds")
    lines = (SEEDS_DIR / manifest["source_file"]).read_text(encoding="utf-8").splitlines()
    document = read_plan_document(folder)
    missing = []
    for spec, table in zip(manifest["tables"], document.tables):
        indicator = next(c["name"] for c in spec["columns"] if c["role"] == "indicator")
        checked = [c["name"] for c in spec["columns"] if c["role"] in ("indicator", "value", "unit")]
        for row in table.rows:
            line_no = int(row["source_line"])
            if spec["kind"] == "table":
                # The indicator starts on its row's line; values sit just after it (merged cells just before).
                nearby = set(_runs(lines, line_no - 30, line_no + 15))
                found = {c: row[c] in nearby for c in checked}
                found[indicator] = row[indicator] in set(_runs(lines, line_no - 1, line_no + 5))
            else:
                found = {c: row[c] in lines[line_no - 1] for c in checked}
            missing += [
                f"{spec['file']} row {row['_row']} {c}={row[c]!r} (line {line_no})"
                for c, ok in found.items()
                if row[c] and not ok
            ]
    assert not missing, "\n".join(missing)
