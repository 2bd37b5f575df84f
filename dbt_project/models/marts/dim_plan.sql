-- One row per plan the warehouse holds figures for (int_plans: a plan is its document; a table of another
-- period, such as a 十四五 document's 十三五 completion table, describes that period's plan of the region, whose
-- own document may not be in the warehouse: plan_document_in_warehouse = false).
with plans as (
    select * from {{ ref('int_plans') }}
),

periods as (
    select * from {{ ref('plan_periods') }}
)

select
    plans.plan_id,
    plans.region_code,
    regions.region_name,
    plans.plan_period,
    coalesce(periods.period_name_en, 'beyond the five-year periods') as period_name_en,
    any_value(plans.period_start) as period_start,
    any_value(plans.period_end) as period_end,
    any_value(plans.base_year) as base_year,
    any_value(plans.target_year) as target_year,
    any_value(plans.plan_title) as plan_title,
    any_value(plans.plan_document_id) as plan_document_id,
    any_value(plans.plan_document_id) is not null as plan_document_in_warehouse,
    string_agg(distinct plans.document_id, ', ' order by plans.document_id) as source_documents
from plans
inner join {{ ref('dim_region') }} as regions using (region_code)
left join periods using (plan_period)
group by plans.plan_id, plans.region_code, regions.region_name, plans.plan_period, periods.period_name_en
