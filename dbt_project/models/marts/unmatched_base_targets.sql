-- Targets for which no value at their plan's base year was found for their canonical indicator: the work list
-- for transcribing more actuals or reviewing the catalog; nothing here is matched by guessing. (Targets whose
-- name has no catalog id yet are in indicator_mapping_candidates.)
select
    target_id,
    plan_id,
    plan_base_year,
    region_code,
    region_name,
    document_id,
    table_id,
    row_no,
    category,
    indicator,
    indicator_id,
    unit,
    target_raw_value,
    target_comparator
from {{ ref('fct_target_vs_base_actual') }}
where not has_base_value
