{#- The direction a target asks for: its printed comparator (>=, >, <=, <, range) when it has one, else the
    catalog's direction for the indicator (higher → >=, lower → <=, band → range). -#}
{% macro target_direction(comparator, catalog_direction) -%}
    case
        when {{ comparator }} in ('>=', '>', '<=', '<', 'range') then {{ comparator }}
        when {{ comparator }} in ('=', 'approx') and {{ catalog_direction }} = 'higher' then '>='
        when {{ comparator }} in ('=', 'approx') and {{ catalog_direction }} = 'lower' then '<='
        when {{ comparator }} in ('=', 'approx') and {{ catalog_direction }} = 'band' then 'range'
    end
{%- endmacro %}

{#- met / not_met for an actual against a target, given the target's direction (not_assessable when it cannot
    say): pw_meets is planwatch.progress.meets, the one definition of "meets the target" that the progress measure
    uses too. -#}
{% macro verdict(direction, target, target_upper, actual) -%}
    case
        when {{ direction }} is null or {{ target }} is null or {{ actual }} is null then 'not_assessable'
        when pw_meets({{ direction }}, {{ target }}, {{ target_upper }}, {{ actual }}) then 'met'
        else 'not_met'
    end
{%- endmacro %}

{#- A reported 完成情况 read as a verdict: 已完成 / 完成… → met, 未完成… → not_met, anything else (政策调整,不再开展,
    不再统计, 积极推行建设中) → null. -#}
{% macro reported_verdict(status) -%}
    case
        when regexp_matches({{ status }}, '^未完成') then 'not_met'
        when regexp_matches({{ status }}, '^(已)?完成') then 'met'
    end
{%- endmacro %}
