-- Every published figure in one long table - plan values (targets, actuals, baselines) and published actuals -
-- mapped to the canonical indicator catalog through the reviewed aliases (int_indicator_aliases; a name with none
-- has indicator_id null and stays out of the cross-region marts), and converted to the indicator's
-- canonical unit. A value printed without a unit takes the indicator's unit (unit_assumed); counts printed with
-- another measure word (个 / 家 / 项 …, seeds/count_measure_words.csv) are the same count; other units convert
-- through seeds/unit_conversions.csv (a row may be limited to one indicator). A unit that cannot be converted
-- keeps canonical_value null and unit_convertible false (a GX check stops it).
with plan_values as (
    select
        values.indicator_value_id as observation_id,
        'plan' as source_kind,
        values.region_code,
        values.document_id,
        values.table_id,
        values.row_no,
        values.plan_id,
        values.plan_period,
        values.period_base_year as plan_base_year,
        values.period_target_year as plan_target_year,
        values.category,
        values.indicator,
        values.year,
        values.value_kind,
        values.raw_value,
        values.comparator,
        values.value,
        values.value_upper,
        values.qualifier,
        values.unit,
        '全域' as scope,
        'whole_region' as scope_class,
        'year' as period,
        'normal' as status,
        values.reported_status,
        values.source_line
    from {{ ref('int_plan_values') }} as values
),

-- A published actual belongs to no document or plan: those columns are null for it (union by name).
published_actuals as (
    select
        _source_file || '#' || _source_row as observation_id,
        'published_actual' as source_kind,
        region_code,
        indicator,
        year,
        'actual' as value_kind,
        raw_value,
        comparator,
        value,
        unit,
        scope,
        scope_class,
        period,
        status
    from {{ ref('int_actuals') }}
),

observations as (
    select * from plan_values
    union all by name
    select * from published_actuals
),

-- The most specific reviewed mapping of each figure's name: for its table, then its document, then anywhere; of
-- two equally specific ones the analysts' (raw/mappings) over the seed's.
mapping as (
    select
        observations.observation_id,
        aliases.indicator_id
    from observations
    inner join {{ ref('int_indicator_aliases') }} as aliases
        on observations.indicator = aliases.name_as_published
            and (aliases.document_id is null or observations.document_id = aliases.document_id)
            and (aliases.table_id is null or observations.table_id = aliases.table_id)
    qualify row_number() over (
            partition by observations.observation_id
            order by
                aliases.table_id is not null desc, aliases.document_id is not null desc, aliases.source_rank asc,
                aliases.indicator_id asc
        ) = 1
),

mapped as (
    select
        observations.*,
        mapping.indicator_id,
        catalog.measure_type,
        catalog.canonical_unit,
        catalog.direction,
        catalog.accumulation,
        catalog.valid_min,
        catalog.valid_max,
        coalesce(observations.unit, nullif(catalog.canonical_unit, '')) as unit_used,
        observations.unit is null and nullif(catalog.canonical_unit, '') is not null as unit_assumed
    from observations
    left join mapping using (observation_id)
    left join {{ ref('int_indicator_catalog') }} as catalog using (indicator_id)
),

count_words as (
    select unit from {{ ref('count_measure_words') }}
),

converted as (
    select
        mapped.*,
        case
            -- parenthesised: sqlfluff's duckdb grammar cannot read IS NOT DISTINCT FROM bare inside WHEN
            when (mapped.unit_used is not distinct from nullif(mapped.canonical_unit, '')) then 1.0
            when mapped.measure_type = 'count'
                and mapped.unit_used in (select unit from count_words)
                and mapped.canonical_unit in (select unit from count_words) then 1.0
            else conversions.factor
        end as unit_factor
    from mapped
    left join {{ ref('unit_conversions') }} as conversions
        on mapped.unit_used = conversions.from_unit
            and mapped.canonical_unit = conversions.to_unit
            and (conversions.indicator_id is null or mapped.indicator_id = conversions.indicator_id)
)

select
    observation_id,
    source_kind,
    region_code,
    document_id,
    table_id,
    row_no,
    plan_id,
    plan_period,
    plan_base_year,
    plan_target_year,
    category,
    indicator,
    indicator_id,
    year,
    value_kind,
    raw_value,
    comparator,
    value,
    value_upper,
    qualifier,
    unit,
    unit_assumed,
    canonical_unit,
    -- an unmapped name has no canonical unit yet: the mapping checks speak for it, not this one
    unit_factor is not null or value is null or indicator_id is null as unit_convertible,
    {{ scale_by('value', 'unit_factor') }} as canonical_value,
    {{ scale_by('value_upper', 'unit_factor') }} as canonical_value_upper,
    measure_type,
    direction,
    accumulation,
    valid_min,
    valid_max,
    scope,
    scope_class,
    scope_class = 'whole_region' as is_whole_region,
    period,
    status,
    reported_status,
    source_line
from converted
