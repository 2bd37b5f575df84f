"""dbt-duckdb plugin: makes the project's one value parser callable from SQL.

profiles.yml lists this module under `plugins`, so every connection dbt opens gets
`pw_parse_value(text)` (a STRUCT with the fields of `planwatch.values.ParsedValue`) and
`pw_parse_unit(unit)` and `pw_unit_from_name(indicator)`. Models call them only in table materialisations: a view calling a Python
function could not be read by a BI tool that lacks it.
"""

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

from planwatch.values import parse_unit, parse_value, unit_from_name

PARSED_VALUE_TYPE = duckdb.struct_type({
    "comparator": "VARCHAR", "number": "DOUBLE", "upper": "DOUBLE", "multiplier": "BIGINT", "unit": "VARCHAR",
    "qualifier": "VARCHAR", "note": "VARCHAR", "value": "DOUBLE", "value_upper": "DOUBLE",
})

PARSED_UNIT_TYPE = duckdb.struct_type({"unit": "VARCHAR", "multiplier": "BIGINT", "note": "VARCHAR"})


def _parse_unit_row(text):
    parsed = parse_unit(text)
    return None if parsed is None else {"unit": parsed.unit, "multiplier": parsed.multiplier, "note": parsed.note}


def register_functions(conn: duckdb.DuckDBPyConnection) -> None:
    conn.create_function("pw_parse_value", lambda text: parse_value(text).as_dict(), ["VARCHAR"],
                         PARSED_VALUE_TYPE, null_handling="special", side_effects=False)
    conn.create_function("pw_parse_unit", _parse_unit_row, ["VARCHAR"], PARSED_UNIT_TYPE,
                         null_handling="special", side_effects=False)
    conn.create_function("pw_unit_from_name", unit_from_name, ["VARCHAR"], "VARCHAR",
                         null_handling="special", side_effects=False)


class Plugin(BasePlugin):
    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register_functions(conn)
