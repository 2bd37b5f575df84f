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

{#- A value times a unit-conversion factor, exact in decimal (0.0001 × 53000 元 = 5.3 万元). -#}
{% macro scale_by(value, factor) -%}
    case when {{ factor }} is not null then ({{ value }}::decimal(38, 12) * {{ factor }}::decimal(38, 12))::double end
{%- endmacro %}
