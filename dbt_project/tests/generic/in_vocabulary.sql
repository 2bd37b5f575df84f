{#- A column whose codes come from one vocabulary of seeds/vocabulary.csv (the vocabularies' one home, which the
    raw contract and the GX suites read too): fails on every non-null value that is not a code of it, or not one
    of the given class. -#}
{% test in_vocabulary(model, column_name, vocabulary, of_class=none) %}
select {{ column_name }} as value_not_in_vocabulary
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        select code from {{ ref('vocabulary') }}
        where vocabulary = '{{ vocabulary }}'
        {%- if of_class is not none %} and class = '{{ of_class }}'{% endif %}
    )
{% endtest %}
