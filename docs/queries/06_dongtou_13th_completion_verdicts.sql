-- 洞头区 十三五 completion: computed verdict beside the reported 完成情况, with the disagreements flagged
SELECT indicator, target_raw_value AS target, actual_raw_value AS actual, verdict, reported_status, disagrees,
       coalesce(disagreement_reason, verdict_reason) AS why
FROM marts.fct_13th_completion
WHERE region_name = '洞头区'
ORDER BY disagrees DESC NULLS LAST, row_no
LIMIT 14;
