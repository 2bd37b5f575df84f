select
    region_code,
    region_name,
    indicator,
    indicator_id,
    target_raw_value,
    actual_raw_value,
    verdict,
    verdict_reason,
    reported_status,
    reported_verdict,
    disagrees,
    disagreement_reason,
    document_id,
    document_id as document,  -- the earlier name, kept for one release (CHANGELOG.md)
    source_line
from {{ ref('fct_13th_completion') }}
