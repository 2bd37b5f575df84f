-- Every target beside the actual for its year, where one was published, with a computed verdict.
-- Actuals are matched through the canonical indicator catalog (indicator_id), in this order: the same row of the
-- same table (a 十三五 completion table); another table or prose result of the region's documents; raw/actuals
-- (whole-region, full-year figures only: a 市区 figure is never the region's). Values are compared in the
-- indicator's canonical unit.
with observations as (
    select * from {{ ref('int_observations') }}
),

targets as (
    select * from observations
    where source_kind = 'plan' and value_kind = 'target'
),

actuals as (
    select * from observations
    where value_kind = 'actual'
),

candidates as (
    select
        targets.observation_id as target_id,
        actuals.*,
        1 as priority,
        'same_row' as actual_source
    from targets
    inner join actuals
        on targets.document_id = actuals.document_id
            and targets.table_id = actuals.table_id
            and targets.row_no = actuals.row_no
            and targets.year = actuals.year
    union all
    select
        targets.observation_id,
        actuals.*,
        2,
        'plan_document'
    from targets
    inner join actuals
        on actuals.source_kind = 'plan'
            and targets.region_code = actuals.region_code
            and targets.indicator_id = actuals.indicator_id
            and targets.year = actuals.year
            and not (targets.document_id = actuals.document_id and targets.table_id = actuals.table_id)
    union all
    select
        targets.observation_id,
        actuals.*,
        3,
        'published_actual'
    from targets
    inner join actuals
        on actuals.source_kind = 'published_actual'
            and targets.region_code = actuals.region_code
            and targets.indicator_id = actuals.indicator_id
            and targets.year = actuals.year
            and actuals.is_whole_region
            and actuals.period = 'year'
),

best as (
    select * from candidates
    qualify row_number() over (partition by target_id order by priority, observation_id) = 1
),

joined as (
    select
        targets.*,
        {{ target_direction('targets.comparator', 'targets.direction') }} as target_direction,
        best.actual_source,
        best.observation_id as actual_id,
        best.raw_value as actual_raw_value,
        best.comparator as actual_comparator,
        best.canonical_value as actual_canonical_value,
        best.unit as actual_unit,
        best.scope as actual_scope,
        best.status as actual_status
    from targets
    left join best on targets.observation_id = best.target_id
),

judged as (
    select
        *,
        case
            when comparator = 'na' then 'no target value published'
            when comparator = 'qual' then 'qualitative target: no number to compare'
            when comparator = 'unparsed' then 'target text could not be parsed'
            when target_direction is null then 'direction of the indicator is unknown'
            when actual_id is null and indicator_id is null
                then 'the name has no catalog id yet, so no actual outside its own row can be matched '
                    || '(planwatch map accepts a proposal)'
            when actual_id is null then 'no actual published for ' || year
            when actual_canonical_value is null then 'actual is not a number: ' || coalesce(actual_raw_value, '')
        end as not_assessable_reason
    from joined
),

verdicts as (
    select
        observation_id as target_id,
        region_code,
        plan_id,
        plan_period,
        plan_target_year,
        document_id,
        table_id,
        row_no,
        category,
        indicator,
        indicator_id,
        canonical_unit,
        year,
        raw_value as target_raw_value,
        comparator as target_comparator,
        canonical_value as target_value,
        canonical_value_upper as target_value_upper,
        qualifier as target_qualifier,
        target_direction as direction,
        case
            when comparator in ('>=', '>', '<=', '<', 'range') then 'printed comparator'
            when target_direction is not null then 'catalog direction of ' || indicator_id
        end as direction_basis,
        actual_source,
        actual_id,
        actual_raw_value,
        actual_canonical_value as actual_value,
        actual_unit,
        actual_scope,
        actual_status,
        case when not_assessable_reason is null
                then {{ verdict('target_direction', 'canonical_value', 'canonical_value_upper', 'actual_canonical_value') }}
            else 'not_assessable'
        end as verdict,
        coalesce(
            not_assessable_reason,
            'actual ' || actual_raw_value || ' against target ' || raw_value
            || case when actual_status <> 'normal' then ' (actual is ' || actual_status || ')' else '' end
        ) as verdict_reason,
        case when not_assessable_reason is null
                then {{ exact_difference('actual_canonical_value', 'canonical_value') }}
        end as gap,
        reported_status,
        {{ reported_verdict('reported_status') }} as reported_verdict,
        source_line
    from judged
)

select
    verdicts.*,
    case when verdicts.indicator_id is not null then 'reviewed' else mapping_status.mapping_status end
        as mapping_status,
    regions.region_name,
    case
        when reported_verdict is null or verdict = 'not_assessable' then null
        else reported_verdict = verdict
    end as reported_status_agrees
from verdicts
left join {{ ref('dim_region') }} as regions using (region_code)
left join {{ ref('int_mapping_status') }} as mapping_status on verdicts.indicator = mapping_status.name_as_published
