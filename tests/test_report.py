"""The HTML report (issue 13): one self-contained file that reads without its script, with a section for every region
that has plans, units beside every value, every status with its reason, base-year-met told apart from met-later,
per-indicator series of the actuals against the target path, the rejected inputs and freshness warnings at the top,
and tables that sort and filter in Chromium."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup

import planwatch.report as report_module
from conftest import private_workspace, refresh
from planwatch.report import render_report

CHROMIUM = shutil.which("chromium")
NODE = shutil.which("node")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BAD_FILE = "actuals/bad_2024.csv"
ACTUALS_HEADER = (
    "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,"
    "source_url,published_date,source_fragment,note,period_date"
)


def _chromium_or_skip():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: `make test` installs it (target browser)")
        pytest.skip("chromium is not installed (run `make browser` as root)")


def _query(path: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(path), read_only=True) as conn:
        cursor = conn.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]


@pytest.fixture(scope="module")
def clean(published_warehouse_file, tmp_path_factory):
    """The report of a clean build: (warehouse, report file, its text, parsed)."""
    out = render_report(published_warehouse_file, tmp_path_factory.mktemp("report") / "index.html")
    text = out.read_text(encoding="utf-8")
    return published_warehouse_file, out, text, BeautifulSoup(text, "html.parser")


@pytest.fixture(scope="module")
def rejected(tmp_path_factory):
    """A build with one refused actuals file (a value not yet published, printed as <b>待公布</b>): the refresh
    succeeds without it and the report says so at the top."""
    with private_workspace(tmp_path_factory.mktemp("rejected")) as published:
        raw = Path(os.environ["PLANWATCH_RAW"])
        (raw / BAD_FILE).write_text(
            ACTUALS_HEADER + "\n331082,临海市,国内有效商标注册数,2024,<b>待公布</b>,万件,,year,normal,stock,"
            "临海市2024年统计公报,http://example.invalid/bulletin,2025-03-01,国内有效商标注册数待公布,,\n",
            encoding="utf-8",
        )
        refresh()
    out = render_report(published, tmp_path_factory.mktemp("report_rejected") / "index.html")
    text = out.read_text(encoding="utf-8")
    return published, out, text, BeautifulSoup(text, "html.parser")


def _rows(table) -> list[dict]:
    """A table's body rows as {header text: td}, with the row itself under None."""
    header = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    return [{None: tr, **dict(zip(header, tr.find_all("td", recursive=False)))} for tr in table.tbody.find_all("tr")]


def _squeeze(text: str) -> str:
    return text.replace(" ", "").replace("μ", "µ").lower()


def test_report_is_self_contained_and_escaped(rejected):
    _, _, text, soup = rejected
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            if attr in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
                assert str(value).startswith("#"), f"<{tag.name} {attr}={value!r}> points outside the file"
    assert not soup.find_all(["link", "img", "iframe", "object", "embed", "base"])
    assert all(not s.get("src") for s in soup.find_all("script"))
    assert not re.search(r"\bsrc\s*=", text)
    assert all(h.startswith("#") for h in re.findall(r"""href\s*=\s*["']?([^"'\s>]*)""", text))
    assert "url(" not in text and "@import" not in text and "@font-face" not in text
    # data is text: the refused value <b>待公布</b> is shown escaped, never as markup
    assert "<b>待公布" not in text and "&lt;b&gt;待公布&lt;/b&gt;" in text


def test_a_section_for_every_region_with_plans(clean):
    published, _, _, soup = clean
    regions = _query(
        published,
        "SELECT DISTINCT region_code FROM marts.dim_plan JOIN marts.dim_region USING (region_code) ORDER BY 1",
    )
    assert "330400" in {r["region_code"] for r in regions}  # 嘉兴市: a 十三五 plan only, no 十四五 plan
    plans = _query(published, "SELECT plan_id, region_code FROM marts.dim_plan")
    targets = _query(published, "SELECT target_id, region_code FROM marts.fct_target_progress")
    for region in regions:
        code = region["region_code"]
        section = soup.find(id=f"region-{code}")
        assert section is not None and section.name == "section", code
        for plan in (p for p in plans if p["region_code"] == code):
            assert section.find(id="plan-" + re.sub(r"[^A-Za-z0-9_-]", "_", plan["plan_id"])), plan
        shown = {tr["data-target"] for tr in section.select("table[id^=targets-] tr[data-target]")}
        assert shown == {t["target_id"] for t in targets if t["region_code"] == code}
        # and the overview table links to it
        assert soup.select_one(f'#regions-table tr[data-region="{code}"] a[href="#region-{code}"]')
    assert len(soup.select("section.region")) == len(regions)


def test_every_value_is_shown_with_its_unit(clean):
    published, _, _, soup = clean
    targets = {
        t["target_id"]: t
        for t in _query(
            published,
            """
        SELECT t.*, v.unit_as_published AS target_unit FROM marts.fct_target_progress t
        LEFT JOIN marts.fct_indicator_value v ON v.indicator_value_id = t.target_id""",
        )
    }
    checked = 0
    for table in soup.select("table[id^=targets-]"):
        for row in _rows(table):
            t = targets[row[None]["data-target"]]
            unit = t["canonical_unit"]
            for column, value, raw in (
                ("目标 target", t["target_value"], t["target_raw_value"]),
                ("基期值 base", t["base_value"], t["base_raw_value"]),
                ("最新实际 latest actual", t["latest_value"], t["latest_raw_value"]),
            ):
                cell = row[column].get_text(" ", strip=True)
                if raw is not None:
                    assert raw.strip() in cell
                if value is not None and unit is not None:
                    assert _squeeze(unit) in _squeeze(cell), (t["target_id"], column, cell)
                    checked += 1
            if t["target_unit"] and re.search(r"\d", t["target_raw_value"] or ""):
                assert _squeeze(t["target_unit"]) in _squeeze(row["目标 target"].get_text()), t["target_id"]
    assert checked > 200
    # 临海市 printed 4.3 in 万件, 三门县 10000 with no unit: both are read in 件, and the report says so
    linhai = soup.select_one('tr[data-target="linhai_14th/t2/25/2025年目标"]')
    sanmen = soup.select_one('tr[data-target="sanmen_14th/t1/25/2025年目标"]')
    linhai_target = next(r for r in _rows(linhai.find_parent("table")) if r[None] is linhai)["目标 target"].get_text(
        " ", strip=True
    )
    assert "4.3" in linhai_target and "万件" in linhai_target and "= 43000 件" in linhai_target
    assert re.search(r"10000\s*件", sanmen.get_text(" ", strip=True))
    # completion tables: the target and the actual with their units
    completion = {c["target_id"]: c for c in _query(published, "SELECT * FROM marts.fct_plan_completion")}
    tables = soup.select("table[id^=completion-]")
    assert tables
    for table in tables:
        for row in _rows(table):
            c = completion[row[None]["data-target"]]
            for column, value in (("目标 target", c["target_value"]), ("实际 actual", c["actual_value"])):
                if value is not None and c["canonical_unit"]:
                    assert _squeeze(c["canonical_unit"]) in _squeeze(row[column].get_text()), (c["target_id"], column)


def test_statuses_carry_reasons_and_base_year_met_is_told_apart(clean):
    published, _, _, soup = clean
    targets = {t["target_id"]: t for t in _query(published, "SELECT * FROM marts.fct_target_progress")}
    seen = set()
    colours = {}
    for table in soup.select("table[id^=targets-]"):
        for row in _rows(table):
            t = targets[row[None]["data-target"]]
            base = t["base_year"] or t["plan_base_year"]
            expected = (
                "achieved_base"
                if t["status"] == "achieved" and (t["latest_year"] is None or t["latest_year"] <= base)
                else t["status"]
            )
            assert row[None]["data-status"] == expected
            status_cell = row["状态 status"]
            label = status_cell.get_text(" ", strip=True)
            if expected == "achieved_base":
                assert "基期已达标" in label and "already met in the base year" in label
            elif expected == "achieved":
                assert "期内达成" in label and "met by a later actual" in label
            colours[expected] = status_cell.find("span", class_="badge")["style"]
            assert row["原因 reason"].get_text(strip=True) == (t["status_reason"] or "—").strip()
            seen.add(expected)
    assert {"achieved", "achieved_base"} <= seen
    assert colours["achieved"] != colours["achieved_base"]
    # every computed completion verdict with its reason (判定依据), and a disagreement with why
    completion = {c["target_id"]: c for c in _query(published, "SELECT * FROM marts.fct_plan_completion")}
    disagreements = 0
    for table in soup.select("table[id^=completion-]"):
        for row in _rows(table):
            c = completion[row[None]["data-target"]]
            assert row[None]["data-verdict"] == c["verdict"]
            assert row["判定依据 reason"].get_text(strip=True) == (c["verdict_reason"] or "—").strip()
            if c["disagrees"]:
                assert c["disagreement_reason"] in row["一致性 agreement"].get_text()
                disagreements += 1
    assert disagreements > 0


def test_per_indicator_series(clean):
    published, _, _, soup = clean
    actuals = _query(
        published,
        """
        SELECT indicator_id, region_code, count(*) AS n, any_value(canonical_unit) AS unit FROM marts.fct_actual
        WHERE is_whole_region AND period = 'year' AND indicator_id IS NOT NULL AND canonical_value IS NOT NULL
        GROUP BY ALL""",
    )
    assert actuals
    for a in actuals:
        section = soup.find(id=f"indicator-{a['indicator_id']}")
        assert section is not None, a["indicator_id"]
        svg = section.find("svg", id=f"series-{a['indicator_id']}-{a['region_code']}")
        assert svg is not None and "series" in svg["class"], a
        assert len(svg.select("circle.actual")) == a["n"]
        labels = svg.get_text(" ")
        assert "年份 year" in labels and f"单位 unit: {a['unit']}" in labels
        assert svg.select("text.tick.x") and svg.select("text.tick.y")
    assert len(soup.select("section.indicator")) == len({a["indicator_id"] for a in actuals})
    # a target path where the region has a plan target for the indicator: 临海市's 优良天数比例, 2020 → 2025
    linhai = soup.find(id="series-good_air_quality_days_ratio-331082")
    assert linhai.select("line.target-path") and linhai.select("path.target")


def test_issues_at_the_top_of_a_clean_build(clean):
    published, _, text, soup = clean
    assert "every input file was accepted" in soup.find(id="data-issues").get_text()
    assert not soup.find(id="rejected-table")
    fresh = _query(
        published, "SELECT description FROM meta.build_checks WHERE check_name = 'actuals_fresh' AND NOT passed"
    )
    assert fresh  # the reference actuals stop at 2024: the plan regions lack 2025
    warnings = soup.select("#data-issues .freshness-warning")
    assert [w.get_text(strip=True).lstrip("⚠ ") for w in warnings] == [f["description"] for f in fresh]
    assert text.index("freshness-warning") < text.index('id="progress-chart"') < text.index('class="region"')
    for code in re.findall(r"\((\d{6})\)", fresh[0]["description"]):
        assert soup.select_one(f"#region-{code} .warn"), code  # and the region's own section says it


def test_rejected_inputs_at_the_top(rejected):
    published, _, text, soup = rejected
    found = _query(published, "SELECT * FROM analytics.rejected_inputs")
    assert [r["source_file"] for r in found] == [BAD_FILE]
    rows = _rows(soup.find(id="rejected-table"))
    assert len(rows) == len(found)
    cells = {k: v.get_text(strip=True) for k, v in rows[0].items() if k}
    assert cells["文件 file"] == BAD_FILE and cells["行 row"] == str(found[0]["row_no"])
    assert cells["列 column"] == found[0]["column_name"] == "raw_value"
    assert cells["原因 message"] == found[0]["message"] and "待公布" in cells["原因 message"]
    assert text.index('id="rejected-table"') < text.index('id="progress-chart"')
    # the refusal is also a warned check, listed with the other checks that did not pass
    assert "raw_files_accepted" in soup.find(id="checks-table").get_text()
    assert soup.select("#data-issues .freshness-warning")


def test_script_is_valid_javascript(clean, tmp_path):
    _, _, _, soup = clean
    scripts = soup.find_all("script")
    assert len(scripts) == 1
    if NODE is None:
        pytest.skip("node is not installed")
    path = tmp_path / "report.js"
    path.write_text(scripts[0].string, encoding="utf-8")
    done = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# Run after the report's own script: sort the regions table by its 目标 targets column (twice: ascending, then
# descending), filter it, and write what happened where --dump-dom shows it.
HARNESS = """<script>
(function () {
  var table = document.getElementById('regions-table');
  var th = Array.prototype.filter.call(table.tHead.rows[0].cells,
                                       function (c) { return c.textContent.indexOf('目标 targets') === 0; })[0];
  function order() {
    return Array.prototype.map.call(table.tBodies[0].rows,
                                    function (r) { return r.getAttribute('data-region'); }).join(',');
  }
  var out = document.createElement('pre');
  out.id = 'harness';
  th.click();
  out.setAttribute('data-asc', order());
  th.click();
  out.setAttribute('data-desc', order());
  var box = table.previousSibling.querySelector('input.filter');
  box.value = '嘉兴';
  box.dispatchEvent(new Event('input'));
  var visible = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.hidden; });
  out.setAttribute('data-visible', visible.map(function (r) { return r.getAttribute('data-region'); }).join(','));
  out.setAttribute('data-filters', document.querySelectorAll('input.filter').length);
  document.body.appendChild(out);
})();
</script></body>"""


def test_report_renders_sorts_and_filters_in_chromium(clean, tmp_path):
    published, out, text, soup = clean
    _chromium_or_skip()
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", out.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'id="progress-chart"' in dom.stdout and 'id="completion-chart"' in dom.stdout
    assert dom.stdout.count("<rect") == text.count("<rect") and dom.stdout.count("<svg") == text.count("<svg")
    assert 'data-tables="ready"' in dom.stdout  # the script ran without error to its end
    assert dom.stdout.count('class="filter"') == len(soup.select("table.sortable"))

    harness = tmp_path / "harness.html"
    harness.write_text(text.replace("</body>", HARNESS, 1), encoding="utf-8")
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", harness.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    result = BeautifulSoup(dom.stdout, "html.parser").find(id="harness")
    assert result is not None, dom.stdout[-2000:]
    counts = _query(
        published,
        "SELECT region_code, count(t.target_id) AS n FROM (SELECT DISTINCT region_code "
        "FROM marts.dim_plan) p LEFT JOIN marts.fct_target_progress t USING (region_code) "
        "GROUP BY 1",
    )
    ascending = result["data-asc"].split(",")
    assert sorted(ascending) == sorted(c["region_code"] for c in counts)
    n = {c["region_code"]: c["n"] for c in counts}
    assert [n[c] for c in ascending] == sorted(n.values())
    assert [n[c] for c in result["data-desc"].split(",")] == sorted(n.values(), reverse=True)
    assert result["data-visible"] == "330400"  # 嘉兴市
    assert int(result["data-filters"]) == len(soup.select("table.sortable"))

    shot = tmp_path / "report.png"
    done = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--window-size=1200,1600",
            f"--screenshot={shot}",
            out.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and shot.stat().st_size > 20_000
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK" in fonts  # the report's first font: Chinese labels are drawn, not tofu


def test_national_scale_keeps_to_charts_by_province(published_warehouse_file, tmp_path, monkeypatch):
    monkeypatch.setattr(report_module, "DETAIL_LIMIT", 2)
    out = render_report(published_warehouse_file, tmp_path / "index.html")
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert not soup.select("section.region") and not soup.select("svg.series")
    labels = soup.find(id="progress-chart").get_text(" ")
    assert "浙江省" in labels and "山东省" in labels and "洞头区" not in labels
    regions = _query(published_warehouse_file, "SELECT DISTINCT region_code FROM marts.dim_plan")
    assert len(soup.select("#regions-table tbody tr")) == len(regions)
    assert not soup.select("#regions-table a")  # no links to sections that are not there
    assert soup.find(id="data-issues") is not None
