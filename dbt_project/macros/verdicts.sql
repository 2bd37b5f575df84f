{#- Whether a lower number is better for an indicator whose target prints no comparator ("40µg/m3", "0.42").
    A printed comparator always wins; this guess is only for bare numbers and is reported as an assumption.
    The canonical indicator catalog (a later issue) replaces it with a reviewed direction per indicator. -#}
{% macro lower_is_better(indicator, unit) -%}
    (
        {{ unit }} in ('µg/m3', 'μg/m3', '微克/立方米', '微克每立方米', '吨/万元GDP', '吨标准煤/万元')
        or regexp_matches({{ indicator }}, '浓度|事故率|死亡|不合格|能耗|排放量|发现率|投诉率')
    )
{%- endmacro %}

{#- The direction a target asks for: '>=' / '>' / '<=' / '<' / 'range', from its printed comparator, or
    assumed from the indicator for a bare number ('=' or 'approx'). -#}
{% macro target_direction(comparator, indicator, unit) -%}
    case
        when {{ comparator }} in ('>=', '>', '<=', '<', 'range') then {{ comparator }}
        when {{ comparator }} in ('=', 'approx') and {{ lower_is_better(indicator, unit) }} then '<='
        when {{ comparator }} in ('=', 'approx') then '>='
    end
{%- endmacro %}

{#- met / not_met / not_assessable for an actual against a target, given the target's direction. -#}
{% macro verdict(direction, target, target_upper, actual) -%}
    case
        when {{ direction }} is null or {{ target }} is null or {{ actual }} is null then 'not_assessable'
        when {{ direction }} = '>=' then case when {{ actual }} >= {{ target }} then 'met' else 'not_met' end
        when {{ direction }} = '>' then case when {{ actual }} > {{ target }} then 'met' else 'not_met' end
        when {{ direction }} = '<=' then case when {{ actual }} <= {{ target }} then 'met' else 'not_met' end
        when {{ direction }} = '<' then case when {{ actual }} < {{ target }} then 'met' else 'not_met' end
        when {{ direction }} = 'range' then
            case when {{ actual }} between {{ target }} and {{ target_upper }} then 'met' else 'not_met' end
    end
{%- endmacro %}
