-- Actual figures published after (or outside) the plans, one row per figure (region, indicator, year, scope,
-- period) in its current version, with scope, period and status kept: a 市区 figure is never the whole region's.
-- Restated figures: the current version is here, every version in snapshots.actuals_history.
select
    actuals._source_file || '#' || actuals._source_row as actual_id,
    actuals.actual_key,
    actuals.region_code,
    regions.region_name,
    actuals.region_name as region_name_as_published,
    actuals.indicator,
    observations.indicator_id,
    actuals.year,
    actuals.raw_value,
    actuals.comparator,
    actuals.value,
    actuals.unit,
    actuals.unit_as_published,
    actuals.unit_recognised,
    actuals.unit_note,
    observations.canonical_unit,
    observations.canonical_value,
    actuals.scope,
    actuals.scope_class,
    actuals.scope_class = 'whole_region' as is_whole_region,
    actuals.period,
    actuals.status,
    actuals.measure,
    actuals.source_title,
    actuals.source_url,
    actuals.published_date,
    actuals.source_fragment,
    actuals.note,
    actuals._source_file as source_file,
    actuals._source_row as source_row,
    actuals.superseded_rows
from {{ ref('int_actuals') }} as actuals
left join {{ ref('dim_region') }} as regions using (region_code)
left join {{ ref('int_observations') }} as observations
    on observations.observation_id = actuals._source_file || '#' || actuals._source_row
