-- Input files the ingest refused, one row per refused version of a file (a file left in raw/ unchanged is
-- refused again by every refresh; the first refusal stands for all of them).
select
    source_file,
    dataset,
    content_hash,
    row_no,
    column_name,
    message,
    quarantined_as,
    rejected_at as first_rejected_at
from {{ source('raw', '_rejections') }}
qualify row_number() over (partition by source_file, content_hash order by rejected_at, message) = 1
