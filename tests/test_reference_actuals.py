"""raw/actuals/reference_2020_2025_more.csv carries ../shared/reference/actuals_2020_2025_more.csv (35 published
figures, 2020–2025) in the raw/actuals contract: every value is printed in its fragment, every row of the source list
is carried or left out here with its reason, a month's figure or a stock at a date keeps its period (never read as
a year's), and no figure contradicts one of reference_2015_2024.csv.

Unit tier: the contract reader and the value parser only, no refresh."""

import csv
import re

import pytest

from conftest import PROJECT_ROOT
from planwatch.contract import iter_actuals
from planwatch.values import parse_value, resolve_unit

ACTUALS = PROJECT_ROOT / "raw" / "actuals"
RAW_FILE = ACTUALS / "reference_2020_2025_more.csv"
EARLIER_FILE = ACTUALS / "reference_2015_2024.csv"
SOURCE = PROJECT_ROOT.parent / "shared" / "reference" / "actuals_2020_2025_more.csv"
needs_source = pytest.mark.skipif(
    not SOURCE.is_file(), reason=f"the source list is not at {SOURCE} (it sits beside the project, not in a clone)"
)

# Rows of the source list (spreadsheet numbering: the header is row 1) that are NOT carried, each with its reason.
EXCLUDED = {
    # 温州市(洞头区及其余各县市) 环境空气质量优良天数比例 2022 "97.5%~99.7%": a range over several regions (洞头区 and
    # the other counties together, 洞头 not given on its own). The contract holds one figure of one region, and
    # refuses a range in raw_value; choosing a bound, or giving it to 洞头区, would be a guess.
    8,
    # 浙江省 “浙江制造”标准(累计) "1979项", year "未明示(截至规划编制,2021)": the source prints no year and no date
    # (a stock "as of the plan's compilation", published 2021-09-23). A year-period row would read a stock at an
    # unknown date as a year's value; a point row needs its month, which is not printed. Left out rather than
    # guessed. (reference_2015_2024.csv row 44 already holds this figure as 2020; see the note there.)
    18,
}
# Rows carried with another cut than the source list's (indicator, raw_value), as the contract requires; every
# value below is printed in the fragment, the source list's value is not always.
RECUT = {
    # "56个(共77个)" is not printed: the fragment prints 站位77个 … 站位56个. The figure is 56个; the total is in the note.
    4: [("地表水市控及市控以上站位中水质达到Ⅰ至Ⅲ类的站位", "56个")],
    # "下降5.8%" read as a number is 5.8, a level of 能耗 it is not: the decline is the measured thing, so 下降 joins
    # the name (text up to the value phrase, the contract's cutting convention) and the value is 5.8% as printed.
    23: [("规模以上工业单位增加值能耗下降", "5.8%")],
    # "3家 / 4家" holds two figures, and is printed as 获得中国质量奖提名奖3家,获省政府质量奖4家: one row each.
    35: [("获得中国质量奖提名奖", "3家"), ("获省政府质量奖", "4家")],
}
# Units the contract cannot take as the source list gives them: "%(同比改善幅度)" is % plus a description (kept in
# the note); the fragment prints 改善5.1%.
UNIT_RECUT = {28: "%"}
# Source rows whose value_as_published is not printed in their exact_fragment (the reason each is recut above).
VALUE_NOT_IN_FRAGMENT = {4, 35}
# The caveats of ../shared/reference/README.md that the rows must keep: a year inferred from the bulletin's
# publication date is a candidate; 浙江省 2021 PM2.5 prints no year (the page's 2016→2021 framing).
CANDIDATE = {2, 3, 4, 21}
CARRIED_ROWS = 34


def printed_in(value: str, fragment: str) -> bool:
    """The value text occurs in the fragment as a whole number (not inside a longer one: 5 in 25, 9 in 98.9)."""
    return re.search(r"(?<![\d.])" + re.escape(value) + r"(?![\d.])", fragment) is not None


def figure_key(row: dict) -> tuple:
    """How the loader and stg_actuals identify a figure: an empty scope is 全域, an empty period a year."""
    return (
        row["region_code"],
        row["indicator"],
        row["year"],
        row["scope"] or "全域",
        row["period"] or "year",
        row["period_date"],
    )


def number(row: dict) -> tuple:
    parsed = parse_value(row["raw_value"])
    unit = resolve_unit(row["unit"], row["indicator"], parsed.unit)
    return parsed.value * unit.multiplier, unit.unit


@pytest.fixture(scope="module")
def rows():
    return [row for _, row in iter_actuals(RAW_FILE)]  # every row checked against the contract as it is read


@pytest.fixture(scope="module")
def source():
    with SOURCE.open(encoding="utf-8", newline="") as f:
        return dict(enumerate(csv.DictReader(f), start=2))


def test_the_file_meets_the_contract_with_the_header_of_the_earlier_reference(rows):
    def header(path):
        return path.read_text(encoding="utf-8").splitlines()[0]

    assert header(RAW_FILE) == header(EARLIER_FILE)
    assert len(rows) == CARRIED_ROWS


def test_every_raw_value_is_printed_in_its_fragment(rows):
    missing = [(r["indicator"], r["raw_value"]) for r in rows if not printed_in(r["raw_value"], r["source_fragment"])]
    assert not missing


def test_no_figure_is_given_twice_in_the_file(rows):
    keys = [figure_key(r) for r in rows]
    assert len(keys) == len(set(keys))


def test_no_figure_contradicts_the_earlier_reference(rows):
    """Across files the warehouse does not refuse: a figure with the key of another file's is a restatement, and the
    later one wins (int_actuals). So a repeat here must give the very number (and unit) of the earlier file."""
    earlier = {figure_key(r): r for _, r in iter_actuals(EARLIER_FILE)}
    shared = [(earlier[figure_key(r)], r) for r in rows if figure_key(r) in earlier]
    assert shared  # the lists overlap (14 figures today); each repeats the same number
    assert [(r["indicator"], r["year"]) for old, r in shared if number(old) != number(r)] == []


def test_a_month_or_a_stock_at_a_date_is_never_a_year(rows):
    for r in rows:
        if "one month's figure" in r["note"]:
            assert r["period"] == "month" and r["period_date"][:4] == r["year"], r
        if r["period"] in ("month", "point"):
            assert re.fullmatch(r"\d{4}-\d{2}", r["period_date"]), r
        else:
            assert r["period"] == "year" and not r["period_date"], r


@needs_source
def test_the_source_values_are_printed_in_their_fragments_but_the_listed_ones(source):
    not_printed = {n for n, s in source.items() if not printed_in(s["value_as_published"], s["exact_fragment"])}
    assert not_printed == VALUE_NOT_IN_FRAGMENT


@needs_source
def test_every_source_row_is_carried_or_excluded_with_its_reason(rows, source):
    assert len(source) == 35
    assert EXCLUDED.isdisjoint(RECUT) and set(EXCLUDED) | set(RECUT) | set(UNIT_RECUT) <= set(source)
    traced = set()
    for n, s in source.items():
        carried = [
            i
            for i, r in enumerate(rows)
            if r["source_url"] == s["source_address"]
            and r["source_fragment"] == s["exact_fragment"]
            and r["source_title"] == s["source_title"]
            and r["region_name"] == s["region"]
        ]
        if n in EXCLUDED:
            assert not carried, (n, s)
            continue
        expected = RECUT.get(n, [(s["indicator_as_published"], s["value_as_published"])])
        assert sorted((rows[i]["indicator"], rows[i]["raw_value"]) for i in carried) == sorted(expected), (n, s)
        for i in carried:
            r = rows[i]
            assert r["unit"] == UNIT_RECUT.get(n, s["unit"]), (n, r)
            year = s["year"]
            if month := re.fullmatch(r"(\d{4}-\d{2})\(月度\)", year):  # a month's figure
                assert (r["year"], r["period"], r["period_date"]) == (year[:4], "month", month.group(1)), (n, r)
            elif point := re.fullmatch(r"截至(\d{4}-\d{2})", year):  # a stock (or count) at a date
                assert (r["year"], r["period"], r["period_date"]) == (year[2:6], "point", point.group(1)), (n, r)
            else:
                assert (r["year"], r["period"], r["period_date"]) == (year, "year", ""), (n, r)
            assert (r["status"] == "candidate") == (n in CANDIDATE), (n, r)
        traced.update(carried)
    assert traced == set(range(len(rows)))  # and no row of the file comes from anywhere else
