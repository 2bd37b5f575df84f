-- Every plan's targets for its target year (the plan's completion: 十三五 targets for 2020, 十四五 for 2025, a
-- 2016-2018 action plan's for 2018), each with its computed verdict beside the reported 完成情况 where the
-- document reports one, and a flag with the reason where the two disagree - including a reported status that
-- is no verdict at all (政策调整,不再开展: the target was dropped) while the figures say met or not met.
select
    target_id,
    region_code,
    region_name,
    plan_id,
    plan_period,
    plan_target_year,
    year,
    document_id,
    table_id,
    row_no,
    category,
    indicator,
    indicator_id,
    canonical_unit,
    target_raw_value,
    target_value,
    direction,
    direction_basis,
    actual_source,
    actual_raw_value,
    actual_value,
    actual_status,
    verdict,
    verdict_reason,
    gap,
    reported_status,
    reported_verdict,
    reported_status_agrees,
    case
        when reported_status is null or reported_status = '' then null
        when reported_status_agrees = false then true
        when reported_verdict is null and verdict in ('met', 'not_met') then true
        else false
    end as disagrees,
    case
        when reported_status_agrees = false
            then 'reported ' || reported_status || ' but the figures say ' || verdict || ' (' || verdict_reason || ')'
        when reported_verdict is null and verdict in ('met', 'not_met') and reported_status <> ''
            then 'reported ' || reported_status || ', which is no completion verdict; the figures say ' || verdict
    end as disagreement_reason,
    source_line
from {{ ref('fct_target_vs_actual') }}
where year = plan_target_year
