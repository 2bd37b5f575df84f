-- Every published indicator name that some figure carries without a reviewed mapping, with the unit it is most
-- often printed in (the unit kind takes part in the proposals) and where it occurs.
select
    indicator as name_as_published,
    mode(unit) as unit,
    string_agg(distinct source_kind, ', ' order by source_kind) as source_kinds,
    string_agg(distinct value_kind, ', ' order by value_kind) as value_kinds,
    string_agg(distinct document_id, ', ' order by document_id) as documents,
    count(*) as figures
from {{ ref('int_observations') }}
where indicator_id is null
group by indicator
