"""Bad files in a real refresh: refused with file, row and column, set aside, listed for analysts; the good files
still load and nothing already published changes. (The rules themselves are tested in test_bad_inputs.py.)"""

import json
import os

import duckdb

from conftest import refresh
from planwatch.checksums import table_checksums

REFUSALS = "analytics.rejected_inputs"
HEADER = (
    "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,"
    "source_url,published_date,source_fragment,note\n"
)


def _published():
    return os.environ["PLANWATCH_WAREHOUSE"]


def _query(sql):
    with duckdb.connect(_published(), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def _content():
    return {
        k: v for k, v in table_checksums(_published()).items() if k not in (REFUSALS, "analytics.rejection_history")
    }


def _bad_files(raw):
    actuals = raw / "actuals"
    (actuals / "empty.csv").write_bytes(b"")
    (actuals / "renamed_column.csv").write_text(HEADER.replace("raw_value", "value"), encoding="utf-8")
    (actuals / "text_in_value.csv").write_text(
        HEADER + "330300,温州市,市区空气质量优良率,2023,待公布,%,市区,year,normal,level,测试来源,,2024-03-01,,\n",
        encoding="utf-8",
    )
    plan = raw / "plans" / "escape_14th"
    plan.mkdir()
    manifest = json.loads((raw / "plans" / "sanmen_14th" / "manifest.json").read_text(encoding="utf-8"))
    manifest["document_id"] = "escape_14th"
    manifest["tables"][0]["file"] = "../../actuals/reference_2015_2024.csv"
    (plan / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def test_bad_files_are_refused_and_set_aside_while_everything_published_stays(refreshed_workspace):
    workspace = refreshed_workspace
    raw = workspace / "raw"
    before = _content()
    actuals_before = _query("SELECT count(*) FROM marts.fct_actual")

    _bad_files(raw)
    result = refresh()
    accepted = {
        c.asset_key.to_user_string(): c
        for c in result.get_asset_check_evaluations()
        if c.check_name == "raw_files_accepted"
    }
    assert not accepted["raw/actuals"].passed and not accepted["raw/plan_documents"].passed
    assert _content() == before
    refused = {r[0]: r[1:] for r in _query(f"SELECT source_file, row_no, column_name, message FROM {REFUSALS}")}
    assert set(refused) >= {
        "actuals/empty.csv",
        "actuals/renamed_column.csv",
        "actuals/text_in_value.csv",
        "plans/escape_14th/manifest.json",
    }, refused
    assert refused["actuals/text_in_value.csv"][:2] == (2, "raw_value")
    assert refused["actuals/renamed_column.csv"][0] == 1 and "raw_value" in refused["actuals/renamed_column.csv"][2]
    quarantine = workspace / "warehouse" / "quarantine"
    kept = sorted(p.name for p in quarantine.iterdir())
    assert any(name.endswith("text_in_value.csv") for name in kept)
    assert any(name.endswith("text_in_value.csv.reason.txt") for name in kept)
    assert all(p.resolve().parent == quarantine.resolve() for p in quarantine.iterdir())

    # the same bad files again: still refused, not listed or set aside twice
    refresh()
    assert _content() == before
    assert sorted(p.name for p in quarantine.iterdir()) == kept
    assert len(_query(f"SELECT * FROM {REFUSALS}")) == len(refused)

    # a good file beside them loads; the bad ones stay out
    (raw / "actuals" / "new_good.csv").write_text(
        HEADER + "330300,温州市,市区空气质量优良率,2023,95.1,%,市区,year,normal,level,测试来源,,2024-03-01,,\n",
        encoding="utf-8",
    )
    refresh()
    assert _query("SELECT count(*) FROM marts.fct_actual") == [(actuals_before[0][0] + 1,)]
    assert _query("SELECT raw_value FROM marts.fct_actual WHERE source_file = 'actuals/new_good.csv'") == [("95.1",)]

    # a good file replaced by a broken version keeps the rows it loaded before
    (raw / "actuals" / "new_good.csv").write_text(
        HEADER + "330300,温州市,市区空气质量优良率,2023,九十五,%,市区,year,normal,level,测试来源,,2024-03-01,,\n",
        encoding="utf-8",
    )
    refresh()
    assert _query("SELECT raw_value FROM marts.fct_actual WHERE source_file = 'actuals/new_good.csv'") == [("95.1",)]
