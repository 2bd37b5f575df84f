"""The project's vocabularies: every enum a layer checks or writes, read from its one home.

The home is the dbt seed `dbt_project/seeds/vocabulary.csv` (one row per vocabulary and code, with a class where
codes fall into classes, e.g. a scope is `whole_region` or `part_of_region`), and `plan_periods.csv` for the
five-year periods and their years. Every layer reads the same rows:
- the raw contract (`planwatch.contract`) refuses a file whose cell is not a code of its vocabulary;
- the GX suites write `{"vocabulary": "actual_scope"}` (or `{"plan_years": "first"}`) where a literal list or
  bound would stand, and `planwatch.gx_validation` puts the codes in when it loads a suite;
- dbt tests use the generic test `in_vocabulary` (tests/generic/in_vocabulary.sql) against the seed, and models
  join it (stg_actuals takes a scope's class from it).
So adding a scope word, a status or a period is one row here, and no layer can disagree with another.
"""

import csv
from functools import cache
from pathlib import Path

from planwatch.settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"
VOCABULARY_SEED = SEEDS / "vocabulary.csv"
PERIODS_SEED = SEEDS / "plan_periods.csv"

# A percentage is a share or a change of one: never beyond ±100 (a figure printed as 120% is a growth rate of an
# amount, which the contract has no unit for yet). One bound for the contract and every GX suite.
PERCENT_MIN, PERCENT_MAX = -100.0, 100.0


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def _vocabularies() -> dict[str, dict[str, str]]:
    """vocabulary → {code: class} in the order of the seed."""
    found: dict[str, dict[str, str]] = {}
    for row in _read(VOCABULARY_SEED):
        found.setdefault(row["vocabulary"], {})[row["code"]] = row["class"] or ""
    return found


def codes(vocabulary: str, of_class: str | None = None) -> tuple[str, ...]:
    """The codes of a vocabulary (of one class only, when given), in the seed's order."""
    try:
        entries = _vocabularies()[vocabulary]
    except KeyError:
        raise KeyError(f"no vocabulary {vocabulary!r} in {VOCABULARY_SEED}") from None
    return tuple(code for code, cls in entries.items() if of_class is None or cls == of_class)


def code_class(vocabulary: str, code: str) -> str | None:
    """The class of a code ('whole_region' for 全市), None when the code is not in the vocabulary."""
    return _vocabularies().get(vocabulary, {}).get(code)


@cache
def plan_periods() -> dict[str, dict[str, int]]:
    """十四五 → {period_start: 2021, period_end: 2025, base_year: 2020, target_year: 2025}."""
    return {
        row["plan_period"]: {k: int(row[k]) for k in ("period_start", "period_end", "base_year", "target_year")}
        for row in _read(PERIODS_SEED)
    }


OTHER_PERIOD = "other"


def period_of_year(year: int) -> str:
    """The five-year period (十三五 …) whose years contain `year` (2018 → 十三五, 2027 → 十五五); `other` beyond them."""
    for name, period in plan_periods().items():
        if period["period_start"] <= year <= period["period_end"]:
            return name
    return OTHER_PERIOD


def period_names() -> tuple[str, ...]:
    """Every value a plan_period may take: the five-year periods, and `other`."""
    return (*plan_periods(), *codes("plan_period_other"))


def admin_level(word: str) -> str | None:
    """The admin level a word people use names (市 → prefecture, 区/县 → county, province → province)."""
    return code_class("admin_level_word", word.strip()) if isinstance(word, str) else None


def plan_years() -> tuple[int, int]:
    """The first and last year of any plan period: a figure outside them serves no plan."""
    periods = plan_periods().values()
    return min(p["period_start"] for p in periods), max(p["period_end"] for p in periods)


def resolve_reference(value):
    """A GX suite's placeholder → its value: {"vocabulary": v} (optionally with "class") → list of codes;
    {"plan_years": "first" | "last"} → that year; {"rule": "percent_min" | "percent_max"} → the bound.
    Anything else is returned as it is (lists and dicts are walked)."""
    if isinstance(value, dict):
        if set(value) <= {"vocabulary", "class"} and "vocabulary" in value:
            return list(codes(value["vocabulary"], value.get("class")))
        if set(value) == {"plan_years"}:
            first, last = plan_years()
            return {"first": first, "last": last}[value["plan_years"]]
        if set(value) == {"rule"}:
            return {"percent_min": PERCENT_MIN, "percent_max": PERCENT_MAX}[value["rule"]]
        return {k: resolve_reference(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_reference(v) for v in value]
    return value
