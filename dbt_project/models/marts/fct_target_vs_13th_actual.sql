-- fct_target_vs_base_actual for the plans whose base year is 2020 (the 十四五 plans: each target beside the
-- 十三五 actual), under the name and columns analysts' queries know.
select
    * exclude (has_base_value, plan_period, plan_base_year, plan_target_year),
    has_base_value as has_2020_value
from {{ ref('fct_target_vs_base_actual') }}
where plan_base_year = 2020
