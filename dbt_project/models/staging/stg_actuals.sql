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
    select raw_value, pw_parse_value(raw_value) as parsed
    from (select distinct raw_value from actuals)
),

units as (
    select unit, pw_resolve_unit(unit, null, null) as resolved_unit
    from (select distinct unit from actuals)
)

select
    actuals.region_code,
    actuals.region_name,
    actuals.indicator,
    actuals.year,
    actuals.raw_value,
    parsed.parsed.comparator as comparator,
    {{ scale('parsed.parsed.value', 'units.resolved_unit.multiplier') }} as value,
    actuals.unit as unit_as_published,
    coalesce(units.resolved_unit.unit, actuals.unit) as unit,
    coalesce(units.resolved_unit.recognised, true) as unit_recognised,
    units.resolved_unit.note as unit_note,
    coalesce(actuals.scope, '全域') as scope,
    coalesce(actuals.period, 'year') as period,
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
left join units on units.unit is not distinct from actuals.unit
