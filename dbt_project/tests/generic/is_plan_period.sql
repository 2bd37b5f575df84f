{#- A plan period: one of seeds/plan_periods.csv, or `other` (vocabulary plan_period_other) for a target year
    beyond them - the values planwatch.vocabulary.period_names() gives the raw contract. -#}
{% test is_plan_period(model, column_name) %}
select {{ column_name }} as not_a_plan_period
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (select plan_period from {{ ref('plan_periods') }})
    and {{ column_name }} not in (select code from {{ ref('vocabulary') }} where vocabulary = 'plan_period_other')
{% endtest %}
