{{ config(
    materialized='incremental',
    unique_key='document_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_keys_gone('document_id', source('raw', 'plan_documents')) }}"
) }}
-- Incremental by document (macros/incremental.sql): only documents loaded since the last build are parsed again.
-- Every cell with the role its column plays; value cells parsed by the project's one parser
-- (pw_parse_value = planwatch.values.parse_value). Each distinct text is parsed once.
with cells as (
    select * from {{ source('raw', 'plan_cells') }}
    where {{ changed_since_last_build('document_id', source('raw', 'plan_documents')) }}
),

columns as (
    select * from {{ source('raw', 'plan_columns') }}
),

joined as (
    select
        cells.document_id,
        cells.table_id,
        cells.row_no,
        columns.column_no,
        cells.column_name,
        columns.role as column_role,
        columns.value_kind,
        columns.year,
        cells.cell_text,
        cells.source_line,
        cells._source_file,
        cells._source_row,
        cells._content_hash,
        cells._loaded_at
    from cells
    inner join columns using (document_id, table_id, column_name)
),

parsed as (
    select
        cell_text,
        pw_parse_value(cell_text) as parsed
    from (
        select distinct coalesce(cell_text, '') as cell_text from joined
        where column_role = 'value'
    ) as distinct_values
)

select
    joined.document_id,
    joined.table_id,
    joined.row_no,
    joined.column_no,
    joined.column_name,
    joined.column_role,
    joined.value_kind,
    joined.year,
    joined.cell_text,
    parsed.parsed.comparator,
    parsed.parsed.number,
    parsed.parsed.upper as number_upper,
    parsed.parsed.multiplier,
    parsed.parsed.value,
    parsed.parsed.value_upper,
    parsed.parsed.unit as inline_unit,
    parsed.parsed.qualifier,
    parsed.parsed.note as parse_note,
    joined.source_line,
    joined._source_file,
    joined._source_row,
    joined._content_hash,
    joined._loaded_at
from joined
left join parsed
    on joined.column_role = 'value' and coalesce(joined.cell_text, '') = parsed.cell_text
