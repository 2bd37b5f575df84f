select
    v.region_code,
    v.region_name,
    r.province_name,
    v.plan_period,
    v.document_id,
    v.document_id as document,  -- the earlier name, kept for one release (CHANGELOG.md)
    v.table_id,
    v.category,
    v.indicator,
    v.indicator_id,
    v.mapping_status,
    v.plan_id,
    c.name_en as indicator_name_en,
    c.domain,
    v.year,
    v.value_kind,
    v.raw_value,
    v.comparator,
    v.canonical_value as value,
    v.canonical_value_upper as value_upper,
    v.canonical_unit as unit,
    v.reported_status,
    v.source_document,
    v.source_line
from {{ ref('fct_indicator_value') }} as v
left join {{ ref('dim_indicator') }} as c using (indicator_id)
left join {{ ref('dim_region') }} as r using (region_code)
