-- fct_plan_completion for the 十三五 plans (their targets for 2020), under the name and columns queries know.
select * exclude (plan_id, plan_period, plan_target_year, year)
from {{ ref('fct_plan_completion') }}
where plan_period = '十三五'
