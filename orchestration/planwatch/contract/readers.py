"""Reading the files of raw/ from their private copy (planwatch.readonce): UTF-8 or GB18030 CSV, .xlsx as the
sheet shows it, and a long table (actuals, mappings) row by row against its contract."""

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula

from planwatch.contract.errors import RawFileError
from planwatch.contract.text import check_text
from planwatch.readonce import ReadFile, read_once

ACTUALS_SUFFIXES = (".csv", ".xlsx")
_HEADER_SEARCH_ROWS = 5  # an .xlsx header may sit below a merged group row ("来源" over the source columns)
_CHUNK_BYTES = 1 << 20


def decode_utf8(source: ReadFile) -> str:
    try:
        return source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(source.path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def read_csv_rows(source: ReadFile) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and (row number, row) pairs, row numbers as a spreadsheet shows them (the header is row 1). Line
    breaks inside a quoted cell (\\n, U+2028) are kept as published."""
    path = source.path
    reader = csv.reader(io.StringIO(decode_utf8(source), newline=""))
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
        raise RawFileError(
            path,
            f"unreadable CSV ({exc}): a cell over the limit usually means a quote that is "
            f"never closed, which swallows the rest of the file",
            row=row_no + 1,
        ) from exc
    return header, rows


@dataclass(frozen=True)
class TableContract:
    """A long table of raw/ (actuals, mappings): its columns, the ones never empty, the ones a file may leave
    out, and the rule for one row."""

    columns: list[str]
    required: list[str]
    check_row: object  # (path, row number, row) -> None, raises RawFileError
    optional: tuple[str, ...] = ()


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
        if len(cells) < len(header) or any(c.strip() for c in cells[len(header) :]):
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
        found = "; ".join(
            text
            for text in (missing and f"missing column(s) {missing}", extra and f"unexpected column(s) {extra}")
            if text
        )
        raise RawFileError(path, f"{found}; expected the columns {columns}", row=row_no, column=(missing + extra)[0])
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        raise RawFileError(
            path, f"expected each column once, found {doubled} more than once", row=row_no, column=doubled[0]
        )


def _csv_records(source: ReadFile) -> Iterator[tuple[int, list[str]]]:
    encoding = _text_encoding(source)
    row_no = 0
    text = io.TextIOWrapper(source.open(), encoding=encoding, newline="")
    try:
        for row_no, cells in enumerate(csv.reader(text), start=1):
            yield row_no, cells
    except csv.Error as exc:
        raise RawFileError(
            source.path,
            f"unreadable CSV ({exc}): a cell over the limit usually means a quote that is never closed",
            row=row_no + 1,
        ) from exc
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
    raise RawFileError(
        source.path,
        f"expected UTF-8 or GB18030 text, found neither (as UTF-8: {utf8_error}; as GB18030: {gb18030_error})",
    )


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
        origins.update(dict.fromkeys(merged.cells, top_left))
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
