{#- A value times a unit's multiplier (万件 → 件), exact in decimal so 4.3 万 is 43000, not 42999.999... -#}
{% macro scale(value, multiplier) -%}
    case
        when coalesce({{ multiplier }}, 1) = 1 then {{ value }}
        else ({{ value }}::decimal(38, 10) * {{ multiplier }})::double
    end
{%- endmacro %}

{#- a − b computed in decimal, so 98.2 − 98.1 is 0.1 and not 0.10000000000000853. -#}
{% macro exact_difference(a, b) -%}
    ({{ a }}::decimal(38, 10) - {{ b }}::decimal(38, 10))::double
{%- endmacro %}
