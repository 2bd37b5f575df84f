-- Published indicator names with no reviewed alias yet, each with the three closest catalog entries for a person
-- to accept (add the row to seeds/indicator_aliases.csv). Names are compared after normalising what only
-- decorates them: (新增) / (累计) / (%), quotes, 主要, and the synonyms 抽检 / 抽查 / 监测.
with names as (
    select distinct indicator, source_kind, value_kind
    from {{ ref('int_observations') }}
    where indicator_id is null
),

known as (
    select name_as_published as known_name, indicator_id from {{ ref('indicator_aliases') }}
    union
    select name_zh, indicator_id from {{ ref('indicator_catalog') }}
),

scored as (
    select
        names.indicator,
        names.source_kind,
        names.value_kind,
        known.indicator_id,
        known.known_name,
        jaro_winkler_similarity(
            {{ normalise_indicator_name('names.indicator') }}, {{ normalise_indicator_name('known.known_name') }}
        ) as similarity
    from names
    cross join known
),

best_per_id as (
    select * from scored
    qualify row_number() over (partition by indicator, indicator_id order by similarity desc, known_name) = 1
)

select
    indicator as name_as_published,
    source_kind,
    value_kind,
    indicator_id as candidate_indicator_id,
    known_name as matched_on,
    round(similarity, 3) as similarity,
    row_number() over (partition by indicator order by similarity desc, indicator_id) as candidate_rank
from best_per_id
qualify candidate_rank <= 3
