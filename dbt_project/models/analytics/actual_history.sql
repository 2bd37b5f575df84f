-- Every version of every actual figure, with the period during which the warehouse held it: the as-of view.
select
    h.region_code,
    coalesce(r.region_name, h.region_name) as region_name,
    h.indicator,
    o.indicator_id,
    h.year,
    h.scope,
    h.period,
    h.raw_value,
    h.value,
    h.unit,
    h.status,
    h.source_title,
    h.source_url,
    h.published_date,
    h._source_file as source_file,
    h._source_row as source_row,
    h.dbt_valid_from as valid_from,
    h.dbt_valid_to as valid_to,
    h.dbt_valid_to is null as is_current
from {{ ref('actuals_history') }} as h
left join {{ ref('dim_region') }} as r using (region_code)
left join (select distinct indicator, indicator_id from {{ ref('int_observations') }} where source_kind = 'published_actual') as o
    using (indicator)
