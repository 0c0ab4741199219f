-- Unwanted impressions by day, surface and country, beside all impressions of the cell. The
-- unwanted rows come from int_unwanted_impressions_hourly (judged-spam items inside their
-- exposure window); the totals sum the daily impressions of every item (int_impressions_daily).
with

impressions as (

    select * from {{ ref('int_impressions_daily') }}

),

unwanted_rows as (

    select * from {{ ref('int_unwanted_impressions_hourly') }}

),

as_of as (

    select * from {{ ref('int_data_as_of') }}

),

unwanted as (

    select
        date_day,
        surface,
        country,
        sum(impressions) as unwanted_impressions,
        coalesce(sum(impressions) filter (where not is_after_signal), 0) as unwanted_before_signal,
        coalesce(sum(impressions) filter (where is_after_signal), 0) as unwanted_after_signal
    from unwanted_rows
    group by date_day, surface, country

),

totals as (

    select
        date_day,
        surface,
        country,
        sum(impressions) as impressions
    from impressions
    group by date_day, surface, country

),

final as (

    select
        totals.date_day,
        totals.surface,
        totals.country,
        as_of.as_of,
        cast(totals.impressions as bigint) as impressions,
        cast(coalesce(unwanted.unwanted_impressions, 0) as bigint) as unwanted_impressions,
        cast(coalesce(unwanted.unwanted_before_signal, 0) as bigint) as unwanted_before_signal,
        cast(coalesce(unwanted.unwanted_after_signal, 0) as bigint) as unwanted_after_signal
    from totals
    left join unwanted
        on
            totals.date_day = unwanted.date_day
            and totals.surface = unwanted.surface
            and totals.country = unwanted.country
    cross join as_of

)

select * from final
