-- Every 十四五 target beside the same region's 2020 value for that indicator, and the change required by the
-- target year. The 2020 value comes, in this order, from: the 十四五 table's own 2020 baseline (same row);
-- the region's 十三五 actual under the exact same indicator name; raw/actuals for 2020 under the exact same
-- name (whole region, full year). Unmatched targets are listed in unmatched_14th_targets.
with plan_values as (
    select * from {{ ref('fct_indicator_value') }}
),

targets as (
    select * from plan_values where value_kind = 'target' and plan_period = '十四五'
),

candidates as (
    select
        targets.indicator_value_id as target_id,
        1 as priority,
        'own_table_baseline' as base_source,
        base.indicator_value_id as base_id,
        base.raw_value,
        base.comparator,
        base.value,
        base.unit
    from targets
    inner join plan_values as base
        on base.document = targets.document
        and base.table_id = targets.table_id
        and base.row_no = targets.row_no
        and base.value_kind = 'baseline'
        and base.year = 2020
    union all
    select targets.indicator_value_id, 2, '13th_plan_actual', base.indicator_value_id, base.raw_value,
        base.comparator, base.value, base.unit
    from targets
    inner join plan_values as base
        on base.region_code = targets.region_code
        and base.indicator = targets.indicator
        and base.value_kind = 'actual'
        and base.year = 2020
    union all
    select targets.indicator_value_id, 3, 'published_actual', base.actual_id, base.raw_value,
        base.comparator, base.value, base.unit
    from targets
    inner join {{ ref('fct_actual') }} as base
        on base.region_code = targets.region_code
        and base.indicator = targets.indicator
        and base.year = 2020
        and base.is_whole_region
        and base.period = 'year'
),

best as (
    select * from candidates
    qualify row_number() over (partition by target_id order by priority, base_id) = 1
)

select
    targets.indicator_value_id as target_id,
    targets.region_code,
    targets.region_name,
    targets.plan_id,
    targets.document,
    targets.table_id,
    targets.row_no,
    targets.category,
    targets.indicator,
    targets.unit,
    targets.year as target_year,
    targets.raw_value as target_raw_value,
    targets.comparator as target_comparator,
    targets.value as target_value,
    targets.value_upper as target_value_upper,
    best.target_id is not null as has_2020_value,
    best.base_source,
    best.base_id,
    2020 as base_year,
    best.raw_value as base_raw_value,
    best.comparator as base_comparator,
    best.value as base_value,
    best.unit as base_unit,
    case
        when targets.value is not null and best.value is not null
            and (targets.unit is null or best.unit is null or targets.unit = best.unit)
            then {{ exact_difference('targets.value', 'best.value') }}
    end as required_change,
    case
        when targets.value is not null and best.value is not null and best.value <> 0
            and (targets.unit is null or best.unit is null or targets.unit = best.unit)
            then {{ exact_difference('targets.value', 'best.value') }} / abs(best.value)
    end as required_change_ratio,
    targets.source_line
from targets
left join best on best.target_id = targets.indicator_value_id
