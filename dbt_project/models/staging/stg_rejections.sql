-- Input files the ingest refused, one row per refused version of a file (a file left in raw/ unchanged is
-- refused again by every refresh; the first refusal's file/row/column stands for all of them). A version's
-- refusal is resolved when a later refresh no longer refuses the file (fixed, or removed: planwatch.ingest);
-- is_current marks the refusals that still apply - the file's latest refused version, unresolved.
with refusals as (
    select * from {{ source('raw', '_rejections') }}
),

versions as (
    select
        source_file,
        content_hash,
        any_value(dataset) as dataset,
        arg_min(row_no, rejected_at) as row_no,
        arg_min(column_name, rejected_at) as column_name,
        arg_min(message, rejected_at) as message,
        arg_min(quarantined_as, rejected_at) as quarantined_as,
        min(rejected_at) as first_rejected_at,
        max(rejected_at) as last_rejected_at,
        case when count(resolved_at) = count(*) then max(resolved_at) end as resolved_at,
        case when count(resolved_at) = count(*) then arg_max(resolution, resolved_at) end as resolution
    from refusals
    group by source_file, content_hash
)

select
    *,
    resolved_at is null
    and last_rejected_at = max(last_rejected_at) over (partition by source_file) as is_current
from versions
