-- unmatched_base_targets of the plans whose base year is 2020 (the 十四五 plans), under the name queries know.
select * exclude (plan_id, plan_base_year)
from {{ ref('unmatched_base_targets') }}
where plan_base_year = 2020
