-- One row per plan (region × five-year period) that the documents publish figures for. A 十四五 document's
-- 十三五 completion table describes the region's 十三五 plan, whose own document is not in the warehouse.
with documents as (
    select * from {{ ref('stg_plan_documents') }}
),

tables as (
    select * from {{ ref('stg_plan_tables') }}
),

periods as (
    select * from {{ ref('plan_periods') }}
),

plans as (
    select
        documents.region_code,
        tables.plan_period,
        list(distinct documents.document_id order by documents.document_id) as documents,
        max(documents.plan_title) filter (where documents.plan_period = tables.plan_period) as plan_title,
        max(documents.document_id) filter (where documents.plan_period = tables.plan_period) as plan_document_id
    from tables
    inner join documents using (document_id)
    group by documents.region_code, tables.plan_period
)

select
    plans.region_code || '_' || periods.target_year as plan_id,
    plans.region_code,
    regions.region_name,
    plans.plan_period,
    periods.period_name_en,
    periods.period_start,
    periods.period_end,
    periods.base_year,
    periods.target_year,
    plans.plan_title,
    plans.plan_document_id,
    plans.plan_document_id is not null as plan_document_in_warehouse,
    array_to_string(plans.documents, ', ') as source_documents
from plans
inner join periods using (plan_period)
inner join {{ ref('dim_region') }} as regions using (region_code)
