-- Published PM2.5 figures: scope (全域 vs 市区) and status travel with every value
SELECT region_name, indicator, year, raw_value, unit, scope, period, status
FROM marts.fct_actual
WHERE indicator LIKE '%PM2.5%'
ORDER BY region_name, year;
