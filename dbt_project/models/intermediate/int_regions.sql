-- One row per region named by the plan documents (grain: region_code): each plan's region, its parent city
-- and its province.
-- A region that has a plan of its own and is also another plan's parent or province is described by its own
-- plan (the fullest name); a province has no parent.
with documents as (
    select * from {{ ref('stg_plan_documents') }}
),

named as (
    select
        region_code,
        region_name,
        region_full_name,
        admin_level,
        case when admin_level = 'province' then null else parent_code end as parent_code,
        province_code,
        province_name,
        1 as source_rank
    from documents
    union all
    select
        parent_code,
        parent_name,
        parent_name,
        case when parent_code = province_code then 'province' else 'prefecture' end,
        case when parent_code = province_code then null else province_code end,
        province_code,
        province_name,
        2
    from documents
    where parent_code <> region_code
    union all
    select
        province_code,
        province_name,
        province_name,
        'province',
        null,
        province_code,
        province_name,
        3
    from documents
)

select
    region_code,
    region_name,
    region_full_name,
    admin_level,
    parent_code,
    province_code,
    province_name
from named
qualify row_number() over (
        partition by region_code order by source_rank, region_full_name, region_name, parent_code nulls last
    ) = 1
