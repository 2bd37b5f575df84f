-- Input files the last refreshes refused: what to fix, where. Plain SQL over the quarantine table.
select
    source_file,
    dataset,
    row_no,
    column_name,
    message,
    quarantined_as,
    first_rejected_at
from {{ ref('stg_rejections') }}
