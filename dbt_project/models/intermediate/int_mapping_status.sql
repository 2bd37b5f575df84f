-- Each published name without a reviewed mapping: 'proposed' when a candidate scores at least
-- planwatch.matching.PROPOSE_MIN (is_proposal), else 'unmapped'. (A figure whose name is mapped is 'reviewed'.)
select
    names.name_as_published,
    case when coalesce(bool_or(candidates.is_proposal), false) then 'proposed' else 'unmapped' end as mapping_status,
    max(candidates.score) as best_score
from {{ ref('int_unmapped_names') }} as names
left join {{ ref('int_mapping_candidates') }} as candidates using (name_as_published)
group by names.name_as_published
