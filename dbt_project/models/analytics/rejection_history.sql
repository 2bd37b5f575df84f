-- Every refused version of every input file, with when it was refused and whether (and how) it was resolved.
select
    source_file,
    dataset,
    content_hash,
    row_no,
    column_name,
    message,
    quarantined_as,
    first_rejected_at,
    last_rejected_at,
    resolved_at,
    resolution,
    is_current
from {{ ref('stg_rejections') }}
