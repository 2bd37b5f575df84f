{{ config(
    materialized='incremental',
    unique_key='_source_file',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_keys_gone('_source_file', source('raw', 'actuals')) }}"
) }}
-- Incremental by file (macros/incremental.sql): only files loaded since the last build are parsed again.
-- Actual figures as published, with the value parsed by the same parser as the plan tables.
with actuals as (
    select * from {{ source('raw', 'actuals') }}
    where {{ changed_since_last_build('_source_file', source('raw', 'actuals')) }}
),

parsed as (
    select
        raw_value,
        pw_parse_value(raw_value) as parsed
    from (select distinct raw_value from actuals) as distinct_values
),

-- The unit as the raw contract resolves it (planwatch.values.resolve_unit): the unit column, else a unit printed in
-- the name, else one printed with the value ("96%" with an empty unit column is a percentage).
units as (
    select
        unit,
        indicator,
        inline_unit,
        pw_resolve_unit(unit, indicator, inline_unit) as resolved_unit
    from (
        select distinct
            actuals.unit,
            actuals.indicator,
            parsed.parsed.unit as inline_unit
        from actuals left join parsed using (raw_value)
    ) as distinct_units
),

-- A scope is whole-region or part-of-region by the one vocabulary (seeds/vocabulary.csv); an empty scope is 全域.
scopes as (
    select
        code as scope,
        class as scope_class
    from {{ ref('vocabulary') }}
    where vocabulary = 'actual_scope'
)

select
    actuals.region_code,
    actuals.region_name,
    actuals.indicator,
    actuals.year,
    actuals.raw_value,
    parsed.parsed.comparator,
    {{ scale('parsed.parsed.value', 'units.resolved_unit.multiplier') }} as value,
    actuals.unit as unit_as_published,
    coalesce(units.resolved_unit.unit, actuals.unit) as unit,
    coalesce(units.resolved_unit.recognised, true) as unit_recognised,
    coalesce(units.resolved_unit.is_count, false) as unit_is_count,
    units.resolved_unit.note as unit_note,
    coalesce(actuals.scope, '全域') as scope,
    scopes.scope_class,
    coalesce(actuals.period, 'year') as period,
    actuals.period_date,
    coalesce(actuals.status, 'normal') as status,
    actuals.measure,
    actuals.source_title,
    actuals.source_url,
    try_cast(actuals.published_date as date) as published_date,
    actuals.source_fragment,
    actuals.note,
    actuals._source_file,
    actuals._source_row,
    actuals._content_hash,
    actuals._loaded_at
from actuals
left join parsed using (raw_value)
left join units
    on units.unit is not distinct from actuals.unit
        and actuals.indicator = units.indicator
        and units.inline_unit is not distinct from parsed.parsed.unit
left join scopes on scopes.scope = coalesce(actuals.scope, '全域')
