-- The MetricFlow time spine: one row per day from 2020-01-01 to 2035-12-31, fixed bounds so the
-- spine never depends on the data. Portable SQL: dbt's own date_spine macro (no package), cast to
-- date for engines whose dateadd returns a timestamp.
with

days as (

    {{ dbt.date_spine(
        datepart="day",
        start_date="cast('2020-01-01' as date)",
        end_date="cast('2036-01-01' as date)",
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days
    where cast(date_day as date) < cast('2036-01-01' as date)

)

select * from final
