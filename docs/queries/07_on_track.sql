-- 十四五 on-track view: every region's targets by progress status (Open SDG measure), and the ones with real 2021-2024 actuals
SELECT region_name, status, count(*) AS targets,
       string_agg(CASE WHEN latest_year IS NOT NULL
                       THEN indicator || ' ' || base_raw_value || '→' || latest_raw_value || ' (' || latest_year || ') vs ' || target_raw_value END, '; ') AS with_actuals_after_2020
FROM marts.fct_target_progress
WHERE plan_period = '十四五'
GROUP BY ALL
ORDER BY region_name, status;
