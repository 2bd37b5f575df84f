-- Every plan, whatever its horizon: its base and target year and how its targets stand (Open SDG status)
SELECT p.plan_id, p.region_name, p.plan_period, p.base_year, p.target_year, t.status, count(*) AS targets
FROM marts.dim_plan p
JOIN marts.fct_target_progress t USING (plan_id)
GROUP BY ALL
ORDER BY p.region_name, p.target_year, p.plan_id, t.status;
