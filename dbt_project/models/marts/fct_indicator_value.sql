-- The analysts' contract: one row per value published in a plan table, 专栏 box or prose target, with the
-- text as printed (raw_value) beside its parse.
with plan_values as (
    select * from {{ ref('int_plan_values') }}
),

observations as (
    select * from {{ ref('int_observations') }}
    where source_kind = 'plan'
),

mapping_status as (
    select * from {{ ref('int_mapping_status') }}
)

select
    plan_values.indicator_value_id,
    plan_values.region_code,
    plan_values.region_name,
    plan_values.plan_period,
    plan_values.plan_id,
    plan_values.document_id,
    plan_values.source_document,
    plan_values.table_id,
    plan_values.table_kind,
    plan_values.row_no,
    plan_values.seq,
    plan_values.category,
    plan_values.subcategory,
    plan_values.indicator,
    observations.indicator_id,
    case when observations.indicator_id is not null then 'reviewed' else mapping_status.mapping_status end
        as mapping_status,
    plan_values.unit,
    plan_values.unit_as_published,
    plan_values.unit_source,
    plan_values.unit_recognised,
    plan_values.unit_is_count,
    plan_values.unit_conflict,
    plan_values.year,
    plan_values.value_kind,
    plan_values.value_column,
    plan_values.raw_value,
    plan_values.comparator,
    plan_values.number,
    plan_values.multiplier,
    plan_values.value,
    plan_values.value_upper,
    observations.canonical_unit,
    observations.canonical_value,
    observations.canonical_value_upper,
    observations.unit_assumed,
    observations.unit_convertible,
    plan_values.qualifier,
    plan_values.comparator = 'unparsed' as is_unparsed,
    plan_values.parse_note,
    plan_values.reported_status,
    plan_values.attribute,
    plan_values.period_base_year,
    plan_values.period_target_year,
    plan_values.source_line,
    plan_values._source_file as source_file,
    plan_values._source_row as source_row
from plan_values
left join observations on plan_values.indicator_value_id = observations.observation_id
left join mapping_status on plan_values.indicator = mapping_status.name_as_published
