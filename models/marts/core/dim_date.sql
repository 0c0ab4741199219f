-- One row per day from the first report, sample or action day to the as-of day, with the periods
-- the marts roll up to (ISO week from Monday, month, half-year, year).
with

bounds as (

    select
        cast(least(
            (select min(received_at) as first_at from {{ ref('stg_platform__reports') }}),
            (select min(hour_ts) as first_at from {{ ref('stg_platform__prevalence_samples') }}),
            (select min(decided_at) as first_at from {{ ref('stg_platform__enforcement_actions') }})
        ) as date) as first_day,
        cast((select as_of from {{ ref('int_data_as_of') }}) as date) as last_day

),

days as (

    select {{ day_rows('first_day', 'last_day') }} as date_day
    from bounds

),

final as (

    select
        date_day,
        cast(date_trunc('week', date_day) as date) as iso_week_start,
        cast(date_trunc('month', date_day) as date) as month_start,
        make_date(year(date_day), case when month(date_day) <= 6 then 1 else 7 end, 1) as half_year_start,
        cast(date_trunc('year', date_day) as date) as year_start,
        cast(year(date_day) as integer) as calendar_year,
        cast({{ iso_year('date_day') }} as integer) as iso_year,
        cast(weekofyear(date_day) as integer) as iso_week,
        cast(month(date_day) as integer) as month_of_year,
        cast({{ iso_day_of_week('date_day') }} as integer) as iso_day_of_week,
        {{ day_name('date_day') }} as day_name,
        {{ iso_day_of_week('date_day') }} >= 6 as is_weekend
    from days

)

select * from final
