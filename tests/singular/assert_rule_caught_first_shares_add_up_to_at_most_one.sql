{{ config(meta={'dagster': {'ref': {'name': 'fct_rule_performance_daily'}}}) }}

-- Each judged spam target is caught first by at most one detector (metrics.md, Detection rules),
-- so per action day the detectors' caught-first counts add up to at most the day's judged spam
-- targets and their shares to at most 1 (up to the rounding of each share to 8 decimals).
-- Returns the days that break it.
with days as (
    select
        date_day,
        max(judged_spam_targets) as judged_spam_targets,
        min(judged_spam_targets) as judged_spam_targets_min,
        sum(judged_spam_targets_caught_first) as caught_first,
        sum(share_judged_spam_targets_caught_first) as share_total,
        count(*) as detector_rows
    from {{ ref('fct_rule_performance_daily') }}
    group by date_day
)

select *
from days
where
    caught_first > judged_spam_targets
    or judged_spam_targets != judged_spam_targets_min
    or share_total > 1 + 0.000000005 * detector_rows
