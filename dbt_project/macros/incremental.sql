{#- Incremental refresh of per-document and per-file models.

    A document's rows all carry the time its files were (re)loaded (_loaded_at, set by the ingest for the whole
    document or file at once), so "what changed since this model was last built" is the keys whose _loaded_at is
    later than the latest in the model. Keys no longer in raw/ are deleted after the build (post-hook). When the
    code changes, the refresh runs dbt with --full-refresh (planwatch.assets). -#}

{% macro changed_since_last_build(key, source_relation) -%}
    {%- if is_incremental() -%}
        {{ key }} in (
            select {{ key }} from {{ source_relation }}
            where _loaded_at > (select coalesce(max(_loaded_at), '-infinity'::timestamptz) from {{ this }})
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro delete_keys_gone(key, source_relation) -%}
    delete from {{ this }} where {{ key }} not in (select {{ key }} from {{ source_relation }})
{%- endmacro %}
