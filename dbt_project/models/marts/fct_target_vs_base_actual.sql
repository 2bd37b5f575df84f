-- Every target with a canonical indicator beside the same region's value at its plan's base year (2020 for a
-- 十四五 plan, 2025 for a 十五五 plan, 2015 for a 2016-2018 action plan) and the change required by the target
-- year. The base value is matched through the catalog: the target's own table's base column, else an actual of
-- the region's plan documents, else a published whole-region figure (see fct_target_progress, which holds the
-- same match). Targets with no base value are listed in unmatched_base_targets.
select
    target_id,
    region_code,
    region_name,
    plan_id,
    document_id,
    table_id,
    row_no,
    category,
    indicator,
    indicator_id,
    canonical_unit as unit,
    target_year,
    target_raw_value,
    target_comparator,
    target_value,
    target_value_upper,
    plan_period,
    plan_base_year,
    plan_target_year,
    base_value is not null as has_base_value,
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
