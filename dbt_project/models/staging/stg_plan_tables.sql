select
    document_id,
    table_id,
    file as table_file,
    title as table_title,
    kind as table_kind,
    plan_period,
    source_line as title_line,
    notes as transcription_notes,
    _source_file,
    _content_hash
from {{ source('raw', 'plan_tables') }}
