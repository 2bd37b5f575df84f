"""The floor: the refresh's transformations as plain SQL in one DuckDB process, with nothing around them.

No Dagster, no dbt process, no tests or Great Expectations, no per-file hashing, validation or lineage
bookkeeping, no publish copy. The raw tables are read straight from raw/ with DuckDB's CSV and JSON readers, the
seeds likewise, then every model's SQL — as `dbt compile` renders it, so it is the very SQL the refresh runs — is
executed in dependency order as CREATE TABLE / VIEW, and the snapshot as its first run. The project's Python
functions (pw_parse_value, pw_resolve_unit, pw_assess_progress) are registered as in the refresh: they are part of
the transformation, not of the orchestration.

    .venv/bin/python bench/floor.py --raw bench/.work/national/raw --out bench/.work/floor [--skip file.csv ...]

`--skip` leaves out files the refresh refuses (the corpus's planted dirty files), so both build the same rows.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from planwatch.contract import OPTIONAL_MANIFEST_FIELDS
from planwatch.dbt.plugin import register_functions
from planwatch.ingest import DDL, LINEAGE
from planwatch.settings import DBT_PROJECT_DIR


def compiled_nodes(database: Path) -> list[dict]:
    """Every model and snapshot, compiled for `database`, in dependency order (dbt compile; not timed)."""
    target = database.parent / "dbt-target"
    env = dict(os.environ, PLANWATCH_BUILD=str(database))
    # --full-refresh: the floor builds from nothing, so incremental models compile to their full form
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "compile",
            "--full-refresh",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
        ],
        env=env,
        check=True,
    )
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    nodes = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] in ("model", "snapshot")}
    ordered, seen = [], set()

    def visit(key):
        if key in seen or key not in nodes:
            return
        seen.add(key)
        for parent in nodes[key]["depends_on"]["nodes"]:
            visit(parent)
        ordered.append(nodes[key])

    for key in sorted(nodes):
        visit(key)
    return ordered


def load_raw(conn: duckdb.DuckDBPyConnection, raw: Path, skip: set[str]) -> None:
    conn.execute("CREATE SCHEMA raw")
    for table, columns in DDL.items():
        conn.execute(f"CREATE TABLE raw.{table} ({columns}, {LINEAGE})")
    conn.execute(
        "CREATE TABLE raw._rejections (source_file VARCHAR, dataset VARCHAR, content_hash VARCHAR, "
        "row_no INTEGER, column_name VARCHAR, message VARCHAR, quarantined_as VARCHAR, "
        "rejected_at TIMESTAMPTZ)"
    )
    manifests = sorted((raw / "plans").glob("*/manifest.json"))
    _load_manifests(conn, raw, manifests)
    _load_cells(conn, raw, manifests)
    actuals = [str(p) for p in sorted((raw / "actuals").glob("*.csv")) if p.name not in skip]
    _read_in_file_order(conn, "actuals_in", actuals)
    conn.execute(f"""
        INSERT INTO raw.actuals BY NAME
        SELECT * EXCLUDE (filename, year, _row), TRY_CAST(year AS INTEGER) AS year,
               substr(filename, {len(str(raw)) + 2}) AS _source_file, _row + 1 AS _source_row,
               md5(filename) AS _content_hash, now() AS _loaded_at
        FROM actuals_in
    """)
    for column in (
        "unit",
        "scope",
        "period",
        "status",
        "measure",
        "source_url",
        "published_date",
        "source_fragment",
        "note",
    ):
        conn.execute(f"UPDATE raw.actuals SET {column} = NULL WHERE {column} = ''")


def _load_manifests(conn, raw: Path, manifests: list[Path]) -> None:
    files = [str(p) for p in manifests]
    # a manifest may leave out its optional fields (supersedes): read_json has no such column then
    fields = [c.split()[0] for c in DDL["plan_documents"].split(", ") if c.split()[0] not in OPTIONAL_MANIFEST_FIELDS]
    conn.execute(
        f"""
        INSERT INTO raw.plan_documents BY NAME
        SELECT {", ".join(fields)}, substr(filename, {len(str(raw)) + 2}) AS _source_file, now() AS _loaded_at
        FROM read_json(?, filename = true, format = 'auto')
    """,
        [files],
    )
    conn.execute(
        """
        INSERT INTO raw.plan_tables BY NAME
        SELECT document_id, t.table_id, t.file, t.title, t.kind, t.plan_period, t.source_line, NULL AS notes
        FROM (SELECT document_id, unnest(tables) AS t FROM read_json(?, format = 'auto'))
    """,
        [files],
    )
    conn.execute(
        """
        INSERT INTO raw.plan_columns BY NAME
        SELECT document_id, table_id, column_no, c.name AS column_name, c.name AS published_header, c.role,
               c.value_kind, c.year
        FROM (SELECT document_id, t.table_id, unnest(t.columns) AS c, generate_subscripts(t.columns, 1) AS column_no
              FROM (SELECT document_id, unnest(tables) AS t FROM read_json(?, format = 'auto')))
    """,
        [files],
    )


def _load_cells(conn, raw: Path, manifests: list[Path]) -> None:
    """One read_csv per column layout (all tables with the same header in one scan), unpivoted to cells."""
    layouts = defaultdict(list)
    for path in manifests:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        for spec in manifest["tables"]:
            names = tuple(c["name"] for c in spec["columns"])
            layouts[names].append((manifest["document_id"], spec["table_id"], str(path.parent / spec["file"])))
    for names, tables in layouts.items():
        keys = ", ".join(f"('{str(Path(f))}', '{d}', '{t}')" for d, t, f in tables)
        _read_in_file_order(conn, "cells_in", [f for _, _, f in tables])
        columns = ", ".join(f'"{n}"' for n in names)
        conn.execute(f"""
            INSERT INTO raw.plan_cells BY NAME
            WITH files(filename, document_id, table_id) AS (VALUES {keys}),
            wide AS (SELECT * EXCLUDE (_row), _row AS row_no FROM cells_in)
            SELECT files.document_id, files.table_id, row_no, column_name, cell_text,
                   CAST(source_line AS INTEGER) AS source_line,
                   substr(unpivoted.filename, {len(str(raw)) + 2}) AS _source_file, row_no + 1 AS _source_row,
                   md5(unpivoted.filename) AS _content_hash, now() AS _loaded_at
            FROM wide UNPIVOT INCLUDE NULLS (cell_text FOR column_name IN ({columns})) AS unpivoted
            JOIN files USING (filename)
        """)
    # read_csv reads an empty cell as NULL; the refresh stores it as empty text
    conn.execute("UPDATE raw.plan_cells SET cell_text = coalesce(cell_text, '')")


def _read_in_file_order(conn, name: str, files: list[str]) -> None:
    """A temp table of the CSVs with each row's number in its file (`_row`, from 1). read_csv keeps file order
    when it inserts, and a table's rowid follows insertion order, so rowid gives the row numbers a window function
    over the scan (unordered) could not."""
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE {name}_scan AS "
        f"SELECT * FROM read_csv(?, all_varchar = true, filename = true, header = true)",
        [files],
    )
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * EXCLUDE (_rowid), "
        f"_rowid - min(_rowid) OVER (PARTITION BY filename) + 1 AS _row "
        f"FROM (SELECT *, rowid AS _rowid FROM {name}_scan)"
    )
    conn.execute(f"DROP TABLE {name}_scan")


def load_seeds(conn) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS reference")
    for seed in sorted((DBT_PROJECT_DIR / "seeds").glob("*.csv")):
        conn.execute(f"CREATE TABLE reference.{seed.stem} AS SELECT * FROM read_csv(?, header = true)", [str(seed)])


def run_models(conn, nodes: list[dict]) -> None:
    for node in nodes:
        relation = f'"{node["schema"]}"."{node["alias"]}"'
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{node["schema"]}"')
        sql = node["compiled_code"]
        if node["resource_type"] == "snapshot":
            conn.execute(
                f"CREATE OR REPLACE TABLE {relation} AS SELECT *, md5(CAST(actual_key AS VARCHAR)) AS "
                f"dbt_scd_id, now() AS dbt_updated_at, now() AS dbt_valid_from, NULL::TIMESTAMP AS "
                f"dbt_valid_to FROM ({sql})"
            )
        elif node["config"]["materialized"] == "view":
            conn.execute(f"CREATE OR REPLACE VIEW {relation} AS {sql}")
        else:
            conn.execute(f"CREATE OR REPLACE TABLE {relation} AS {sql}")


def build(raw: Path, out: Path, skip: set[str]) -> dict:
    """Compile (untimed), then time load + transformations into a fresh file named like the warehouse."""
    out.mkdir(parents=True, exist_ok=True)
    database = out / "planwatch.duckdb"
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)
    nodes = compiled_nodes(database)
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)  # dbt compile may have created it
    started = time.perf_counter()
    conn = duckdb.connect(str(database))
    register_functions(conn)
    load_raw(conn, raw, skip)
    loaded = time.perf_counter()
    load_seeds(conn)
    run_models(conn, nodes)
    conn.execute("CHECKPOINT")
    conn.close()
    done = time.perf_counter()
    return {"load_s": loaded - started, "transform_s": done - loaded, "total_s": done - started, "models": len(nodes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--skip", nargs="*", default=[], help="actuals file names to leave out")
    args = parser.parse_args()
    print(json.dumps(build(args.raw.resolve(), args.out.resolve(), set(args.skip))))


if __name__ == "__main__":
    main()
