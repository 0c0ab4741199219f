-- Freshness of every feed for the dashboard: per feed of the load reconciliation, its latest
-- delivery day, the counts of that day's delivery, how many days it is behind the data's as-of
-- date, and its status against the feed_lag_days target (the feed's own row, else the default).
with

windows as (

    select * from {{ ref('int_dashboard_windows') }}
    where window_kind = 'week' and windows_back = 0

),

targets as (

    select * from {{ ref('dim_dashboard_target') }}
    where metric = 'feed_lag_days'

),

reconciliation as (

    select * from {{ ref('rpt_load_reconciliation') }}

),

latest as (

    select
        feed,
        max(delivered_dt) as latest_delivered_dt
    from reconciliation
    group by feed

),

latest_delivery as (

    select
        latest.feed,
        latest.latest_delivered_dt,
        sum(reconciliation.files) as files,
        sum(reconciliation.unreadable_files) as unreadable_files,
        sum(reconciliation.raw_records) as raw_records,
        sum(reconciliation.clean) as clean,
        sum(reconciliation.quarantined) as quarantined,
        sum(reconciliation.duplicates) as duplicates
    from latest
    inner join reconciliation
        on latest.feed = reconciliation.feed and latest.latest_delivered_dt = reconciliation.delivered_dt
    group by latest.feed, latest.latest_delivered_dt

),

lagged as (

    select
        latest_delivery.*,
        windows.as_of_date,
        case
            when latest_delivery.latest_delivered_dt >= windows.as_of_date then 0
            else {{ dbt.datediff('latest_delivery.latest_delivered_dt', 'windows.as_of_date', 'day') }}
        end as lag_days
    from latest_delivery
    cross join windows

),

final as (

    select
        lagged.feed,
        lagged.latest_delivered_dt,
        lagged.as_of_date,
        cast(lagged.lag_days as integer) as lag_days,
        cast(lagged.files as bigint) as files,
        cast(lagged.unreadable_files as bigint) as unreadable_files,
        cast(lagged.raw_records as bigint) as raw_records,
        cast(lagged.clean as bigint) as clean,
        cast(lagged.quarantined as bigint) as quarantined,
        cast(lagged.duplicates as bigint) as duplicates,
        coalesce(exact_target.target, default_target.target) as target,  -- noqa: RF04
        coalesce(exact_target.red_threshold, default_target.red_threshold) as red_threshold,
        coalesce(exact_target.direction, default_target.direction) as direction,
        {{ dashboard_status(
            'lagged.lag_days',
            'coalesce(exact_target.target, default_target.target)',
            'coalesce(exact_target.red_threshold, default_target.red_threshold)',
            'coalesce(exact_target.direction, default_target.direction)',
        ) }} as status
    from lagged
    left join targets as exact_target
        on lagged.feed = exact_target.scope
    left join targets as default_target
        on default_target.scope = '*'

)

select * from final
