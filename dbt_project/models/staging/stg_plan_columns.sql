select
    document_id,
    table_id,
    column_no,
    column_name,
    published_header,
    role as column_role,
    value_kind,
    year
from {{ source('raw', 'plan_columns') }}
