{#- A value times a unit's multiplier (万件 → 件), exact in decimal so 4.3 万 is 43000, not 42999.999... -#}
{% macro scale(value, multiplier) -%}
    case
        when coalesce({{ multiplier }}, 1) = 1 then {{ value }}
        else ({{ value }}::decimal(38, 10) * {{ multiplier }})::double
    end
{%- endmacro %}
