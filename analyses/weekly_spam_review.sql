-- Weekly spam review: for the last eight ISO weeks (Monday start), how much of what listeners saw
-- was spam (pooled sample, 95% interval), how many spam impressions we served before acting and
-- how much of that after we had a signal, what we did and how fast we answered spam reports.
-- The newest week is partial and its prevalence provisional.
with

prevalence as (

    select * from {{ ref('fct_spam_prevalence_rollup') }}
    where period_type = 'week' and surface = 'all'

),

unwanted as (

    select
        cast(date_trunc('week', date_day) as date) as week_start,
        sum(impressions) as impressions,
        sum(unwanted_impressions) as unwanted_impressions,
        sum(unwanted_after_signal) as unwanted_after_signal
    from {{ ref('fct_unwanted_impressions_daily') }}
    group by week_start

),

actions as (

    select
        cast(date_trunc('week', decided_date) as date) as week_start,
        count(*) as spam_actions,
        count(*) filter (where is_reversed) as reversed_actions,
        count(*) filter (where is_solely_automated) as solely_automated_actions
    from {{ ref('fct_enforcement_actions') }}
    where is_spam
    group by week_start

),

spam_reports as (

    select
        cast(date_trunc('week', received_date) as date) as week_start,
        count(*) as spam_reports,
        count(*) filter (where sla_status = 'compliant') as compliant,
        count(*) filter (where sla_status in ('breached', 'open_breached')) as breaches,
        median(hours_to_decision) as median_hours_to_decision
    from {{ ref('fct_report_sla') }}
    where policy_area = 'spam'
    group by week_start

),

weeks as (

    select week_start from unwanted
    union
    select period_start as week_start from prevalence

),

final as (

    select
        weeks.week_start,
        prevalence.per_10k as prevalence_per_10k,
        prevalence.ci_low_per_10k,
        prevalence.ci_high_per_10k,
        prevalence.violating_samples,
        unwanted.impressions,
        unwanted.unwanted_impressions,
        actions.spam_actions,
        actions.reversed_actions,
        actions.solely_automated_actions,
        spam_reports.spam_reports,
        spam_reports.breaches,
        case
            when prevalence.is_upper_bound_only then '<= ' || cast(round(prevalence.ci_high_per_10k, 1) as {{ dbt.type_string() }})
            else cast(round(prevalence.per_10k, 1) as {{ dbt.type_string() }})
        end as prevalence_shown_per_10k,
        round(1e6 * unwanted.unwanted_impressions / nullif(unwanted.impressions, 0), 1) as unwanted_per_million,
        round(unwanted.unwanted_after_signal / nullif(unwanted.unwanted_impressions, 0), 4) as avoidable_share,
        round(spam_reports.compliant / nullif(spam_reports.spam_reports, 0), 4) as spam_report_compliance,
        round(spam_reports.median_hours_to_decision, 1) as median_hours_to_decision
    from weeks
    left join prevalence
        on weeks.week_start = prevalence.period_start
    left join unwanted
        on weeks.week_start = unwanted.week_start
    left join actions
        on weeks.week_start = actions.week_start
    left join spam_reports
        on weeks.week_start = spam_reports.week_start
    order by weeks.week_start desc
    limit 8

)

select * from final
order by week_start
