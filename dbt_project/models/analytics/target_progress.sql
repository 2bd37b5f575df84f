select
    p.region_code,
    p.region_name,
    r.province_name,
    p.indicator_id,
    c.name_zh as indicator_name_zh,
    c.name_zh as indicator_name,  -- the earlier name, kept for one release (CHANGELOG.md)
    c.name_en as indicator_name_en,
    c.domain,
    p.indicator,
    p.indicator as indicator_as_published,  -- the earlier name, kept for one release (CHANGELOG.md)
    p.canonical_unit as unit,
    p.base_year,
    p.base_value,
    p.latest_year,
    p.latest_value,
    p.target_raw_value,
    p.target_value,
    p.target_year,
    p.expected_on_path,
    p.status,
    p.status_reason,
    p.score
from {{ ref('fct_target_progress') }} as p
left join {{ ref('dim_indicator') }} as c using (indicator_id)
left join {{ ref('dim_region') }} as r using (region_code)
