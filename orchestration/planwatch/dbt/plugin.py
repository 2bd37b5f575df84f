"""dbt-duckdb plugin: makes the project's one value parser callable from SQL.

profiles.yml lists this module under `plugins`, so every connection dbt opens gets
`pw_parse_value(text)` (a STRUCT with the fields of `planwatch.values.ParsedValue`) and
`pw_resolve_unit(unit_cell, indicator, inline_unit)` (`planwatch.values.ResolvedUnit`) and
`pw_assess_progress(...)` (`planwatch.progress.assess`, the Open SDG progress measure) and `pw_meets(direction,
target, target_upper, actual)` (`planwatch.progress.meets`, the one definition of a verdict). Models call them only in
table materialisations: a view calling a Python function could not be read by a BI tool that lacks it.
"""

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

from planwatch.progress import assess, meets
from planwatch.values import parse_value, resolve_unit

PARSED_VALUE_TYPE = duckdb.struct_type(
    {
        "comparator": "VARCHAR",
        "number": "DOUBLE",
        "upper": "DOUBLE",
        "multiplier": "BIGINT",
        "unit": "VARCHAR",
        "qualifier": "VARCHAR",
        "note": "VARCHAR",
        "value": "DOUBLE",
        "value_upper": "DOUBLE",
    }
)

RESOLVED_UNIT_TYPE = duckdb.struct_type(
    {
        "unit": "VARCHAR",
        "as_published": "VARCHAR",
        "source": "VARCHAR",
        "multiplier": "BIGINT",
        "recognised": "BOOLEAN",
        "conflict": "BOOLEAN",
        "note": "VARCHAR",
        "is_count": "BOOLEAN",
    }
)


def _resolve_unit_row(unit_cell, indicator, inline_unit) -> dict:
    return resolve_unit(unit_cell, indicator, inline_unit).as_dict()


PROGRESS_TYPE = duckdb.struct_type(
    {
        "status": "VARCHAR",
        "reason": "VARCHAR",
        "method": "VARCHAR",
        "ratio": "DOUBLE",
        "score": "DOUBLE",
        "expected": "DOUBLE",
    }
)
PROGRESS_ARGUMENTS = [
    "INTEGER",
    "DOUBLE",
    "INTEGER",
    "DOUBLE",
    "INTEGER",
    "DOUBLE",
    "VARCHAR",
    "DOUBLE",
    "VARCHAR",
    "DOUBLE",
]


def _assess_row(
    base_year,
    base_value,
    latest_year,
    latest_value,
    target_year,
    target_value,
    direction,
    target_upper,
    accumulation,
    limit,
) -> dict:
    return assess(
        base_year,
        base_value,
        latest_year,
        latest_value,
        target_year,
        target_value,
        direction,
        target_upper,
        accumulation or "level",
        limit,
    ).as_dict()


def _meets(direction, target, target_upper, actual):
    if direction is None or target is None or actual is None:
        return None
    return meets(actual, target, direction, target_upper)


def register_functions(conn: duckdb.DuckDBPyConnection) -> None:
    conn.create_function(
        "pw_parse_value",
        lambda text: parse_value(text).as_dict(),
        ["VARCHAR"],
        PARSED_VALUE_TYPE,
        null_handling="special",
        side_effects=False,
    )
    conn.create_function(
        "pw_assess_progress",
        _assess_row,
        PROGRESS_ARGUMENTS,
        PROGRESS_TYPE,
        null_handling="special",
        side_effects=False,
    )
    conn.create_function(
        "pw_meets",
        _meets,
        ["VARCHAR", "DOUBLE", "DOUBLE", "DOUBLE"],
        "BOOLEAN",
        null_handling="special",
        side_effects=False,
    )
    conn.create_function(
        "pw_resolve_unit",
        _resolve_unit_row,
        ["VARCHAR", "VARCHAR", "VARCHAR"],
        RESOLVED_UNIT_TYPE,
        null_handling="special",
        side_effects=False,
    )


class Plugin(BasePlugin):
    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register_functions(conn)
