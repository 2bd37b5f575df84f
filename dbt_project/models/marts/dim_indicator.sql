-- The indicator catalog (指标目录) as the marts use it: the reviewed seed and the entries analysts defined in
-- raw/mappings (built in int_indicator_catalog). One row per indicator_id; the analytics views name indicators
-- from here.
select
    indicator_id,
    name_zh,
    name_en,
    domain,
    measure_type,
    canonical_unit,
    direction,
    accumulation,
    valid_min,
    valid_max,
    catalog_source,
    note
from {{ ref('int_indicator_catalog') }}
