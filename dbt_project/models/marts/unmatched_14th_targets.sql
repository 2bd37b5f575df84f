-- 十四五 targets for which no 2020 value was found under the exact same indicator name: the work list for the
-- canonical indicator catalog (never matched by guessing here).
select
    target_id,
    region_code,
    region_name,
    document,
    table_id,
    row_no,
    category,
    indicator,
    unit,
    target_raw_value,
    target_comparator
from {{ ref('fct_target_vs_13th_actual') }}
where not has_2020_value
