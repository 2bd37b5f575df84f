"""New indicator names never block a refresh (issue 12, part 1): a plan whose names the catalog lacks loads and
publishes, its values carry indicator_id null and a mapping_status, the names get ranked proposals, and a person's
reviewed mapping — input data under raw/mappings, checked like every raw file — maps them on the next refresh."""

import csv
import json
import os
import shutil

import dagster as dg
import duckdb
import pytest

from conftest import FIXTURE_RAW, refresh
from planwatch import cli
from planwatch.contract import MAPPINGS_COLUMNS
from planwatch.ingest import ingest_mappings
from planwatch.matching import leave_one_out

NEW_NAMES = [  # as another region might print them: not in the catalog's aliases
    ("产品质量", "全县规上制造业产品监督抽查合格率", "%", "96以上"),
    ("品牌", "新增省级以上知名商号", "个", "5"),
    ("服务", "农村寄递物流站点覆盖率", "%", "100"),
]


def _mapping(**values) -> dict:
    return dict.fromkeys(MAPPINGS_COLUMNS, "") | {"reviewed_by": "分析员", "reviewed_on": "2026-12-01"} | values


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=MAPPINGS_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    "row, column, says",
    [
        (_mapping(name_as_published="某指标", indicator_id="Some-Id"), "indicator_id", "lowercase letters"),
        (_mapping(name_as_published="某指标", indicator_id="brand_new_thing"), "new_direction", "defines a new entry"),
        (
            _mapping(
                name_as_published="某指标", indicator_id="brand_new_thing", new_direction="higher", new_unit="万件"
            ),
            "new_unit",
            "a base unit",
        ),
        (
            _mapping(name_as_published="某指标", indicator_id="manufacturing_product_pass_rate", new_unit="%"),
            "new_unit",
            "is in the catalog already",
        ),
        (
            _mapping(name_as_published="某指标", indicator_id="manufacturing_product_pass_rate", table_id="t1"),
            "table_id",
            "needs its document_id",
        ),
        (
            _mapping(name_as_published="某\u200b指标", indicator_id="manufacturing_product_pass_rate"),
            "name_as_published",
            "U+200B",
        ),
        (
            _mapping(name_as_published="某指标", indicator_id="manufacturing_product_pass_rate", reviewed_by=""),
            "reviewed_by",
            "required",
        ),
    ],
    ids=[
        "id-not-a-slug",
        "new-entry-without-direction",
        "new-unit-not-base",
        "catalog-id-with-new-fields",
        "table-without-document",
        "invisible-character",
        "no-reviewer",
    ],
)
def test_a_bad_mapping_is_refused_by_row_and_column(tmp_path, row, column, says):
    _write(tmp_path / "raw" / "mappings" / "m.csv", [row])
    with duckdb.connect() as conn:
        [error] = ingest_mappings(conn, tmp_path / "raw", tmp_path / "q").rejected
    assert (error.row, error.column) == (2, column) and says in str(error), str(error)


def test_one_name_means_one_thing_across_the_files(tmp_path):
    mappings = tmp_path / "raw" / "mappings"
    _write(mappings / "a.csv", [_mapping(name_as_published="某指标", indicator_id="manufacturing_product_pass_rate")])
    _write(
        mappings / "b.csv",
        [
            _mapping(name_as_published="某指标", indicator_id="pm25_concentration"),
            _mapping(name_as_published="某指标", indicator_id="pm25_concentration", document_id="sanmen_14th"),
        ],
    )  # for one document: another key, allowed
    with duckdb.connect() as conn:
        report = ingest_mappings(conn, tmp_path / "raw", tmp_path / "q")
        [error] = report.rejected
        assert error.path.endswith("b.csv") and error.row == 2 and "row 2 of mappings/a.csv" in str(error)
        assert report.loaded == ["mappings/a.csv"]


def test_the_proposals_rank_the_reviewed_id_first_for_most_aliases():
    """The figure the README reports: each reviewed alias left out in turn, how often its id comes first."""
    measured = leave_one_out()
    assert measured.aliases > 150
    assert measured.share_first() >= 0.75 and measured.in_top / measured.aliases >= 0.9, measured


def _query(sql, params=()):
    with duckdb.connect(os.environ["PLANWATCH_WAREHOUSE"], read_only=True) as conn:
        return conn.execute(sql, params).fetchall()


def _new_plan(raw):
    """三门县's plan copied as another document of another region (临海市 is taken): 温州市洞头区's 规划 to 2025 with
    three names nobody has reviewed."""
    folder = raw / "plans" / "newnames_14th"
    shutil.copytree(FIXTURE_RAW / "plans" / "sanmen_14th", folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest |= {
        "document_id": "newnames_14th",
        "plan_title": "洞头区质量强区实施方案(测试)",
        "region_code": "330305",
        "region_name": "洞头区",
        "region_full_name": "温州市洞头区",
        "parent_code": "330300",
        "parent_name": "温州市",
    }
    manifest["tables"][0]["columns"] = [
        c for c in manifest["tables"][0]["columns"] if c.get("value_kind") != "baseline"
    ]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    header = ["source_line", *(c["name"] for c in manifest["tables"][0]["columns"])]
    with open(folder / "t1.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([[i + 1, *row] for i, row in enumerate(NEW_NAMES)])
    for extra in folder.glob("prose_*.csv"):
        extra.unlink()
    manifest["tables"] = manifest["tables"][:1]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def test_new_names_publish_with_proposals_and_a_reviewed_mapping_maps_them(workspace):
    _new_plan(workspace / "raw")
    result = refresh()  # publishes: a new name is no reason to stop
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    warning = checks["gx_int_observations_mapped"]
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert "全县规上制造业产品监督抽查合格率" in warning.description
    values = {
        r[0]: r[1:]
        for r in _query(
            "SELECT indicator, indicator_id, mapping_status FROM marts.fct_indicator_value "
            "WHERE document_id = 'newnames_14th'"
        )
    }
    assert {row[1] for row in NEW_NAMES} == set(values) and all(v[0] is None for v in values.values())
    assert {v[1] for v in values.values()} <= {"proposed", "unmapped"}
    assert _query(
        "SELECT count(*) FROM marts.fct_target_vs_actual WHERE document_id = 'newnames_14th' "
        "AND mapping_status <> 'reviewed'"
    ) == [(3,)]
    assert _query("SELECT count(*) FROM marts.fct_region_comparison WHERE target_id LIKE 'newnames_14th/%'") == [(0,)]
    candidates = _query(
        "SELECT candidate_rank, candidate_indicator_id, score, reason FROM "
        "marts.indicator_mapping_candidates WHERE name_as_published = ? ORDER BY 1",
        [NEW_NAMES[0][1]],
    )
    assert [c[0] for c in candidates] == [1, 2, 3] and all(c[3] for c in candidates)
    assert candidates[0][2] >= candidates[1][2] >= candidates[2][2]
    first_choice = candidates[0][1]
    assert "inspection_pass_rate" in first_choice or "product" in first_choice

    # a person reviews: one proposal accepted, one new catalog entry defined; the next refresh maps them
    assert (
        cli.main(
            [
                "map",
                "--accept",
                NEW_NAMES[0][1],
                "--id",
                "key_industrial_product_inspection_pass_rate",
                "--by",
                "分析员",
            ]
        )
        == 0
    )
    assert (
        cli.main(
            [
                "map",
                "--accept",
                NEW_NAMES[2][1],
                "--id",
                "rural_delivery_point_coverage",
                "--unit",
                "%",
                "--direction",
                "higher",
                "--by",
                "分析员",
                "--note",
                "new in this plan",
            ]
        )
        == 0
    )
    assert cli.main(["map", "--accept", NEW_NAMES[0][1], "--id", "pm25_concentration", "--by", "分析员"]) == 1  # a
    # second meaning for the same name is refused before anything is written
    refresh()
    mapped = dict(
        _query(
            "SELECT indicator, indicator_id FROM marts.fct_indicator_value "
            "WHERE document_id = 'newnames_14th' AND mapping_status = 'reviewed'"
        )
    )
    assert mapped == {
        NEW_NAMES[0][1]: "key_industrial_product_inspection_pass_rate",
        NEW_NAMES[2][1]: "rural_delivery_point_coverage",
    }
    assert _query(
        "SELECT measure_type, canonical_unit, direction, catalog_source FROM "
        "intermediate.int_indicator_catalog WHERE indicator_id = 'rural_delivery_point_coverage'"
    ) == [("rate", "%", "higher", "raw/mappings")]
    assert _query("SELECT count(*) FROM marts.fct_target_progress WHERE target_id LIKE 'newnames_14th/%'") == [(2,)]
