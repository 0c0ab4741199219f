-- Daily SLA figures by reporter type, channel and queue.
-- Cohort columns (reports .. max_hours) describe the reports received that day as of the
-- warehouse's as-of time: compliance_rate = compliant / (decided + open_breached), so a report still
-- open past its target counts against the rate and a cohort with one can never show 100%; reports
-- open within target are not yet known and are counted apart. Backlog columns (open_*) are a snapshot of every
-- report still undecided at the end of that day (UTC; the last day is cut at the as-of time),
-- whatever day it was received, by age at that moment; open_breaches are those whose age then
-- exceeded their target.
with

responses as (

    select * from {{ ref('int_reports_responses_joined') }}

),

as_of as (

    select * from {{ ref('int_data_as_of') }}

),

timed as (

    select
        responses.*,
        {{ seconds_between('responses.received_at', 'responses.first_decision_at') }} / 3600.0 as hours_to_decision,
        {{ seconds_between('responses.received_at', 'as_of.as_of') }} / 3600.0 as age_hours
    from responses
    cross join as_of

),

cohort as (

    select
        received_date as date_day,
        reporter_type,
        channel,
        queue,
        count(*) as reports,
        count(first_decision_at) as decided,
        count(*) filter (where hours_to_decision <= target_hours) as compliant,
        count(*) filter (where hours_to_decision > target_hours) as breached,
        count(*) filter (where first_decision_at is null and age_hours > target_hours) as open_breached,
        count(*) filter (
            where first_decision_at is null and not coalesce(age_hours > target_hours, false)
        ) as open_within_target,
        {{ percentile_cont('hours_to_decision', 0.5) }} as p50_hours,
        {{ percentile_cont('hours_to_decision', 0.9) }} as p90_hours,
        max(hours_to_decision) as max_hours
    from timed
    group by received_date, reporter_type, channel, queue

),

open_days as (

    select
        responses.report_id,
        responses.reporter_type,
        responses.channel,
        responses.queue,
        responses.target_hours,
        responses.received_at,
        responses.first_decision_at,
        as_of.as_of,
        {{ day_rows('responses.received_date', 'cast(coalesce(responses.first_decision_at, as_of.as_of) as date)') }} as date_day
    from responses
    cross join as_of

),

open_snapshots as (

    select
        date_day,
        reporter_type,
        channel,
        queue,
        target_hours,
        {{ seconds_between('received_at', 'least(date_day + interval 1 day, as_of)') }} / 3600.0 as age_hours
    from open_days
    where
        date_day <= cast(as_of as date)
        and (first_decision_at is null or first_decision_at > least(date_day + interval 1 day, as_of))

),

backlog as (

    select
        date_day,
        reporter_type,
        channel,
        queue,
        count(*) filter (where age_hours < 1) as open_lt_1h,
        count(*) filter (where age_hours >= 1 and age_hours < 4) as open_1h_4h,
        count(*) filter (where age_hours >= 4 and age_hours < 24) as open_4h_24h,
        count(*) filter (where age_hours >= 24 and age_hours < 72) as open_1d_3d,
        count(*) filter (where age_hours >= 72 and age_hours < 168) as open_3d_7d,
        count(*) filter (where age_hours >= 168) as open_gt_7d,
        count(*) filter (where age_hours > target_hours) as open_breaches
    from open_snapshots
    group by date_day, reporter_type, channel, queue

),

keys as (

    select
        date_day,
        reporter_type,
        channel,
        queue
    from cohort
    union
    select
        date_day,
        reporter_type,
        channel,
        queue
    from backlog

),

final as (

    select
        keys.date_day,
        keys.reporter_type,
        keys.channel,
        keys.queue,
        coalesce(cohort.reports, 0) as reports,
        coalesce(cohort.decided, 0) as decided,
        coalesce(cohort.compliant, 0) as compliant,
        coalesce(cohort.breached, 0) as breached,
        coalesce(cohort.open_breached, 0) as open_breached,
        coalesce(cohort.open_within_target, 0) as open_within_target,
        {{ fixed_decimal('cohort.compliant / nullif(cohort.decided + cohort.open_breached, 0)') }}
            as compliance_rate,
        {{ fixed_decimal('cohort.p50_hours') }} as p50_hours,
        {{ fixed_decimal('cohort.p90_hours') }} as p90_hours,
        {{ fixed_decimal('cohort.max_hours') }} as max_hours,
        coalesce(backlog.open_lt_1h, 0) as open_lt_1h,
        coalesce(backlog.open_1h_4h, 0) as open_1h_4h,
        coalesce(backlog.open_4h_24h, 0) as open_4h_24h,
        coalesce(backlog.open_1d_3d, 0) as open_1d_3d,
        coalesce(backlog.open_3d_7d, 0) as open_3d_7d,
        coalesce(backlog.open_gt_7d, 0) as open_gt_7d,
        coalesce(backlog.open_breaches, 0) as open_breaches,
        as_of.as_of
    from keys
    left join cohort
        on
            keys.date_day = cohort.date_day
            and keys.reporter_type = cohort.reporter_type
            and keys.channel = cohort.channel
            and keys.queue is not distinct from cohort.queue
    left join backlog
        on
            keys.date_day = backlog.date_day
            and keys.reporter_type = backlog.reporter_type
            and keys.channel = backlog.channel
            and keys.queue is not distinct from backlog.queue
    cross join as_of

)

select * from final
