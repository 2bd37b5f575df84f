-- One canonical indicator across regions: each region's target of each plan, the value at that plan's base year
-- and its latest whole-region actual side by side, in the indicator's canonical unit. Names without a catalog id
-- are not here (nothing to compare them by).
select
    progress.indicator_id,
    progress.indicator,
    catalog.name_zh as indicator_name_zh,
    catalog.name_en as indicator_name_en,
    catalog.canonical_unit,
    catalog.direction,
    progress.region_code,
    progress.region_name,
    regions.admin_level,
    regions.province_name,
    progress.target_raw_value,
    progress.target_value,
    progress.target_year,
    progress.plan_id,
    progress.plan_period,
    progress.plan_base_year,
    progress.base_value,
    progress.base_source,
    case when progress.plan_base_year = 2020 then progress.base_value end as value_2020,
    case when progress.plan_base_year = 2020 then progress.base_source end as value_2020_source,
    progress.latest_year,
    progress.latest_value,
    progress.status,
    progress.target_id
from {{ ref('fct_target_progress') }} as progress
inner join {{ ref('int_indicator_catalog') }} as catalog using (indicator_id)
left join {{ ref('dim_region') }} as regions using (region_code)
