-- Every version of every actual figure with when it was valid by publication (valid_from / valid_to) and when
-- the warehouse held it (loaded_from / loaded_to): the as-of view (docs/queries/08_actuals_as_of.sql).
select
    region_code,
    region_name,
    indicator,
    indicator_id,
    year,
    scope,
    period,
    period_date,
    raw_value,
    value,
    unit,
    status,
    source_title,
    source_url,
    published_date,
    source_file,
    source_row,
    valid_from,
    valid_to,
    loaded_from,
    loaded_to,
    is_current
from {{ ref('fct_actual_history') }}
