-- Which plan each table of a document is about, and that plan's years. Grain: one row per (document, table).
-- A plan is its document: the tables whose period is the document's own (a 十四五 规划's targets, a 2016-2018
-- 行动计划's) belong to the document, with the years its manifest gives (base_year, target_year: 2015 and 2018 for
-- a three-year plan, 2025 and 2030 for a 十五五 plan). A table of another period (a 十四五 document's 十三五
-- completion table) describes the region's plan of that period: the one document of that region and period when
-- the warehouse holds exactly one, else a plan without a document, `<region>_<period>`, with the period's years
-- (seeds/plan_periods.csv). So a region's 规划 and its 实施方案 of one horizon stay two plans.
with documents as (
    select * from {{ ref('stg_plan_documents') }}
),

tables as (
    select * from {{ ref('stg_plan_tables') }}
),

periods as (
    select * from {{ ref('plan_periods') }}
),

documents_of_period as (
    select
        region_code,
        plan_period,
        min(document_id) as document_id,
        count(*) as documents
    from documents
    group by region_code, plan_period
),

placed as (
    select
        tables.document_id,
        tables.table_id,
        documents.region_code,
        tables.plan_period,
        tables.plan_period = documents.plan_period as is_document_plan,
        case
            when tables.plan_period = documents.plan_period then tables.document_id
            when others.documents = 1 then others.document_id
        end as plan_document_id
    from tables
    inner join documents using (document_id)
    left join documents_of_period as others
        on documents.region_code = others.region_code and tables.plan_period = others.plan_period
)

select
    placed.document_id,
    placed.table_id,
    coalesce(placed.plan_document_id, placed.region_code || '_' || placed.plan_period) as plan_id,
    placed.plan_document_id,
    placed.is_document_plan,
    placed.region_code,
    placed.plan_period,
    coalesce(plan_documents.period_start, periods.period_start) as period_start,
    coalesce(plan_documents.period_end, periods.period_end) as period_end,
    coalesce(plan_documents.base_year, periods.base_year) as base_year,
    coalesce(plan_documents.target_year, periods.target_year) as target_year,
    plan_documents.plan_title
from placed
left join documents as plan_documents on placed.plan_document_id = plan_documents.document_id
left join periods on placed.plan_period = periods.plan_period
