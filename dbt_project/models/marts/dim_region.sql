-- Regions named by the plan documents: each plan's region, its parent city and its province.
with documents as (
    select * from {{ ref('stg_plan_documents') }}
),

named as (
    select region_code, region_name, region_full_name, admin_level, parent_code, province_code, province_name
    from documents
    union all
    select
        parent_code,
        parent_name,
        parent_name,
        case when parent_code = province_code then 'province' else 'prefecture' end,
        case when parent_code = province_code then null else province_code end,
        province_code,
        province_name
    from documents
    union all
    select province_code, province_name, province_name, 'province', null, province_code, province_name
    from documents
)

select distinct
    region_code,
    region_name,
    region_full_name,
    admin_level,
    parent_code,
    province_code,
    province_name
from named
