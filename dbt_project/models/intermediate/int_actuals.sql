-- The current figure for each observation key (region, indicator, year, scope, period, and the period_date of a
-- month's or a point's figure: two months of a year are two figures).
-- A bureau may restate a figure: a later file (or an edited one) carries the same key with a new value or source.
-- The restated figure wins: latest published_date first, then the most recently loaded file; the file name and
-- row break remaining ties so that two refreshes on the same inputs always choose the same row.
-- What it replaced is kept in the actuals_history snapshot.
with actuals as (
    select * from {{ ref('stg_actuals') }}
),

ranked as (
    select
        *,
        concat_ws('|', region_code, indicator, year, scope, period, period_date) as actual_key,
        row_number() over observation as revision_rank,
        count(*) over (partition by region_code, indicator, year, scope, period, period_date) as rows_for_key
    from actuals
    window observation as (
        partition by region_code, indicator, year, scope, period, period_date
        order by published_date desc nulls last, _loaded_at desc, _source_file desc, _source_row desc
    )
)

select
    * exclude (revision_rank, rows_for_key),
    rows_for_key - 1 as superseded_rows
from ranked
where revision_rank = 1
