-- Every 十四五 target beside the same region's 2020 value for that indicator and the change required by 2025.
-- The 2020 value is matched through the canonical indicator catalog: the target's own table's 2020 column, else
-- the region's 十三五 actual, else a published whole-region 2020 figure (see fct_target_progress, which holds the
-- same match). Targets with no 2020 value are listed in unmatched_14th_targets.
select
    target_id,
    region_code,
    region_name,
    plan_id,
    document,
    table_id,
    row_no,
    category,
    indicator_as_published as indicator,
    indicator_id,
    canonical_unit as unit,
    target_year,
    target_raw_value,
    target_comparator,
    target_value,
    target_value_upper,
    base_value is not null as has_2020_value,
    base_source,
    base_year,
    base_raw_value,
    base_value,
    accumulation,
    -- a 新增 target is all new within the period: it starts from 0, not from the 十三五 period's own additions
    case when target_value is not null and progress_base_value is not null
        then {{ exact_difference('target_value', 'progress_base_value') }}
    end as required_change,
    case when target_value is not null and progress_base_value is not null and progress_base_value <> 0
        then {{ exact_difference('target_value', 'progress_base_value') }} / abs(progress_base_value)
    end as required_change_ratio,
    source_line
from {{ ref('fct_target_progress') }}
