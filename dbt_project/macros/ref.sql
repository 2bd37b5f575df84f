{#
  A view names what it reads without the database: "marts"."fct_actual", not "planwatch"."marts"."fct_actual".
  DuckDB binds a view's unqualified names in the view's own database, so the published file still reads when it is
  opened under another name - a kept version (versions/planwatch-<time>.duckdb), a copy an analyst renamed, a file
  ATTACHed under another alias. A database-qualified view fails there ("Catalog "planwatch" does not exist").
  Tables are unaffected: their SQL runs once, at build time.
#}
{% macro ref() %}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if config.get('materialized') == 'view' -%}
        {{ return(relation.include(database=False)) }}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}
