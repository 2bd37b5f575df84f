"""The whole refresh through the real parts: Dagster in-process run → DuckDB → dbt build → GX suites."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from conftest import PROJECT_ROOT, plan_value_cells, refresh


def _query(sql):
    with duckdb.connect(os.environ["PLANWATCH_WAREHOUSE"], read_only=True) as conn:
        return conn.execute(sql).fetchall()


def _checks(result):
    return {(c.asset_key.to_user_string(), c.check_name): c for c in result.get_asset_check_evaluations()}


@pytest.fixture
def refreshed(refreshed_workspace, built_workspace):
    """A private workspace after its first refresh (a copy of the session's one build: most tests here only read it
    or add one file), and that refresh's result."""
    assert built_workspace.result.success
    return refreshed_workspace, built_workspace.result


def test_full_refresh_builds_every_published_value(refreshed):
    workspace, result = refreshed
    failed = [key for key, check in _checks(result).items() if not check.passed]
    # the one warning: real actuals for 2025 have not been transcribed yet
    assert failed == [("raw/actuals", "actuals_fresh")]
    assert _checks(result)[("raw/actuals", "actuals_fresh")].severity == dg.AssetCheckSeverity.WARN
    assert {c.check_name for c in result.get_asset_check_evaluations() if c.check_name.startswith("gx_")} == {
        "gx_int_plan_values",
        "gx_stg_actuals",
        "gx_int_observations",
        "gx_int_observations_mapped",
        "gx_fct_indicator_value",
        "gx_fct_target_vs_actual",
    }

    # Every value cell of every table in raw/plans is a row of the mart, its text intact.
    expected = list(plan_value_cells(workspace / "raw"))
    built = _query("SELECT document_id, table_id, row_no, value_column, raw_value FROM marts.fct_indicator_value")
    assert sorted(built) == sorted(expected)

    assert _query("SELECT count(*) FROM marts.dim_region") == [(9,)]
    # the published file says which run built it, from which inputs, with which checks
    [(run_id, failed, inputs)] = _query("SELECT run_id, checks_failed, input_files FROM meta.build_info")
    assert run_id == result.run_id and failed == 0 and "actuals/reference_2015_2024.csv" in json.loads(inputs)
    assert _query(
        "SELECT raw_value, comparator, value, unit, reported_status FROM marts.fct_indicator_value "
        "WHERE document_id = 'dongtou_14th' AND indicator = '特种设备万台事故率' AND value_kind = 'target'"
    ) == [("≤0.42", "<=", 0.42, "%", "已完成")]
    # The 十三五 completion table: computed verdict beside the reported one.
    assert _query(
        "SELECT verdict, reported_verdict, reported_status_agrees FROM marts.fct_target_vs_actual "
        "WHERE document_id = 'dongtou_14th' AND indicator = '10.装配式建筑占新建建筑比例'"
    ) == [("not_met", "not_met", True)]
    # A 十四五 target beside its own table's 2020 baseline.
    assert _query(
        "SELECT base_source, base_value, target_value, required_change FROM marts.fct_target_vs_13th_actual "
        "WHERE document_id = 'sanmen_14th' AND indicator = '农产品质量安全监测合格率'"
    ) == [("own_table_baseline", 98.1, 98.2, pytest.approx(0.1))]


def test_the_warehouse_opens_read_only_in_a_duckdb_1x_client(refreshed):
    """BI drivers and the duckdb CLI are DuckDB 1.x: the file must stay in a storage format they read."""
    cli = Path(sys.executable).parent / "duckdb"
    done = subprocess.run(
        [
            str(cli),
            "-readonly",
            "-csv",
            os.environ["PLANWATCH_WAREHOUSE"],
            "-c",
            "SELECT version() LIKE 'v1.%', count(*) FROM marts.fct_indicator_value",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [f"true,{len(list(plan_value_cells(PROJECT_ROOT / 'raw')))}"]


def test_a_failing_gx_suite_blocks_the_marts(refreshed, tmp_path, monkeypatch):
    workspace, _ = refreshed
    marts_before = _query("SELECT * FROM marts.fct_actual ORDER BY ALL")
    published_before = _query("SELECT run_id FROM meta.build_info")
    path = workspace / "raw" / "actuals" / "bad_unit.csv"
    with open(workspace / "raw" / "actuals" / "reference_2015_2024.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    # The contract and the suites share every rule, so a fault the contract lets through needs a suite stricter
    # than the contract: this test's own copy of expectations/ refuses 百分点 in stg_actuals. The file loads, the
    # blocking suite fails.
    suites = tmp_path / "expectations"
    shutil.copytree(PROJECT_ROOT / "expectations", suites)
    stricter = json.loads((suites / "stg_actuals.json").read_text(encoding="utf-8"))
    stricter["expectations"].append(
        {"type": "expect_column_values_to_not_be_in_set", "kwargs": {"column": "unit", "value_set": ["百分点"]}}
    )
    (suites / "stg_actuals.json").write_text(json.dumps(stricter, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PLANWATCH_EXPECTATIONS", str(suites))
    header, first = rows[0], rows[2]
    first[header.index("unit")] = "百分点"
    first[header.index("raw_value")] = "1.5"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, first])

    result = refresh(must_succeed=False)
    checks = _checks(result)
    gx = checks[("staging/stg_actuals", "gx_stg_actuals")]
    assert not gx.passed
    [failure] = gx.metadata["failures"].value
    assert failure["expectation"] == "expect_column_values_to_not_be_in_set" and failure["column"] == "unit"
    assert failure["failing_rows"] == [{"unit": "百分点", "_source_file": "actuals/bad_unit.csv", "_source_row": 2}]
    assert ("marts/fct_actual", "gx_fct_indicator_value") not in checks
    started = {e.step_key for e in result.all_events if e.is_step_start}
    assert "dbt_staging" in started and "dbt_marts" not in started  # the blocking check stopped the marts
    assert not result.success
    assert _query("SELECT * FROM marts.fct_actual ORDER BY ALL") == marts_before
    assert "published_warehouse" not in started  # the published file was left as it was
    assert _query("SELECT run_id FROM meta.build_info") == published_before


def test_a_malformed_file_is_set_aside_and_the_refresh_goes_on(refreshed):
    workspace, _ = refreshed
    values_before = _query("SELECT * FROM marts.fct_indicator_value ORDER BY ALL")
    table = workspace / "raw" / "plans" / "sanmen_14th" / "t1.csv"
    with open(table, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][0] = "line " + rows[1][0]  # source_line must be a whole number
    with open(table, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)

    result = refresh(must_succeed=False)
    assert result.success  # the rest of the run continued
    check = _checks(result)[("raw/plan_documents", "raw_files_accepted")]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    [message] = check.metadata["rejected"].value
    assert f"{table}, row 2, column 'source_line': expected a whole number" in message
    assert _query("SELECT * FROM marts.fct_indicator_value ORDER BY ALL") == values_before
    assert len(list((workspace / "warehouse" / "quarantine").glob("*sanmen_14th__t1.csv"))) == 1


def _add_actual(workspace, name, **changes):
    """A one-row actuals file made from a real row with some cells changed."""
    with open(workspace / "raw" / "actuals" / "reference_2015_2024.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, row = rows[0], list(rows[2])
    for column, value in changes.items():
        row[header.index(column)] = value
    with open(workspace / "raw" / "actuals" / name, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, row])


def test_every_published_name_maps_to_the_catalog(refreshed):
    assert _query("SELECT count(*) FROM intermediate.int_observations WHERE indicator_id IS NULL") == [(0,)]
    assert _query("SELECT count(*) FROM marts.indicator_mapping_candidates") == [(0,)]
    # synonyms across plans meet under one id
    ids = _query(
        "SELECT DISTINCT indicator_id FROM marts.fct_indicator_value WHERE indicator IN "
        "('主要农产品质量安全监测合格率', '农产品质量安全监测合格率', '主要农产品质量抽检合格率')"
    )
    assert len(ids) == 1


def test_an_unmapped_actual_only_warns_and_gets_candidates(refreshed):
    workspace, _ = refreshed
    _add_actual(workspace, "new_name.csv", indicator="县级以上集中式饮用水水源地水质达标率(新口径)")
    result = refresh(must_succeed=False)
    assert result.success
    check = _checks(result)[("intermediate/int_observations", "gx_int_observations_mapped")]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    candidates = _query(
        "SELECT candidate_indicator_id FROM marts.indicator_mapping_candidates WHERE candidate_rank = 1"
    )
    assert candidates == [("drinking_water_source_compliance_rate",)]


def test_a_unit_that_does_not_convert_blocks_the_marts(refreshed):
    workspace, _ = refreshed
    before = _query("SELECT * FROM marts.fct_actual ORDER BY ALL")
    _add_actual(workspace, "odd_unit.csv", unit="个")  # a percentage indicator reported as a count
    result = refresh(must_succeed=False)
    gx = _checks(result)[("intermediate/int_observations", "gx_int_observations")]
    assert not gx.passed and not result.success
    assert any(f["column"] == "unit_convertible" for f in gx.metadata["failures"].value)
    assert _query("SELECT * FROM marts.fct_actual ORDER BY ALL") == before
