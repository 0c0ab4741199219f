-- One row per day from the first report, sample or action day to the as-of day, with the periods
-- the marts roll up to (ISO week from Monday, month, half-year, year).
with

bounds as (

    select
        least(
            (select min(received_at) as first_at from {{ ref('stg_platform__reports') }}),
            (select min(hour_ts) as first_at from {{ ref('stg_platform__prevalence_samples') }}),
            (select min(decided_at) as first_at from {{ ref('stg_platform__enforcement_actions') }})
        )::date as first_day,
        (select as_of from {{ ref('int_data_as_of') }})::date as last_day

),

days as (

    select unnest(generate_series(first_day::timestamp, last_day::timestamp, interval 1 day))::date as date_day
    from bounds

),

final as (

    select
        date_day,
        date_trunc('week', date_day)::date as iso_week_start,
        date_trunc('month', date_day)::date as month_start,
        make_date(year(date_day), case when month(date_day) <= 6 then 1 else 7 end, 1) as half_year_start,
        date_trunc('year', date_day)::date as year_start,
        year(date_day)::integer as calendar_year,
        isoyear(date_day)::integer as iso_year,
        weekofyear(date_day)::integer as iso_week,
        month(date_day)::integer as month_of_year,
        isodow(date_day)::integer as iso_day_of_week,
        dayname(date_day) as day_name,
        isodow(date_day) >= 6 as is_weekend
    from days

)

select * from final
