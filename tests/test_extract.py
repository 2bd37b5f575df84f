"""planwatch extract: flattened tables, HTML tables with rowspan/colspan, manifests, the no-table message,
robustness on arbitrary text, and the inbox → extracted → promote path through Dagster."""

import json
import shutil

import dagster as dg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PROJECT_ROOT, SEEDS_DIR, needs_seeds
from planwatch.cli import main
from planwatch.extract.accuracy import reviewed_tables
from planwatch.extract.document import NO_TABLE, extract_text, long_rows
from planwatch.extract.tables import find_tables

PLANS = PROJECT_ROOT / "raw" / "plans"


@needs_seeds
@pytest.mark.parametrize("folder", sorted(p.name for p in PLANS.iterdir() if p.is_dir()))
def test_flattened_tables_are_reproduced_exactly(folder):
    manifest, reviewed = reviewed_tables(PLANS / folder)
    lines = (SEEDS_DIR / manifest["source_file"]).read_text(encoding="utf-8").splitlines()
    extracted = find_tables(lines)
    want = [t for t in reviewed if t.kind == "table"]
    assert len(extracted) == len(want)
    for got, expected in zip(extracted, want):
        assert (got.table_id, got.title, got.plan_period, got.source_line) == (
            expected.table_id,
            expected.title,
            expected.plan_period,
            expected.source_line,
        )
        assert long_rows([got]) == long_rows([expected])


@needs_seeds
def test_manifests_are_found():
    for folder in sorted(p for p in PLANS.iterdir() if p.is_dir()):
        manifest, _ = reviewed_tables(folder)
        text = (SEEDS_DIR / manifest["source_file"]).read_text(encoding="utf-8")
        found = extract_text(text, manifest["source_file"]).manifest
        for name, value in found.items():
            assert value == manifest[name], (folder.name, name)


HTML = """<html><head><title>某县质量发展“十四五”规划</title></head><body>
<p>浙江省台州市三门县质量强县建设“十四五”规划</p>
<table>
<caption>表1 主要指标</caption>
<tr><th rowspan="2">类别</th><th rowspan="2">指标</th><th rowspan="2">单位</th><th colspan="2">目标</th></tr>
<tr><th>2020年实绩</th><th>2025年目标</th></tr>
<tr><td rowspan="2">质量建设</td><td>制造业产品质量合格率</td><td>%</td><td>100</td><td>96</td></tr>
<tr><td>农产品质量安全监测合格率</td><td>%</td><td>98.1</td><td>98.2以上</td></tr>
<tr><td>标准建设</td><td>制定“浙江制造”标准(新增)</td><td></td><td colspan="2">4</td></tr>
</table></body></html>"""


def test_html_table_with_rowspan_and_colspan():
    document = extract_text(HTML, "page.html")
    [table] = [t for t in document.tables if t.kind == "table"]
    assert [(c.name, c.role, c.value_kind, c.year) for c in table.columns] == [
        ("类别", "category", None, None),
        ("指标", "indicator", None, None),
        ("单位", "unit", None, None),
        ("2020年实绩", "value", "baseline", 2020),
        ("2025年目标", "value", "target", 2025),
    ]
    assert [(r["类别"], r["指标"], r["单位"], r["2020年实绩"], r["2025年目标"]) for r in table.rows] == [
        ("质量建设", "制造业产品质量合格率", "%", "100", "96"),
        ("质量建设", "农产品质量安全监测合格率", "%", "98.1", "98.2以上"),  # rowspan repeated
        ("标准建设", "制定“浙江制造”标准(新增)", "", "4", "4"),  # colspan repeated
    ]
    assert document.manifest["region_code"] == "331022"
    assert all(r["source_line"] > 0 for r in table.rows)


def test_a_document_without_tables_says_so(tmp_path, capsys):
    path = tmp_path / "notice.txt"
    path.write_text("关于开展质量月活动的通知\n各单位:\n请按要求做好相关工作。\n", encoding="utf-8")
    assert main(["extract", str(path)]) == 1
    assert NO_TABLE in capsys.readouterr().err


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_any_text_yields_tables_or_the_message(text):
    document = extract_text(text, "random.txt")
    assert document.tables or NO_TABLE in document.report


@needs_seeds
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(SEEDS_DIR.glob("0*.txt")) if SEEDS_DIR.is_dir() else [None]),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_truncated_documents_never_crash(path, start, end):
    text = path.read_text(encoding="utf-8")
    a, b = sorted((int(start * len(text)), int(end * len(text))))
    document = extract_text(text[a:b], path.name)
    assert document.tables or NO_TABLE in document.report


@needs_seeds
def test_inbox_to_extracted_to_promote(workspace):
    from planwatch.definitions import build_definitions

    inbox = workspace / "raw" / "inbox"
    inbox.mkdir(exist_ok=True)
    shutil.copy(SEEDS_DIR / "001_e5dcd738bf43ea84.txt", inbox / "sanmen.txt")
    defs = build_definitions()
    sensor = defs.resolve_sensor_def("inbox_sensor")
    tick = sensor.evaluate_tick(dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral()))
    assert len(tick.run_requests) == 1

    result = defs.resolve_job_def("extract_inbox").execute_in_process(instance=dg.DagsterInstance.ephemeral())
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert check.passed
    draft = workspace / "raw" / "extracted" / "sanmen"
    assert {p.name for p in draft.iterdir()} >= {"manifest.json", "t1.csv", "report.md"}
    assert not (workspace / "raw" / "plans" / "sanmen").exists()  # never silently input

    assert main(["promote", str(draft)]) == 0
    promoted = workspace / "raw" / "plans" / "sanmen"
    assert json.loads((promoted / "manifest.json").read_text(encoding="utf-8"))["region_code"] == "331022"
    assert not (promoted / "report.md").exists()
    assert main(["promote", str(draft)]) == 1  # exists: replacing needs --replace
