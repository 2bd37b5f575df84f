-- 十四五 targets for which no 2020 value was found for their canonical indicator (or that have no catalog id):
-- the work list for transcribing more actuals or reviewing the catalog; nothing here is matched by guessing.
select
    target_id,
    region_code,
    region_name,
    document,
    table_id,
    row_no,
    category,
    indicator,
    indicator_id,
    unit,
    target_raw_value,
    target_comparator
from {{ ref('fct_target_vs_13th_actual') }}
where not has_2020_value
