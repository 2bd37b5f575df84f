-- Published indicator names with no reviewed mapping yet, each with up to three proposed catalog ids for a person
-- to accept (`planwatch map --accept`, which writes raw/mappings): ranked by planwatch.matching (name
-- similarity, unit kind, domain words), with the score and the reason. Nothing here is used as a mapping.
select
    candidates.name_as_published,
    names.unit,
    names.source_kinds,
    names.value_kinds,
    names.documents,
    names.figures,
    status.mapping_status,
    candidates.candidate_rank,
    candidates.candidate_indicator_id,
    catalog.name_zh as candidate_name_zh,
    candidates.matched_on,
    candidates.name_similarity as similarity,
    candidates.score,
    candidates.reason
from {{ ref('int_mapping_candidates') }} as candidates
inner join {{ ref('int_unmapped_names') }} as names using (name_as_published)
inner join {{ ref('int_mapping_status') }} as status using (name_as_published)
left join {{ ref('int_indicator_catalog') }} as catalog on candidates.candidate_indicator_id = catalog.indicator_id
