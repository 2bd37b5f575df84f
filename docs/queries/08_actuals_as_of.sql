-- As of a moment: the actual figures for 温州市 2019 as the warehouse held them then (restatements kept in history)
SELECT region_code, region_name, indicator, year, scope, raw_value, unit, valid_from
FROM analytics.actual_history
WHERE region_code = '330300' AND year = 2019
  AND valid_from <= current_timestamp                         -- the moment: e.g. TIMESTAMPTZ '2027-03-01 08:00:00+08'
  AND (valid_to IS NULL OR valid_to > current_timestamp)
ORDER BY indicator;
