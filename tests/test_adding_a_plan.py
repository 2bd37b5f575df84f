"""Adding a plan is an analyst's task (issue 12, "Done when"): a document of the development set is extracted with
only its region given, promoted as drafted, and refreshed. Its values are published in marts.fct_indicator_value,
its new names get proposals in marts.indicator_mapping_candidates, and everything published before is unchanged."""

import json
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_ROOT, refresh
from planwatch.cli import main

DOCUMENT = PROJECT_ROOT.parent / "shared" / "extraction-dev" / "docs" / "wenzhou_zhizao_zhiliangtisheng_3nian.txt"
pytestmark = pytest.mark.skipif(not DOCUMENT.is_file(), reason=f"the development set is not at {DOCUMENT.parent}")

# Every published table that holds plan values or facts about them; each must keep its rows.
MARTS = ("fct_indicator_value", "fct_target_vs_actual", "fct_target_progress", "dim_region", "dim_plan")


def _published_rows(warehouse: Path, table: str, document_id: str) -> set[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        columns = [
            c
            for (c,) in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = ?",
                [table],
            ).fetchall()
        ]
        key = next(c for c in ("document_id", "plan_document_id", "region_code") if c in columns)
        if key == "region_code":
            document_id = "330300"  # the new plan's region: the only row dim_region may gain
        where = f"WHERE {key} IS DISTINCT FROM ?"
        return set(conn.execute(f"SELECT * FROM marts.{table} {where}", [document_id]).fetchall())


def test_extract_promote_refresh(refreshed_workspace, capsys):
    workspace = refreshed_workspace
    warehouse = workspace / "warehouse" / "planwatch.duckdb"
    draft_root = workspace / "raw" / "extracted"

    assert main(["extract", str(DOCUMENT), "--out", str(draft_root), "--region", "温州市"]) == 0
    out = capsys.readouterr().out
    [draft] = [p for p in draft_root.iterdir() if p.is_dir()]
    manifest = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["region_code"], manifest["admin_level"]) == ("330300", "prefecture")  # from the gazetteer
    assert manifest["target_year"] == 2018  # 到2018年 in the text, not a five-year period's end
    assert "to check: period_start: guessed" in out  # and the guess is said, with what it rests on
    report = (draft / "report.md").read_text(encoding="utf-8")
    assert report.index("Manifest fields to check") < report.index("## Found")
    document_id = manifest["document_id"]
    before = {table: _published_rows(warehouse, table, document_id) for table in MARTS}

    assert main(["promote", str(draft)]) == 0
    refresh()

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        values = conn.execute(
            "SELECT indicator, year, raw_value, mapping_status FROM marts.fct_indicator_value WHERE document_id = ?",
            [document_id],
        ).fetchall()
        proposals = conn.execute(
            "SELECT count(DISTINCT name_as_published), count(*) FROM marts.indicator_mapping_candidates "
            "WHERE name_as_published IN (SELECT indicator FROM marts.fct_indicator_value WHERE document_id = ?)",
            [document_id],
        ).fetchone()
    assert len(values) >= 5
    assert {year for _, year, _, _ in values} == {2018}
    assert all(raw for _, _, raw, _ in values)
    unmapped = {name for name, _, _, status in values if status != "reviewed"}
    assert unmapped and proposals[0] == len(unmapped) and proposals[1] >= len(unmapped)
    for table in MARTS:
        assert _published_rows(warehouse, table, document_id) == before[table], table
