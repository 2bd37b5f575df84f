-- Every reviewed mapping of a published name to a catalog id: the seed's (seeds/indicator_aliases.csv, reviewed
-- with the catalog) and the analysts' (raw/mappings). A mapping may hold for one document, or one table of it
-- (a name that means two things in one document); int_observations takes the most specific one, and of two
-- equally specific ones the analysts' (the later review).
select
    name_as_published,
    nullif(document_id, '') as document_id,
    nullif(table_id, '') as table_id,
    indicator_id,
    match_basis,
    reviewed_by,
    'seed' as alias_source,
    2 as source_rank
from {{ ref('indicator_aliases') }}
union all by name
select
    name_as_published,
    document_id,
    table_id,
    indicator_id,
    'reviewed' as match_basis,
    reviewed_by,
    _source_file as alias_source,
    1 as source_rank
from {{ ref('stg_mappings') }}
