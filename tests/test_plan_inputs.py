"""Plan documents and actuals files that once crashed the refresh, changed the input silently or were counted twice
(issue 11, items 5 to 8): every one is now named and set aside, or loaded exactly as published. Every fixture is
built here, in tmp_path."""

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_RAW, GOOD_ACTUAL
from planwatch.contract import ACTUALS_COLUMNS, RawFileError, read_plan_document
from planwatch.ingest import ingest_actuals, ingest_plans

GOOD = GOOD_ACTUAL | {"source_url": "", "source_fragment": ""}


@pytest.fixture
def conn():
    with duckdb.connect() as connection:
        yield connection


@pytest.fixture
def raw(tmp_path) -> Path:
    root = tmp_path / "raw"
    for document in ("sanmen_14th", "linhai_14th"):
        shutil.copytree(FIXTURE_RAW / "plans" / document, root / "plans" / document)
    (root / "actuals").mkdir()
    return root


def _plans(conn, raw: Path):
    return ingest_plans(conn, raw, raw.parent / "quarantine")


def _actuals(conn, raw: Path):
    return ingest_actuals(conn, raw, raw.parent / "quarantine")


def _documents(conn) -> list[str]:
    return [r[0] for r in conn.execute("SELECT document_id FROM raw.plan_documents ORDER BY 1").fetchall()]


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def _write_actuals(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=ACTUALS_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


# ---- 5. every bad file named, never a crash --------------------------------------------------------------------


def _huge_cell(folder: Path) -> tuple[Path, int]:
    table = folder / "t1.csv"
    rows = list(csv.reader(table.open(encoding="utf-8", newline="")))
    rows[3][2] = "很长" * 70_000  # 140,000 characters: over the csv module's 128 KiB field limit
    with table.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return table, 4


def _manifest_in_gbk(folder: Path) -> tuple[Path, None]:
    path = folder / "manifest.json"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    return path, None


def _source_line_as_text(folder: Path) -> tuple[Path, None]:
    manifest = _manifest(folder)
    manifest["tables"][0]["source_line"] = "line 112"
    _write_manifest(folder, manifest)
    return folder / "manifest.json", None


def _table_as_number(folder: Path) -> tuple[Path, None]:
    manifest = _manifest(folder)
    manifest["tables"] = [123]
    _write_manifest(folder, manifest)
    return folder / "manifest.json", None


def _year_as_boolean(folder: Path) -> tuple[Path, None]:
    manifest = _manifest(folder)
    manifest["tables"][0]["columns"][-1]["year"] = True
    _write_manifest(folder, manifest)
    return folder / "manifest.json", None


@pytest.mark.parametrize(
    "spoil, says",
    [
        (_huge_cell, "field larger than field limit"),
        (_manifest_in_gbk, "not UTF-8 text"),
        (_source_line_as_text, "expected a whole number, got 'line 112'"),
        (_table_as_number, "expected each table to be a JSON object, got 123"),
        (_year_as_boolean, "needs a whole-number year"),
    ],
    ids=["cell-over-128KiB", "manifest-not-utf8", "source-line-text", "table-not-an-object", "year-boolean"],
)
def test_a_bad_plan_file_is_named_and_set_aside_while_the_rest_loads(conn, raw, spoil, says):
    assert not _plans(conn, raw).rejected
    cells_before = conn.execute(
        "SELECT * EXCLUDE (_loaded_at) FROM raw.plan_cells WHERE document_id = 'sanmen_14th' ORDER BY ALL"
    ).fetchall()
    path, row = spoil(raw / "plans" / "sanmen_14th")
    shutil.copytree(FIXTURE_RAW / "plans" / "dongtou_14th", raw / "plans" / "dongtou_14th")

    report = _plans(conn, raw)
    [error] = report.rejected
    assert error.path == str(path) and error.row == row and says in str(error), str(error)
    assert _documents(conn) == ["dongtou_14th", "linhai_14th", "sanmen_14th"]  # the new one loaded beside it
    assert (
        conn.execute(
            "SELECT * EXCLUDE (_loaded_at) FROM raw.plan_cells WHERE document_id = 'sanmen_14th' ORDER BY ALL"
        ).fetchall()
        == cells_before
    )  # what it loaded before stays
    [(quarantined,)] = conn.execute("SELECT quarantined_as FROM raw._rejections").fetchall()
    assert Path(quarantined).read_bytes() == path.read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    manifest=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=30,
    )
)
def test_any_json_as_a_manifest_is_refused_by_name_or_read(tmp_path, manifest):
    folder = tmp_path / "plans" / "fuzz_doc"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(RawFileError) as error:
        read_plan_document(folder)
    assert error.value.path.startswith(str(folder))


def _valid_manifest() -> dict:
    return _manifest(FIXTURE_RAW / "plans" / "sanmen_14th")


_FIELDS = sorted(_valid_manifest())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(_FIELDS + ["tables.0", "tables.0.columns", "tables.0.columns.0"]),
    value=st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.lists(st.integers(), max_size=3)
    | st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
def test_a_valid_manifest_with_one_field_of_any_kind_is_refused_by_name_or_read(tmp_path, field, value):
    folder = tmp_path / "plans" / "sanmen_14th"
    if not folder.exists():
        shutil.copytree(FIXTURE_RAW / "plans" / "sanmen_14th", folder)
    manifest = _valid_manifest()
    target, *path = field.split(".")
    if not path:
        manifest[target] = value
    else:
        node = manifest[target]
        for step in path[:-1]:
            node = node[int(step)] if isinstance(node, list) else node[step]
        last = path[-1]
        node[int(last) if isinstance(node, list) else last] = value
    _write_manifest(folder, manifest)
    try:
        read_plan_document(folder)
    except RawFileError as error:
        assert error.path.startswith(str(folder))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), which=st.sampled_from(["manifest.json", "t1.csv"]))
def test_any_bytes_as_a_manifest_or_a_table_are_refused_by_name_or_read(tmp_path, data, which):
    folder = tmp_path / "plans" / "sanmen_14th"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(FIXTURE_RAW / "plans" / "sanmen_14th", folder)
    (folder / which).write_bytes(data)
    try:
        read_plan_document(folder)
    except RawFileError as error:
        assert error.path.startswith(str(folder))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000))
def test_any_bytes_in_a_plan_folder_never_crash_the_ingest(tmp_path, data):
    root = tmp_path / "raw"
    folder = root / "plans" / "sanmen_14th"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(FIXTURE_RAW / "plans" / "sanmen_14th", folder)
    (folder / "t1.csv").write_bytes(data)
    with duckdb.connect() as connection:
        report = ingest_plans(connection, root, tmp_path / "quarantine")
    assert [e.path for e in report.rejected] in ([], [str(folder / "t1.csv")], [str(folder / "manifest.json")])


# ---- 6. identity checks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, column, says",
    [
        (
            {"region_name": "临海市"},
            "region_name",
            "expected the name of region 331022, which is '三门县', got '临海市'",
        ),
        ({"region_code": "331082"}, "region_name", "expected the name of region 331082, which is '临海市' or '临海'"),
        ({"admin_level": "prefecture"}, "admin_level", "expected 'county' for region 331022 by the gazetteer"),
        (
            {"parent_code": "330300", "parent_name": "温州市"},
            "parent_code",
            "expected the parent of region 331022: 331000",
        ),
        ({"parent_name": "温州市"}, "parent_name", "expected the name of region 331000, which is '台州市'"),
        ({"province_code": "320000"}, "province_code", "expected 330000"),
    ],
    ids=["name-of-another-code", "code-of-another-region", "level", "parent", "parent-name", "province"],
)
def test_a_manifest_whose_region_contradicts_the_gazetteer_is_refused(tmp_path, changes, column, says):
    folder = tmp_path / "plans" / "sanmen_14th"
    shutil.copytree(FIXTURE_RAW / "plans" / "sanmen_14th", folder)
    _write_manifest(folder, _valid_manifest() | changes)
    with pytest.raises(RawFileError) as error:
        read_plan_document(folder)
    assert error.value.column == column and says in str(error.value), str(error.value)


def test_a_code_the_gazetteer_lacks_is_accepted_with_a_warning_and_kept_apart(conn, raw):
    folder = raw / "plans" / "sanmen_14th"
    # 331099 is well formed (a county of 台州市) but no region the gazetteer knows: an old code, say
    _write_manifest(folder, _manifest(folder) | {"region_code": "331099"})
    report = _plans(conn, raw)
    assert not report.rejected
    [warning] = report.warnings
    assert "331099 is not in the gazetteer" in warning and "plans/sanmen_14th/manifest.json" in warning
    assert conn.execute("SELECT region_code FROM raw.plan_documents WHERE document_id = 'sanmen_14th'").fetchone() == (
        "331099",
    )


def test_the_same_document_in_a_second_folder_is_refused_naming_the_first(conn, raw):
    _plans(conn, raw)
    cells = conn.execute("SELECT count(*) FROM raw.plan_cells").fetchone()[0]
    copy = raw / "plans" / "sanmen_copy"
    shutil.copytree(raw / "plans" / "sanmen_14th", copy)
    _write_manifest(copy, _manifest(copy) | {"document_id": "sanmen_copy"})

    report = _plans(conn, raw)
    [error] = report.rejected
    assert error.path == str(copy / "manifest.json")
    assert "holds the same document as plans/sanmen_14th" in str(error) and '"supersedes": "sanmen_14th"' in str(error)
    assert _documents(conn) == ["linhai_14th", "sanmen_14th"]
    assert conn.execute("SELECT count(*) FROM raw.plan_cells").fetchone()[0] == cells  # counted once


def test_a_folder_that_supersedes_another_replaces_it(conn, raw):
    _plans(conn, raw)
    new = raw / "plans" / "sanmen_14th_v2"
    shutil.copytree(raw / "plans" / "sanmen_14th", new)
    _write_manifest(new, _manifest(new) | {"document_id": "sanmen_14th_v2", "supersedes": "sanmen_14th"})
    report = _plans(conn, raw)
    assert not report.rejected
    assert report.superseded == {"plans/sanmen_14th": "plans/sanmen_14th_v2"}
    assert _documents(conn) == ["linhai_14th", "sanmen_14th_v2"]
    assert conn.execute("SELECT count(*) FROM raw.plan_cells WHERE document_id = 'sanmen_14th'").fetchone() == (0,)


# ---- 8. no silent input changes --------------------------------------------------------------------------------


def test_upper_case_extensions_are_inputs(conn, raw):
    folder = raw / "plans" / "linhai_14th"
    (folder / "t2.csv").rename(folder / "T2.CSV")
    report = _plans(conn, raw)
    # listed as t2.csv in the manifest, the file is now another name: both facts are named, nothing is dropped
    assert sorted(e.path for e in report.rejected) == [str(folder / "t2.csv")]
    manifest = _manifest(folder)
    manifest["tables"][1]["file"] = "T2.CSV"
    _write_manifest(folder, manifest)
    assert not _plans(conn, raw).rejected
    assert conn.execute(
        "SELECT count(DISTINCT _source_file) FROM raw.plan_cells WHERE _source_file = 'plans/linhai_14th/T2.CSV'"
    ).fetchone() == (1,)
    _write_actuals(raw / "actuals" / "FIGURES.CSV", [GOOD])
    assert _actuals(conn, raw).loaded == ["actuals/FIGURES.CSV"]


def test_a_stray_table_with_an_upper_case_extension_is_named(conn, raw):
    folder = raw / "plans" / "sanmen_14th"
    shutil.copy(folder / "t1.csv", folder / "T9.CSV")
    [error] = _plans(conn, raw).rejected
    assert error.path == str(folder / "T9.CSV") and "not listed in manifest.json" in str(error)


@pytest.mark.parametrize(
    "name", ["._figures.csv", "~$figures.xlsx", ".~lock.figures.csv#", ".hidden.csv", "Thumbs.db", "notes.txt"]
)
def test_side_files_are_ignored_and_listed(conn, raw, name):
    _write_actuals(raw / "actuals" / "figures.csv", [GOOD])
    (raw / "actuals" / name).write_bytes(b"\x00\x01 not a table")
    (raw / "plans" / "sanmen_14th" / name).write_bytes(b"\x00\x01 not a table")
    actuals, plans = _actuals(conn, raw), _plans(conn, raw)
    assert not actuals.rejected and not plans.rejected
    assert actuals.loaded == ["actuals/figures.csv"] and actuals.ignored == [f"actuals/{name}"]
    assert f"plans/sanmen_14th/{name}" in plans.ignored


def test_line_breaks_inside_cells_are_kept_as_published(conn, raw):
    table = raw / "plans" / "sanmen_14th" / "t1.csv"
    rows = list(csv.reader(table.open(encoding="utf-8", newline="")))
    rows[1][1] = "产品质量\n(第一行)"
    rows[2][1] = "服务质量\u2028第二行"
    with table.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    assert not _plans(conn, raw).rejected
    texts = [
        r[0]
        for r in conn.execute(
            "SELECT cell_text FROM raw.plan_cells WHERE document_id = 'sanmen_14th' "
            "AND row_no IN (1, 2) AND column_name = ? ORDER BY row_no",
            [rows[0][1]],
        ).fetchall()
    ]
    assert texts == ["产品质量\n(第一行)", "服务质量\u2028第二行"]


@pytest.mark.parametrize(
    "indicator, says",
    [
        ("空气质量\x00优良率", "U+0000"),
        ("空气质量\x07优良率", "U+0007"),
        ("空气质量\u200b优良率", "U+200B ZERO WIDTH SPACE"),
        ("空气质量\ufeff优良率", "U+FEFF"),
        ("空气质量\u3000优良率", "U+3000 IDEOGRAPHIC SPACE"),
        ("空气质量\u00a0优良率", "U+00A0 NO-BREAK SPACE"),
    ],
    ids=["nul", "bell", "zero-width-space", "bom-inside", "ideographic-space", "no-break-space"],
)
def test_invisible_characters_in_an_actual_are_refused_naming_row_and_column(conn, raw, indicator, says):
    path = raw / "actuals" / "figures.csv"
    _write_actuals(
        path,
        [
            GOOD | {"indicator": "市区PM2.5年均浓度", "raw_value": "28", "unit": "微克/立方米"},
            GOOD | {"indicator": indicator},
        ],
    )
    [error] = _actuals(conn, raw).rejected
    assert (error.path, error.row, error.column) == (str(path), 3, "indicator") and says in str(error), str(error)


def test_the_conflict_check_cannot_be_fooled_by_invisible_characters(conn, raw):
    """Three spellings of one figure that look the same: they never become three figures of 洞头区 2023."""
    path = raw / "actuals" / "figures.csv"
    base = GOOD | {"region_code": "330305", "region_name": "洞头区", "indicator": "空气质量优良率", "year": "2023"}
    _write_actuals(
        path,
        [
            base,
            base | {"indicator": "空气质量\u200b优良率", "raw_value": "96.1"},
            base | {"indicator": "空气质量\u3000优良率", "raw_value": "95.0"},
        ],
    )
    report = _actuals(conn, raw)
    assert [e.row for e in report.rejected] == [3]
    assert conn.execute("SELECT count(*) FROM raw.actuals").fetchone() == (0,)
    _write_actuals(path, [base, base | {"raw_value": "96.1"}])  # the same name twice, two values: a conflict
    [error] = _actuals(conn, raw).rejected
    assert "row 2 and row 3 give one figure" in str(error)


def test_a_control_character_in_a_plan_cell_is_refused(conn, raw):
    table = raw / "plans" / "sanmen_14th" / "t1.csv"
    rows = list(csv.reader(table.open(encoding="utf-8", newline="")))
    rows[2][4] = "98.2\x00以上"
    with table.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    [error] = _plans(conn, raw).rejected
    assert (error.path, error.row, error.column) == (str(table), 3, rows[0][4]) and "U+0000" in str(error)


@pytest.mark.parametrize("scope, accepted", [("城区", True), ("全市", True), ("城东片区", False)])
def test_a_scope_is_a_word_of_the_one_vocabulary(conn, raw, scope, accepted):
    path = raw / "actuals" / "figures.csv"
    _write_actuals(path, [GOOD | {"scope": scope}])
    report = _actuals(conn, raw)
    if accepted:
        assert not report.rejected
    else:
        [error] = report.rejected
        assert (error.row, error.column) == (2, "scope") and "the vocabulary 'actual_scope'" in str(error)
