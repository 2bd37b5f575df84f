-- 洞头区 十三五 completion table: computed verdict beside the reported 完成情况
SELECT indicator, target_raw_value AS target, actual_raw_value AS actual, verdict, reported_status,
       reported_status_agrees AS agrees
FROM marts.fct_target_vs_actual
WHERE document_id = 'dongtou_14th' AND plan_period = '十三五'
ORDER BY row_no
LIMIT 12;
