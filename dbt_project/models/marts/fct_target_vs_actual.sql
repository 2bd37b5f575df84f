-- Every target beside the actual for its year, where one was published, with a computed verdict.
-- The actual is taken, in this order, from: the same row of the same table (a 十三五 completion table);
-- another table of the region's documents under the exact same indicator name; raw/actuals under the exact
-- same name, whole-region scope and a full-year period only. Names are matched exactly for now; a canonical
-- indicator catalog will match synonyms.
with plan_values as (
    select * from {{ ref('fct_indicator_value') }}
),

targets as (
    select * from plan_values where value_kind = 'target'
),

candidates as (
    select
        targets.indicator_value_id as target_id,
        1 as priority,
        'same_row' as actual_source,
        actuals.indicator_value_id as actual_id,
        actuals.raw_value,
        actuals.comparator,
        actuals.value,
        actuals.unit,
        '全域' as scope,
        'normal' as status
    from targets
    inner join plan_values as actuals
        on actuals.document = targets.document
        and actuals.table_id = targets.table_id
        and actuals.row_no = targets.row_no
        and actuals.value_kind = 'actual'
        and actuals.year = targets.year
    union all
    select
        targets.indicator_value_id,
        2,
        'plan_document',
        actuals.indicator_value_id,
        actuals.raw_value,
        actuals.comparator,
        actuals.value,
        actuals.unit,
        '全域',
        'normal'
    from targets
    inner join plan_values as actuals
        on actuals.region_code = targets.region_code
        and actuals.indicator = targets.indicator
        and actuals.value_kind = 'actual'
        and actuals.year = targets.year
        and not (actuals.document = targets.document and actuals.table_id = targets.table_id)
    union all
    select
        targets.indicator_value_id,
        3,
        'published_actual',
        actuals.actual_id,
        actuals.raw_value,
        actuals.comparator,
        actuals.value,
        actuals.unit,
        actuals.scope,
        actuals.status
    from targets
    inner join {{ ref('fct_actual') }} as actuals
        on actuals.region_code = targets.region_code
        and actuals.indicator = targets.indicator
        and actuals.year = targets.year
        and actuals.is_whole_region
        and actuals.period = 'year'
),

best as (
    select * from candidates
    qualify row_number() over (partition by target_id order by priority, actual_id) = 1
),

joined as (
    select
        targets.*,
        {{ target_direction('targets.comparator', 'targets.indicator', 'targets.unit') }} as direction,
        best.actual_source,
        best.actual_id,
        best.raw_value as actual_raw_value,
        best.comparator as actual_comparator,
        best.value as actual_value,
        best.unit as actual_unit,
        best.scope as actual_scope,
        best.status as actual_status
    from targets
    left join best on best.target_id = targets.indicator_value_id
),

judged as (
    select
        *,
        case
            when comparator = 'na' then 'no target value published'
            when comparator = 'qual' then 'qualitative target: no number to compare'
            when comparator = 'unparsed' then 'target text could not be parsed'
            when actual_id is null then 'no actual published for ' || year
            when actual_value is null then 'actual is not a number: ' || coalesce(actual_raw_value, '')
            when unit is not null and actual_unit is not null and unit <> actual_unit
                then 'units differ: target ' || unit || ', actual ' || actual_unit
        end as not_assessable_reason
    from joined
),

verdicts as (
    select
        indicator_value_id as target_id,
        region_code,
        region_name,
        plan_id,
        plan_period,
        document,
        table_id,
        row_no,
        category,
        indicator,
        unit,
        year,
        raw_value as target_raw_value,
        comparator as target_comparator,
        value as target_value,
        value_upper as target_value_upper,
        qualifier as target_qualifier,
        direction,
        case
            when comparator in ('>=', '>', '<=', '<', 'range') then 'printed comparator'
            when direction is not null then 'assumed from the indicator (no comparator printed)'
        end as direction_basis,
        actual_source,
        actual_id,
        actual_raw_value,
        actual_value,
        actual_unit,
        actual_scope,
        actual_status,
        case when not_assessable_reason is null
            then {{ verdict('direction', 'value', 'value_upper', 'actual_value') }}
            else 'not_assessable'
        end as verdict,
        coalesce(
            not_assessable_reason,
            'actual ' || actual_raw_value || ' against target ' || raw_value
        ) as verdict_reason,
        case when not_assessable_reason is null then {{ exact_difference('actual_value', 'value') }} end as gap,
        reported_status,
        case
            when regexp_matches(reported_status, '^未完成') then 'not_met'
            when regexp_matches(reported_status, '^(已)?完成') then 'met'
        end as reported_verdict,
        source_line
    from judged
)

select
    *,
    case
        when reported_verdict is null or verdict = 'not_assessable' then null
        else reported_verdict = verdict
    end as reported_status_agrees
from verdicts
