-- One canonical indicator across regions: each region's 十四五 target, its 2020 value and its latest
-- whole-region actual side by side, in the indicator's canonical unit.
select
    progress.indicator_id,
    catalog.name_zh as indicator_name,
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
    progress.base_value as value_2020,
    progress.base_source as value_2020_source,
    progress.latest_year,
    progress.latest_value,
    progress.status,
    progress.target_id
from {{ ref('fct_target_progress') }} as progress
inner join {{ ref('indicator_catalog') }} as catalog using (indicator_id)
left join {{ ref('dim_region') }} as regions using (region_code)
