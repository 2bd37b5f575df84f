"""BI tools (Superset, Metabase via SQLAlchemy / JDBC) connect read-only to the published file and run the
README's queries."""

import pytest
from sqlalchemy import create_engine, inspect, text

from conftest import PROJECT_ROOT

QUERIES = sorted((PROJECT_ROOT / "docs" / "queries").glob("*.sql"))


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_readme_queries_through_sqlalchemy_read_only(published_warehouse_file, query):
    engine = create_engine(f"duckdb:///{published_warehouse_file}", connect_args={"read_only": True})
    with engine.connect() as conn:
        rows = conn.execute(text(query.read_text(encoding="utf-8"))).fetchall()
    engine.dispose()
    assert rows


def test_the_analytics_schema_is_visible_to_a_bi_tool(published_warehouse_file):
    engine = create_engine(f"duckdb:///{published_warehouse_file}", connect_args={"read_only": True})
    inspector = inspect(engine)
    assert {"completion_13th", "indicator_values", "target_progress"} <= set(inspector.get_view_names("analytics"))
    with engine.connect() as conn, pytest.raises(Exception, match="read-only"):
        conn.execute(text("CREATE TABLE analytics.scratch (x INTEGER)"))
    engine.dispose()
