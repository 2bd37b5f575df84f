-- Every version of every actual figure (snapshots.actuals_history), with two timelines:
-- - by publication (valid_from / valid_to): a version is valid from the day its source was published
--   (published_date; the day it was loaded when the date is unknown) until the publication of the version that
--   replaced it - as known now. A version replaced by one published no later than itself (a restatement
--   withdrawn, the earlier figure loaded again) is valid for no time at all (valid_to = valid_from). This is
--   what "as of 2024-06-30" means to an analyst, and it is the same in every clone of the warehouse.
-- - by loading (loaded_from / loaded_to): when this warehouse held the version (dbt's snapshot times).
-- Grain: one row per version (dbt_scd_id).
with history as (
    select
        *,
        -- the snapshot's times are naive timestamps in the session's time zone; as instants they compare with dates
        coalesce(published_date::timestamptz, dbt_valid_from::timestamptz) as published_from
    from {{ ref('actuals_history') }}
),

timed as (
    select
        *,
        min(published_from) over (
            partition by actual_key order by dbt_valid_from, dbt_scd_id
            rows between 1 following and unbounded following
        ) as next_published_from
    from history
),

names as (
    select distinct
        indicator,
        indicator_id
    from {{ ref('int_observations') }}
    where source_kind = 'published_actual'
)

select
    timed.dbt_scd_id as version_id,
    timed.actual_key,
    timed.region_code,
    coalesce(regions.region_name, timed.region_name) as region_name,
    timed.indicator,
    names.indicator_id,
    timed.year,
    timed.scope,
    timed.period,
    timed.period_date,
    timed.raw_value,
    timed.value,
    timed.unit,
    timed.status,
    timed.source_title,
    timed.source_url,
    timed.published_date,
    timed._source_file as source_file,
    timed._source_row as source_row,
    timed.published_from as valid_from,
    case
        when timed.next_published_from is not null then greatest(timed.next_published_from, timed.published_from)
        when timed.dbt_valid_to is not null then greatest(timed.dbt_valid_to::timestamptz, timed.published_from)
    end as valid_to,
    timed.dbt_valid_from::timestamptz as loaded_from,
    timed.dbt_valid_to::timestamptz as loaded_to,
    timed.dbt_valid_to is null as is_current
from timed
left join {{ ref('dim_region') }} as regions using (region_code)
left join names using (indicator)
