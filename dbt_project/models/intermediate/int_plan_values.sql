{{ config(
    materialized='incremental',
    unique_key='document_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_keys_gone('document_id', ref('stg_plan_documents')) }}"
) }}
-- Incremental by document (macros/incremental.sql), like stg_plan_cells.
-- One row per published value cell, with its row's descriptive cells, the reported status for its year and
-- its unit resolved by pw_resolve_unit (planwatch.values.resolve_unit): the unit column first, then a unit
-- printed in the name ("(%)"), then one printed inline ("95%"). A unit column holding "/" or "-" says "no unit".
with value_cells as (
    select * from {{ ref('stg_plan_cells') }}
    where column_role = 'value' and {{ changed_since_last_build('document_id', ref('stg_plan_documents')) }}
),

statuses as (
    select
        document_id,
        table_id,
        row_no,
        year,
        string_agg(cell_text, '; ' order by column_no) as reported_status
    from {{ ref('stg_plan_cells') }}
    where column_role = 'reported_status' and cell_text <> ''
        and {{ changed_since_last_build('document_id', ref('stg_plan_documents')) }}
    group by document_id, table_id, row_no, year
),

rows as (
    select * from {{ ref('int_plan_rows') }}
),

tables as (
    select * from {{ ref('stg_plan_tables') }}
),

documents as (
    select * from {{ ref('stg_plan_documents') }}
),

plans as (
    select * from {{ ref('int_plans') }}
),

with_rows as (
    select
        value_cells.*,
        rows.seq,
        rows.category,
        rows.subcategory,
        rows.indicator,
        rows.attribute,
        rows.unit_cell,
        rows.source_line as row_source_line
    from value_cells
    inner join rows using (document_id, table_id, row_no)
),

-- Each distinct (unit cell, name, inline unit) is resolved once: a national corpus has ~640k value cells but a
-- few thousand combinations, and a Python call per cell was most of this model's time.
units as (
    select
        unit_cell,
        indicator,
        inline_unit,
        pw_resolve_unit(unit_cell, indicator, inline_unit) as resolved_unit
    from (
        select distinct
            unit_cell,
            indicator,
            inline_unit
        from with_rows
    ) as distinct_units
),

resolved as (
    select
        with_rows.*,
        units.resolved_unit
    from with_rows
    left join units
        on units.unit_cell is not distinct from with_rows.unit_cell
            and units.indicator is not distinct from with_rows.indicator
            and units.inline_unit is not distinct from with_rows.inline_unit
)

select
    value_cells.document_id || '/' || value_cells.table_id || '/' || value_cells.row_no || '/'
    || value_cells.column_name as indicator_value_id,
    value_cells.document_id,
    documents.region_code,
    documents.region_name,
    documents.source_document,
    value_cells.table_id,
    tables.table_kind,
    tables.plan_period,
    plans.plan_id,
    plans.base_year as period_base_year,
    plans.target_year as period_target_year,
    value_cells.row_no,
    value_cells.seq,
    value_cells.category,
    value_cells.subcategory,
    value_cells.indicator,
    value_cells.attribute,
    value_cells.unit_cell,
    -- "万件" in a unit column scales the value like "4.3万件" inline would: the unit is 件, the multiplier 10^4.
    value_cells.resolved_unit.unit,
    value_cells.resolved_unit.as_published as unit_as_published,
    value_cells.resolved_unit.recognised as unit_recognised,
    coalesce(value_cells.resolved_unit.is_count, false) as unit_is_count,
    value_cells.resolved_unit.source as unit_source,
    value_cells.resolved_unit.conflict as unit_conflict,
    value_cells.column_name as value_column,
    value_cells.year,
    value_cells.value_kind,
    value_cells.cell_text as raw_value,
    value_cells.comparator,
    value_cells.number,
    value_cells.number_upper,
    value_cells.multiplier * value_cells.resolved_unit.multiplier as multiplier,
    {{ scale('value_cells.value', 'value_cells.resolved_unit.multiplier') }} as value,
    {{ scale('value_cells.value_upper', 'value_cells.resolved_unit.multiplier') }} as value_upper,
    value_cells.qualifier,
    value_cells.parse_note,
    statuses.reported_status,
    value_cells.row_source_line as source_line,
    value_cells._source_file,
    value_cells._source_row,
    value_cells._content_hash,
    value_cells._loaded_at
from resolved as value_cells
inner join documents using (document_id)
inner join tables using (document_id, table_id)
left join plans on value_cells.document_id = plans.document_id and value_cells.table_id = plans.table_id
left join statuses
    on value_cells.document_id = statuses.document_id
        and value_cells.table_id = statuses.table_id
        and value_cells.row_no = statuses.row_no
        and value_cells.year = statuses.year
