-- 三门县: each 十四五 target beside its 2020 value and the change required by 2025
SELECT indicator, unit, base_raw_value AS "2020", target_raw_value AS "2025 target", required_change
FROM marts.fct_target_vs_13th_actual
WHERE region_name = '三门县' AND has_2020_value
ORDER BY row_no
LIMIT 8;
