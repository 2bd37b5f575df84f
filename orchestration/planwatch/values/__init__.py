"""Published values: the cell grammar (`cells`: comparators, qualifiers, numbers, ranges), the unit grammar (`units`)
and the text folding both share (`text`). The finder of values in running text is the extractor's
(`planwatch.extract.finder`)."""

from planwatch.values.cells import COMPARATORS, ParsedValue, chinese_number, parse_value, scale
from planwatch.values.text import normalise
from planwatch.values.units import (
    COUNT_UNITS,
    UNIT_TOKENS,
    ParsedUnit,
    ResolvedUnit,
    is_count_unit,
    parse_unit,
    resolve_unit,
    unit_from_name,
)

__all__ = [
    "COMPARATORS",
    "COUNT_UNITS",
    "UNIT_TOKENS",
    "ParsedUnit",
    "ParsedValue",
    "ResolvedUnit",
    "chinese_number",
    "is_count_unit",
    "normalise",
    "parse_unit",
    "parse_value",
    "resolve_unit",
    "scale",
    "unit_from_name",
]
