-- As of a day: the actual figures for 温州市 2019 as they had been published by then (restatements kept in history; loaded_from / loaded_to give the warehouse's own timeline)
SELECT region_code, region_name, indicator, year, scope, raw_value, unit, valid_from
FROM analytics.actual_history
WHERE region_code = '330300' AND year = 2019
  AND valid_from <= current_timestamp                         -- the day: e.g. TIMESTAMPTZ '2021-06-30 00:00:00+08'
  AND (valid_to IS NULL OR valid_to > current_timestamp)
ORDER BY indicator;
