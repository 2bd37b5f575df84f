"""The contract's rules across the rows of one file, as SQL over the rows as staged in raw.actuals: two rows that
give one figure different values refuse the file (the row and column named); rows that say the same thing twice
keep the first. The staged rows are the file's own, inside the transaction that loads it."""

from pathlib import Path

from planwatch.contract import ACTUALS_STORED, RawFileError

# Two rows describe the same figure when these agree; an empty scope is 全域 and an empty period is a year, as
# stg_actuals reads them; a month's or a point's figure is also keyed by its period_date.
_FIGURE_KEY = (
    "region_code, indicator, year, coalesce(scope, '全域'), coalesce(period, 'year'), coalesce(period_date, '')"
)


# The rows of a file whose figure occurs more than once: only they can repeat or contradict another. Picked by a hash
# of the figure first (a collision only adds a row to look at), so the window functions that compare whole rows sort
# a handful of rows rather than the whole file.
_REPEATED_FIGURES = f"""
    SELECT * FROM raw.actuals WHERE _source_file = $file AND hash({_FIGURE_KEY}) IN (
        SELECT hash({_FIGURE_KEY}) FROM raw.actuals WHERE _source_file = $file GROUP BY ALL HAVING count(*) > 1)"""


def check_conflicts(conn, path: Path, name: str) -> None:
    """Two rows of one file that give the same figure different values (or units) cannot both be right: the file
    is refused, naming the first row of that figure and the first row that disagrees with it."""
    conflict = conn.execute(
        f"""
        SELECT first_row, _source_row, first_raw_value, raw_value, first_unit, unit FROM (
            SELECT _source_row, raw_value, unit, first_value(_source_row) OVER figure AS first_row,
                   first_value(raw_value) OVER figure AS first_raw_value, first_value(unit) OVER figure AS first_unit
            FROM ({_REPEATED_FIGURES})
            WINDOW figure AS (PARTITION BY {_FIGURE_KEY} ORDER BY _source_row))
        WHERE raw_value IS DISTINCT FROM first_raw_value OR unit IS DISTINCT FROM first_unit
        ORDER BY _source_row LIMIT 1""",
        {"file": name},
    ).fetchone()
    if conflict:
        first_row, row, first_value, value, first_unit, unit = conflict
        raise RawFileError(
            path,
            f"row {first_row} and row {row} give one figure (same region_code, indicator, "
            f"year, scope and period) different values: expected row {row} to repeat "
            f"{first_value!r} {first_unit!r} of row {first_row}, found {value!r} {unit!r}",
            row=row,
            column="raw_value" if value != first_value else "unit",
        )


def drop_repeats(conn, name: str) -> int:
    """Rows equal in every contract column say the same thing twice: keep the first."""
    return conn.execute(
        f"""
        DELETE FROM raw.actuals WHERE _source_file = $file AND _source_row IN (
            SELECT _source_row FROM ({_REPEATED_FIGURES})
            QUALIFY row_number() OVER (PARTITION BY {", ".join(ACTUALS_STORED)} ORDER BY _source_row) > 1)""",
        {"file": name},
    ).fetchone()[0]
