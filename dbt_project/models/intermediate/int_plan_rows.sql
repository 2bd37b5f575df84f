-- One row per published table row: the descriptive cells (category, indicator, unit ...) side by side.
select
    document_id,
    table_id,
    row_no,
    min(source_line) as source_line,
    max(cell_text) filter (where column_role = 'seq') as seq,
    max(cell_text) filter (where column_role = 'category') as category,
    max(cell_text) filter (where column_role = 'subcategory') as subcategory,
    max(cell_text) filter (where column_role = 'indicator') as indicator,
    max(cell_text) filter (where column_role = 'unit') as unit_cell,
    max(cell_text) filter (where column_role = 'attribute') as attribute,
    string_agg(cell_text, '; ' order by column_no) filter (where column_role = 'note' and cell_text <> '') as note
from {{ ref('stg_plan_cells') }}
group by document_id, table_id, row_no
