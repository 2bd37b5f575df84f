-- One row per target with a canonical indicator, of every plan (十三五, 十四五, 十五五, a three-year 行动计划 …),
-- measured from its own plan's base year to its own target year (int_plans): the base-year value, the latest
-- whole-region full-year actual after it, the target, the value the straight path expects for the latest year,
-- and the status by the Open SDG progress measure (pw_assess_progress = planwatch.progress.assess;
-- docs/methodology.md). A target whose name has no catalog id yet is left out (it is in fct_target_vs_actual).
with observations as (
    select * from {{ ref('int_observations') }}
),

targets as (
    select * from observations
    where source_kind = 'plan' and value_kind = 'target' and indicator_id is not null
),

baselines as (
    -- at the plan's base year: the target's own table's base column first, then an actual of the region's plan
    -- documents (a 十三五 completion table's 2020 value for a 十四五 plan), then a published figure
    select
        targets.observation_id as target_id,
        base.canonical_value,
        base.year,
        base.raw_value,
        1 as priority,
        'own_table_baseline' as base_source
    from targets
    inner join observations as base
        on targets.document_id = base.document_id and targets.table_id = base.table_id and targets.row_no = base.row_no
            and base.value_kind = 'baseline'
    union all
    select
        targets.observation_id,
        base.canonical_value,
        base.year,
        base.raw_value,
        2,
        'plan_document_actual'
    from targets
    inner join observations as base
        on base.source_kind = 'plan' and base.value_kind = 'actual' and targets.plan_base_year = base.year
            and targets.region_code = base.region_code and targets.indicator_id = base.indicator_id
    union all
    select
        targets.observation_id,
        base.canonical_value,
        base.year,
        base.raw_value,
        3,
        'published_actual'
    from targets
    inner join observations as base
        on base.source_kind = 'published_actual' and targets.plan_base_year = base.year and base.is_whole_region
            and base.period = 'year' and targets.region_code = base.region_code
            and targets.indicator_id = base.indicator_id
),

base as (
    -- each target's base value: the first of its baselines by priority
    select * from baselines
    qualify row_number() over (partition by target_id order by priority) = 1
),

latest as (
    -- the most recent whole-region, full-year figure after the base year, up to the target year: a published
    -- figure, or an actual printed in the region's plan documents (a completion table's); 市区 figures and
    -- half-year figures are not used. Of one year, the target's own row first, then a published figure.
    select
        targets.observation_id as target_id,
        actual.canonical_value,
        actual.year,
        actual.raw_value,
        actual.scope,
        actual.status,
        actual.observation_id as actual_id
    from targets
    inner join observations as actual
        on actual.value_kind = 'actual' and targets.plan_base_year < actual.year and targets.year >= actual.year
            and actual.is_whole_region and actual.period = 'year'
            and targets.region_code = actual.region_code and targets.indicator_id = actual.indicator_id
    qualify row_number() over (
            partition by targets.observation_id
            order by
                actual.year desc,
                actual.document_id is not distinct from targets.document_id and actual.table_id = targets.table_id
                and actual.row_no = targets.row_no desc,
                actual.source_kind = 'published_actual' desc,
                actual.observation_id
        ) = 1
),

assessed as (
    select
        targets.*,
        base.base_source,
        base.year as base_year,
        base.raw_value as base_raw_value,
        base.canonical_value as base_value,
        latest.year as latest_year,
        latest.raw_value as latest_raw_value,
        latest.canonical_value as latest_value,
        latest.scope as latest_scope,
        latest.status as latest_status,
        latest.actual_id as latest_actual_id,
        {{ target_direction('targets.comparator', 'targets.direction') }} as target_direction
    from targets
    left join base on targets.observation_id = base.target_id
    left join latest on targets.observation_id = latest.target_id
),

starts as (
    -- A 新增 target counts what is new within its plan's period: it starts from 0 at the base year, whatever the
    -- period before added (that figure is a flow of another period, shown as base_value but not used as the start).
    select
        *,
        case when accumulation = 'new' then plan_base_year else base_year end as progress_base_year,
        case when accumulation = 'new' then 0.0 else base_value end as progress_base_value
    from assessed
),

progress as (
    select
        *,
        -- Open SDG: the latest year with data is "current"; with nothing after the base year that is the base
        -- itself, so a target already met then is achieved and any other gets "only one data point"
        pw_assess_progress(
            progress_base_year, progress_base_value,
            coalesce(latest_year, progress_base_year), coalesce(latest_value, progress_base_value),
            year, canonical_value,
            target_direction,  -- the comparator form: planwatch.progress.WAY reads it
            canonical_value_upper,
            accumulation,
            case when canonical_unit = '%' then 100.0 end
        ) as assessment
    from starts
)

select
    observation_id as target_id,
    region_code,
    regions.region_name,
    plan_id,
    plan_period,
    plan_base_year,
    plan_target_year,
    indicator_id,
    indicator,
    category,
    canonical_unit,
    accumulation,
    base_source,
    base_year,
    base_raw_value,
    base_value,
    progress_base_value,
    latest_year,
    latest_raw_value,
    latest_value,
    latest_scope,
    latest_status,
    latest_actual_id,
    comparator as target_comparator,
    raw_value as target_raw_value,
    canonical_value as target_value,
    canonical_value_upper as target_value_upper,
    year as target_year,
    assessment.expected as expected_on_path,
    assessment.method,
    case
        when comparator = 'qual' then 'not_assessable'
        else assessment.status
    end as status,
    case
        when comparator = 'qual' then 'qualitative target: no number to measure progress by'
        else assessment.reason
    end as status_reason,
    assessment.ratio as progress_ratio,
    assessment.score,
    document_id,
    table_id,
    row_no,
    source_line
from progress
left join {{ ref('dim_region') }} as regions using (region_code)
