-- How many targets each plan met, missed, or could not be judged on (and why not, most often)
SELECT region_name, plan_period, verdict, count(*) AS targets, mode(verdict_reason) AS typical_reason
FROM marts.fct_target_vs_actual
GROUP BY ALL
ORDER BY region_name, plan_period, verdict;
