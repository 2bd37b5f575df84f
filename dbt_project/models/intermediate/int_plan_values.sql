-- One row per published value cell, with its row's descriptive cells, the reported status for its year and
-- its unit resolved: the unit column first, then a unit printed in the name ("(%)"), then one printed inline
-- ("95%"). A unit column holding "/" or "-" says "no unit".
with value_cells as (
    select * from {{ ref('stg_plan_cells') }} where column_role = 'value'
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
    group by document_id, table_id, row_no, year
),

rows as (
    select
        *,
        coalesce(unit_from_column, unit_from_name) as unit_printed,
        pw_parse_unit(coalesce(unit_from_column, unit_from_name)) as parsed_unit
    from (
        select
            *,
            case when trim(coalesce(unit_cell, '')) not in ('', '/', '-') then unit_cell end as unit_from_column,
            pw_unit_from_name(indicator) as unit_from_name
        from {{ ref('int_plan_rows') }}
    )
),

tables as (
    select * from {{ ref('stg_plan_tables') }}
),

periods as (
    select * from {{ ref('plan_periods') }}
)

select
    value_cells.document_id || '/' || value_cells.table_id || '/' || value_cells.row_no || '/'
        || value_cells.column_name as indicator_value_id,
    value_cells.document_id,
    value_cells.table_id,
    tables.table_kind,
    tables.plan_period,
    periods.base_year as period_base_year,
    periods.target_year as period_target_year,
    value_cells.row_no,
    rows.seq,
    rows.category,
    rows.subcategory,
    rows.indicator,
    rows.attribute,
    rows.unit_cell,
    coalesce(rows.unit_printed, value_cells.inline_unit) as unit_as_published,
    -- "万件" in a unit column scales the value like "4.3万件" inline would: the unit is 件, the multiplier 10^4.
    coalesce(rows.parsed_unit.unit, rows.unit_printed, value_cells.inline_unit) as unit,
    rows.unit_printed is null or rows.parsed_unit is not null as unit_recognised,
    case
        when rows.unit_from_column is not null then 'unit_column'
        when rows.unit_from_name is not null then 'indicator_name'
        when value_cells.inline_unit is not null then 'inline'
    end as unit_source,
    rows.unit_printed is not null
        and value_cells.inline_unit is not null
        and value_cells.inline_unit <> coalesce(rows.parsed_unit.unit, rows.unit_printed) as unit_conflict,
    value_cells.column_name as value_column,
    value_cells.year,
    value_cells.value_kind,
    value_cells.cell_text as raw_value,
    value_cells.comparator,
    value_cells.number,
    value_cells.number_upper,
    value_cells.multiplier * coalesce(rows.parsed_unit.multiplier, 1) as multiplier,
    {{ scale('value_cells.value', 'rows.parsed_unit.multiplier') }} as value,
    {{ scale('value_cells.value_upper', 'rows.parsed_unit.multiplier') }} as value_upper,
    value_cells.qualifier,
    value_cells.parse_note,
    statuses.reported_status,
    rows.source_line,
    value_cells._source_file,
    value_cells._source_row,
    value_cells._content_hash
from value_cells
inner join rows using (document_id, table_id, row_no)
inner join tables using (document_id, table_id)
left join periods on periods.plan_period = tables.plan_period
left join statuses
    on statuses.document_id = value_cells.document_id
    and statuses.table_id = value_cells.table_id
    and statuses.row_no = value_cells.row_no
    and statuses.year = value_cells.year
