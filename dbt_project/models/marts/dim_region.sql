-- Regions named by the plan documents (built in int_regions), as the analysts' contract publishes them.
select
    region_code,
    region_name,
    region_full_name,
    admin_level,
    parent_code,
    province_code,
    province_name
from {{ ref('int_regions') }}
