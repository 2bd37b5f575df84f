"""Any plan horizon (issue 12, part 2): a 十五五 plan (2026-2030, base year 2025) and a three-year action plan to 2018
get their verdicts and progress from their own base and target years, not from 十四五's 2020 and 2025.

The plans and the 2025-2027 figures here are SYNTHETIC (made for this test, clearly titled so); the region is
real (温州市, 330300), so that the gazetteer checks apply as to any plan."""

import csv
import json
import os

import duckdb
import pytest

from conftest import private_workspace, refresh
from planwatch.contract import ACTUALS_COLUMNS
from planwatch.progress import assess

ACTUALS = ACTUALS_COLUMNS  # the contract's columns, in its order


def _plan(raw, document_id, title, start, end, base, target, columns, rows):
    folder = raw / "plans" / document_id
    folder.mkdir(parents=True)
    manifest = {
        "document_id": document_id,
        "source_file": "synthetic (test fixture)",
        "region_code": "330300",
        "region_name": "温州市",
        "region_full_name": "浙江省温州市",
        "admin_level": "市",
        "parent_code": "330000",
        "parent_name": "浙江省",
        "province_code": "330000",
        "province_name": "浙江省",
        "plan_title": title,
        "plan_period": {2030: "十五五", 2018: "十三五"}[target],
        "period_start": start,
        "period_end": end,
        "base_year": base,
        "target_year": target,
        "issuing_body": None,
        "document_number": None,
        "issued_date": None,
        "published_date": None,
        "tables": [
            {
                "table_id": "t1",
                "file": "t1.csv",
                "title": "主要指标(测试用合成数据)",
                "kind": "table",
                "plan_period": {2030: "十五五", 2018: "十三五"}[target],
                "source_line": 1,
                "columns": columns,
            }
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with open(folder / "t1.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["source_line", *(c["name"] for c in columns)])
        writer.writerows([[i + 2, *row] for i, row in enumerate(rows)])


def _actuals(raw, rows):
    with open(raw / "actuals" / "synthetic_wenzhou.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=ACTUALS)
        writer.writeheader()
        for indicator, year, value, unit in rows:
            writer.writerow(
                {
                    "region_code": "330300",
                    "region_name": "温州市",
                    "indicator": indicator,
                    "year": year,
                    "raw_value": value,
                    "unit": unit,
                    "scope": "全市",
                    "period": "year",
                    "status": "normal",
                    "measure": "level",
                    "source_title": "合成数据(测试)",
                    "source_url": "",
                    "published_date": f"{year + 1}-03-01",
                    "source_fragment": "",
                    "note": "synthetic figure for a test",
                }
            )


@pytest.fixture(scope="module")
def horizons(tmp_path_factory):
    """The fixture raw/ with the two synthetic plans and their figures, refreshed once for the module (its tests only
    read the warehouse)."""
    with private_workspace(tmp_path_factory.mktemp("horizons")) as published:
        yield _build_horizons(published.parent.parent)


def _build_horizons(workspace):
    raw = workspace / "raw"
    table = [
        {"name": "类别", "role": "category"},
        {"name": "指标", "role": "indicator"},
        {"name": "单位", "role": "unit"},
    ]
    _plan(
        raw,
        "synthetic_wenzhou_15th",
        "温州市质量强市建设“十五五”规划(测试用合成数据)",
        2026,
        2030,
        2025,
        2030,
        table
        + [
            {"name": "2025年基期值", "role": "value", "value_kind": "baseline", "year": 2025},
            {"name": "2030年目标", "role": "value", "value_kind": "target", "year": 2030},
        ],
        [
            ["产品质量", "制造业产品质量合格率", "%", "95", "≥97"],  # rising toward the target
            ["产品质量", "主要农产品质量安全监测合格率", "%", "99", "98以上"],  # met in the base year already
            ["环境", "全市PM2.5平均浓度", "微克/立方米", "24", "≤20"],
        ],
    )  # moving away from it
    _plan(
        raw,
        "synthetic_wenzhou_3yr",
        "温州市质量提升三年行动计划(2016—2018年)(测试用合成数据)",
        2016,
        2018,
        2015,
        2018,
        table + [{"name": "2018年目标", "role": "value", "value_kind": "target", "year": 2018}],
        [["产品质量", "制造业产品质量合格率", "%", "96"], ["环境", "全市PM2.5平均浓度", "微克/立方米", "≤25"]],
    )
    _actuals(
        raw,
        [
            ("制造业产品质量合格率", 2026, "95.5", "%"),
            ("制造业产品质量合格率", 2027, "95.9", "%"),
            ("主要农产品质量安全监测合格率", 2027, "99.1", "%"),
            ("全市PM2.5平均浓度", 2026, "25", "微克/立方米"),
            ("全市PM2.5平均浓度", 2027, "26", "微克/立方米"),
            ("制造业产品质量合格率", 2018, "95.2", "%"),
        ],
    )
    refresh()
    return workspace


def _query(sql, params=()):
    with duckdb.connect(os.environ["PLANWATCH_WAREHOUSE"], read_only=True) as conn:
        return conn.execute(sql, params).fetchall()


def test_the_plans_keep_their_own_years(horizons):
    assert _query(
        "SELECT plan_id, plan_period, base_year, target_year, plan_document_in_warehouse FROM marts.dim_plan "
        "WHERE plan_id LIKE 'synthetic_%' ORDER BY 1"
    ) == [("synthetic_wenzhou_15th", "十五五", 2025, 2030, True), ("synthetic_wenzhou_3yr", "十三五", 2015, 2018, True)]
    # admin_level given as 市 is stored as the level it names
    assert _query(
        "SELECT admin_level FROM staging.stg_plan_documents WHERE document_id = 'synthetic_wenzhou_15th'"
    ) == [("prefecture",)]


def test_a_15th_plan_gets_progress_from_its_2025_base(horizons):
    rows = {
        r[0]: r[1:]
        for r in _query(
            "SELECT indicator_id, plan_base_year, base_value, latest_year, latest_value, status, status_reason "
            "FROM marts.fct_target_progress WHERE plan_id = 'synthetic_wenzhou_15th'"
        )
    }
    assert set(rows) == {
        "manufacturing_product_pass_rate",
        "agri_product_safety_monitoring_pass_rate",
        "pm25_concentration",
    }
    assert all(row[0] == 2025 for row in rows.values())
    # what the methodology (planwatch.progress, docs/methodology.md) says for each
    expected = {
        "manufacturing_product_pass_rate": assess(2025, 95.0, 2027, 95.9, 2030, 97.0, "higher", None, "level", 100.0),
        "agri_product_safety_monitoring_pass_rate": assess(
            2025, 99.0, 2027, 99.1, 2030, 98.0, "higher", None, "level", 100.0
        ),
        "pm25_concentration": assess(2025, 24.0, 2027, 26.0, 2030, 20.0, "lower", None, "level", None),
    }
    for indicator_id, progress in expected.items():
        _, base_value, latest_year, _, status, reason = rows[indicator_id]
        assert latest_year == 2027 and (status, reason) == (progress.status, progress.reason), indicator_id
    assert rows["agri_product_safety_monitoring_pass_rate"][4] == "achieved"
    assert rows["pm25_concentration"][4] == "deterioration"
    assert rows["manufacturing_product_pass_rate"][1] == 95.0  # the table's own 2025 column
    # the base-year comparison uses 2025; the 十四五 view of it leaves this plan out
    assert _query(
        "SELECT base_year, base_value, required_change FROM marts.fct_target_vs_base_actual "
        "WHERE plan_id = 'synthetic_wenzhou_15th' AND indicator_id = 'manufacturing_product_pass_rate'"
    ) == [(2025, 95.0, 2.0)]
    assert _query("SELECT count(*) FROM marts.fct_target_vs_13th_actual WHERE plan_id LIKE 'synthetic_%'") == [(0,)]


def test_a_three_year_plan_is_judged_by_its_2018_actuals(horizons):
    verdicts = dict(
        _query("SELECT indicator_id, verdict FROM marts.fct_plan_completion WHERE plan_id = 'synthetic_wenzhou_3yr'")
    )
    # 95.2 against 96 (higher is better): not met; PM2.5 27 (the real 2018 figure in raw/actuals) against ≤25
    assert verdicts == {"manufacturing_product_pass_rate": "not_met", "pm25_concentration": "not_met"}
    assert _query(
        "SELECT DISTINCT plan_target_year, year FROM marts.fct_plan_completion WHERE plan_id = 'synthetic_wenzhou_3yr'"
    ) == [(2018, 2018)]
    assert _query(
        "SELECT plan_base_year FROM marts.fct_target_progress WHERE plan_id = 'synthetic_wenzhou_3yr' LIMIT 1"
    ) == [(2015,)]
