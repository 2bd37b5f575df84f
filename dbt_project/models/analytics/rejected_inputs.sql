-- Input files refused now: what to fix, where. Only refusals that still apply (the file's latest version is
-- still refused); resolved ones are in rejection_history. Plain SQL over the quarantine table.
select
    source_file,
    dataset,
    row_no,
    column_name,
    message,
    quarantined_as,
    first_rejected_at,
    last_rejected_at
from {{ ref('stg_rejections') }}
where is_current
