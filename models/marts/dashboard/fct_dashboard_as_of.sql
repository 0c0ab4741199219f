-- The dashboard's as-of and trend windows: one row per trend length the page may ask for (1 to
-- 366 days), each with the first day its trend charts show (the as-of date minus the length, but
-- never before the first day with prevalence or impressions data) and whether the daily
-- prevalence chart is worth showing over it (at least half its days rest on 10 or more violating
-- samples; otherwise a daily chart shows sampling noise).
with

windows as (

    select * from {{ ref('int_dashboard_windows') }}
    where window_kind = 'week' and windows_back = 0

),

prevalence_daily as (

    select * from {{ ref('fct_spam_prevalence_daily') }}
    where surface = 'all'

),

unwanted_daily as (

    select * from {{ ref('fct_unwanted_impressions_daily') }}

),

first_days as (

    select min(date_day) as first_day from prevalence_daily
    union all
    select min(date_day) as first_day from unwanted_daily

),

data_first as (

    select min(first_day) as data_first_date
    from first_days

),

lengths as (

    select cast(generated_number as integer) as trend_days
    from ({{ dbt.generate_series(var("dashboard_max_trend_days", 366)) }}) as series

),

trend_windows as (

    select
        lengths.trend_days,
        windows.as_of,
        windows.as_of_date,
        data_first.data_first_date,
        case
            when data_first.data_first_date > cast({{ dbt.dateadd('day', '1 - lengths.trend_days', 'windows.as_of_date') }} as date)
                then data_first.data_first_date
            else cast({{ dbt.dateadd('day', '1 - lengths.trend_days', 'windows.as_of_date') }} as date)
        end as trend_start
    from lengths
    cross join windows
    cross join data_first

),

final as (

    select
        trend_windows.trend_days,
        trend_windows.as_of,
        trend_windows.as_of_date,
        trend_windows.data_first_date,
        trend_windows.trend_start,
        cast(count(prevalence_daily.date_day) as integer) as prevalence_days,
        cast(sum(case when prevalence_daily.is_upper_bound_only then 1 else 0 end) as integer)
            as prevalence_days_upper_bound_only,
        count(prevalence_daily.date_day) > 0
        and 2 * sum(case when prevalence_daily.is_upper_bound_only then 0 else 1 end)
        >= count(prevalence_daily.date_day) as is_prevalence_daily_shown
    from trend_windows
    left join prevalence_daily
        on
            trend_windows.trend_start <= prevalence_daily.date_day
            and trend_windows.as_of_date >= prevalence_daily.date_day
    group by
        trend_windows.trend_days,
        trend_windows.as_of,
        trend_windows.as_of_date,
        trend_windows.data_first_date,
        trend_windows.trend_start

)

select * from final
