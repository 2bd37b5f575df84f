{#- An indicator name without what only decorates it, for proposing catalog matches (never for matching itself). -#}
{% macro normalise_indicator_name(name) -%}
    regexp_replace(
        regexp_replace(
            regexp_replace({{ name }}, '[(（][^)）]*[)）]|[“”"''《》\s]|^主要', '', 'g'),
            '抽检|抽查', '监测', 'g'),
        '^(全市|全区|全县|市区)', '')
{%- endmacro %}
