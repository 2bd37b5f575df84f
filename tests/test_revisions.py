"""A restated actual: the new figure wins in the facts, the old one stays in the history, and the as-of query
answers by publication date: what had been published by a day, as known now (the same in every clone)."""

import csv
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from conftest import refresh

KEY = ("330300", "市区PM2.5年均浓度", "2019")  # 温州市 2019, published as 28 微克/立方米


def _query(sql, params=()):
    with duckdb.connect(os.environ["PLANWATCH_WAREHOUSE"], read_only=True) as conn:
        return conn.execute(sql, params).fetchall()


def _as_of(moment: datetime):
    query = os.path.dirname(__file__) + "/../docs/queries/08_actuals_as_of.sql"
    sql = Path(query).read_text(encoding="utf-8")
    assert sql.count("current_timestamp") == 2
    rows = _query(sql.replace("current_timestamp", "$moment"), {"moment": moment})
    return {(r[0], r[2], r[3]): r[5] for r in rows}


def _restate(workspace, raw_value: str, published: str, source: str) -> None:
    """A later bulletin restates one figure: a new file with the same region, indicator and year."""
    original = workspace / "raw" / "actuals" / "reference_2015_2024.csv"
    with original.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    row = next(r for r in rows if (r["region_code"], r["indicator"], r["year"]) == KEY)
    restated = dict(
        row,
        raw_value=raw_value,
        published_date=published,
        source_title=source,
        source_fragment="",
        note="synthetic restatement for a test",
    )
    with (workspace / "raw" / "actuals" / "restated_2019.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(restated)


def _current():
    return _query(
        "SELECT raw_value, superseded_rows, source_file FROM marts.fct_actual "
        "WHERE region_code = ? AND indicator = ? AND year = ?",
        KEY,
    )


def test_a_restated_actual_wins_and_its_history_is_kept(refreshed_workspace):
    workspace = refreshed_workspace
    assert _current() == [("28", 0, "actuals/reference_2015_2024.csv")]
    before_restatement = datetime.now(UTC)
    time.sleep(0.01)

    _restate(workspace, "27", "2021-04-01", "温州市2020年统计年鉴 (修订)")
    refresh()
    assert _current() == [("27", 1, "actuals/restated_2019.csv")]
    history = _query(
        "SELECT raw_value, source_title, dbt_valid_to IS NULL FROM snapshots.actuals_history "
        "WHERE region_code = ? AND indicator = ? AND year = ? ORDER BY dbt_valid_from",
        KEY,
    )
    assert [(v, current) for v, _, current in history] == [("28", False), ("27", True)]
    assert history[1][1] == "温州市2020年统计年鉴 (修订)"
    # the facts downstream follow the restated figure
    assert ("27",) in _query(
        "SELECT raw_value FROM intermediate.int_observations WHERE source_kind = "
        "'published_actual' AND indicator = ? AND year = 2019",
        KEY[1:2],
    )

    # by publication: the original was published 2020-03-24, the restatement 2021-04-01
    key = ("330300", "市区PM2.5年均浓度", 2019)
    early, later = datetime(2021, 1, 1, tzinfo=UTC), datetime(2021, 6, 1, tzinfo=UTC)
    assert _as_of(early)[key] == "28"
    assert _as_of(later)[key] == "27"
    assert _as_of(datetime.now(UTC))[key] == "27"
    # every other figure is the same at both moments (they were all published before 2021)
    then, now = _as_of(early), _as_of(later)
    assert {k: v for k, v in then.items() if k != key} == {k: v for k, v in now.items() if k != key}
    # and the warehouse's own timeline is kept beside it
    loaded = _query(
        "SELECT raw_value FROM analytics.actual_history WHERE region_code = ? AND indicator = ? "
        "AND year = ? AND loaded_from <= ? AND (loaded_to IS NULL OR loaded_to > ?)",
        [*KEY, before_restatement, before_restatement],
    )
    assert loaded == [("28",)]

    # the restatement withdrawn: the original figure is current again, and the history shows all three versions;
    # as known now, 27 was never in force (it is valid for no time), so mid-2021 was 28 after all
    (workspace / "raw" / "actuals" / "restated_2019.csv").unlink()
    refresh()
    assert _current() == [("28", 0, "actuals/reference_2015_2024.csv")]
    assert _query(
        "SELECT count(*) FROM snapshots.actuals_history WHERE region_code = ? AND indicator = ? AND year = ?", KEY
    ) == [(3,)]
    assert _as_of(later)[key] == "28"
