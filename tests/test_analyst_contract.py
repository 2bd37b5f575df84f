"""The analysts' contract (issue 13): every column of every schema described (dbt YAML and DuckDB comments), one
naming scheme across the marts and views, the README's claims true of the warehouse, and refusals that show
only while they apply."""

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_ROOT, refresh

DBT = Path(sys.executable).parent / "dbt"
# Earlier names kept for one release in the analytics views, each listed in CHANGELOG.md.
DEPRECATED = {"document", "indicator_as_published", "indicator_name"}


def test_every_column_of_every_schema_has_a_comment(published_warehouse_file):
    with duckdb.connect(str(published_warehouse_file), read_only=True) as conn:
        blank = conn.execute(
            "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name NOT IN ('main', 'information_schema', "
            "'pg_catalog') AND (comment IS NULL OR trim(comment) = '')"
        ).fetchall()
        schemas = {
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT schema_name FROM duckdb_columns() WHERE database_name = current_database()"
            ).fetchall()
        }
    assert {"raw", "meta", "reference", "staging", "intermediate", "marts", "analytics", "snapshots"} <= schemas
    assert blank == []


def test_every_model_column_is_described_in_the_dbt_yaml(tmp_path):
    subprocess.run(
        [str(DBT), "parse", "--profiles-dir", ".", "--target-path", str(tmp_path), "--quiet"],
        cwd=PROJECT_ROOT / "dbt_project",
        check=True,
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed", "snapshot")]
    assert all(n["description"].strip() for n in nodes), [n["name"] for n in nodes if not n["description"].strip()]
    blank = [f"{n['name']}.{c}" for n in nodes for c, column in n["columns"].items() if not column["description"]]
    assert blank == []
    marts = [n for n in nodes if n["resource_type"] == "model" and n["schema"] == "marts"]
    assert marts and all(n["config"]["contract"]["enforced"] for n in marts)
    untyped = [f"{n['name']}.{c}" for n in marts for c, column in n["columns"].items() if not column["data_type"]]
    assert untyped == []


def test_the_marts_declare_not_null_where_the_yaml_says(published_warehouse_file):
    """A mart column that may never be null is a contract constraint (marts/_marts.yml): DuckDB enforces it, and a
    BI tool sees the column declared NOT NULL. The published file declares exactly those columns, and refuses a
    null in one."""
    import yaml

    models = yaml.safe_load((PROJECT_ROOT / "dbt_project" / "models" / "marts" / "_marts.yml").read_text("utf-8"))
    declared = {
        (model["name"], column["name"])
        for model in models["models"]
        for column in model["columns"]
        if {"type": "not_null"} in column.get("constraints", [])
    }
    with duckdb.connect(str(published_warehouse_file), read_only=True) as conn:
        enforced = {
            (table, columns[0])
            for table, columns in conn.execute(
                "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                "WHERE schema_name = 'marts' AND constraint_type = 'NOT NULL'"
            ).fetchall()
        }
        [ddl] = conn.execute(
            "SELECT sql FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = 'dim_region'"
        ).fetchone()
    assert len(declared) > 50 and enforced == declared
    with duckdb.connect(":memory:") as conn:  # the published table's own DDL, empty: a null is refused
        conn.execute(ddl.replace("marts.dim_region", "dim_region"))
        with pytest.raises(duckdb.ConstraintException):
            conn.execute("INSERT INTO dim_region (region_code) VALUES (NULL)")


def test_one_name_for_one_thing_across_the_marts_and_views(published_warehouse_file):
    with duckdb.connect(str(published_warehouse_file), read_only=True) as conn:
        columns = conn.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE schema_name IN ('marts', 'analytics')"
        ).fetchall()
    by_relation: dict[str, set[str]] = {}
    for schema, table, column in columns:
        by_relation.setdefault(f"{schema}.{table}", set()).add(column)
    for relation, names in by_relation.items():
        stale = names & DEPRECATED
        if relation.startswith("marts."):
            assert not stale, (relation, stale)
        else:
            # an earlier name only beside the name that replaces it
            assert all(
                {
                    "document": "document_id",
                    "indicator_as_published": "indicator",
                    "indicator_name": "indicator_name_zh",
                }[n]
                in names
                for n in stale
            ), (relation, stale)
    changelog = (PROJECT_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in changelog for name in DEPRECATED)
    for relation, names in by_relation.items():
        if "region_code" in names and relation != "marts.dim_region":
            assert "region_name" in names, relation


def test_the_readme_lists_every_analytics_view_and_says_what_is_true(published_warehouse_file):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    with duckdb.connect(str(published_warehouse_file), read_only=True) as conn:
        views = {
            r[0]
            for r in conn.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'analytics'").fetchall()
        }
        marts = {
            r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        }
    row = next(line for line in readme.splitlines() if line.startswith("| `analytics` |"))
    assert set(re.findall(r"`(\w+)`", row.split("|")[2])) == views
    listed = {
        name
        for line in readme.splitlines()
        if line.startswith("| `marts` |")
        for name in re.findall(r"`(\w+)`", line.split("|")[2])
    }
    assert listed == marts
    assert "by exact indicator name for now" not in readme  # matched through the catalog, as the marts do


HEADER = (
    "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,"
    "source_url,published_date,source_fragment,note\n"
)
BAD = HEADER + "330300,温州市,市区空气质量优良率,2023,待公布,%,市区,year,normal,level,测试来源,,2024-03-01,,\n"
GOOD = HEADER + "330300,温州市,市区空气质量优良率,2023,95.1,%,市区,year,normal,level,测试来源,,2024-03-01,,\n"


def test_a_refusal_shows_while_it_applies_and_its_history_stays(workspace):
    import os

    actuals = workspace / "raw" / "actuals"
    (actuals / "fixed_later.csv").write_text(BAD, encoding="utf-8")
    (actuals / "removed_later.csv").write_text(BAD, encoding="utf-8")
    refresh()

    def query(sql):
        with duckdb.connect(os.environ["PLANWATCH_WAREHOUSE"], read_only=True) as conn:
            return conn.execute(sql).fetchall()

    assert sorted(r[0] for r in query("SELECT source_file FROM analytics.rejected_inputs")) == [
        "actuals/fixed_later.csv",
        "actuals/removed_later.csv",
    ]
    (actuals / "fixed_later.csv").write_text(GOOD, encoding="utf-8")
    (actuals / "removed_later.csv").unlink()
    refresh()
    assert query("SELECT source_file FROM analytics.rejected_inputs") == []
    assert sorted(query("SELECT source_file, resolution, is_current FROM analytics.rejection_history")) == [
        ("actuals/fixed_later.csv", "fixed", False),
        ("actuals/removed_later.csv", "removed", False),
    ]
