-- Reviewed mappings from raw/mappings (analysts' decisions), one row per row of a file. A row whose indicator_id
-- is no catalog id defines a new catalog entry with its unit and direction (checked by the raw contract).
select
    name_as_published,
    document_id,
    table_id,
    indicator_id,
    new_unit,
    new_direction,
    new_accumulation,
    new_name_en,
    reviewed_by,
    try_cast(reviewed_on as date) as reviewed_on,
    note,
    _source_file,
    _source_row,
    _loaded_at
from {{ source('raw', 'mappings') }}
