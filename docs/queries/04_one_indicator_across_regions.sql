-- One indicator across plans: every published value with its raw text and parse
SELECT region_name, plan_period, value_kind, year, raw_value, comparator, value, unit
FROM marts.fct_indicator_value
WHERE indicator LIKE '%制造业产品质量合格率%'
ORDER BY region_name, year, value_kind;
