-- Spam prevalence by listener country (all surfaces) over months, half-years and years, pooling
-- samples. Country cells are small: read is_upper_bound_only before quoting a point estimate.
with

samples as (

    select * from {{ ref('int_prevalence_samples_scored') }}

),

period_types as (

    select period_types.period_type
    from (values ('month'), ('half_year'), ('year')) as period_types (period_type)

),

samples_in_periods as (

    select
        period_types.period_type,
        case period_types.period_type
            when 'month' then cast(date_trunc('month', samples.date_day) as date)
            when 'half_year'
                then make_date(year(samples.date_day), case when month(samples.date_day) <= 6 then 1 else 7 end, 1)
            else cast(date_trunc('year', samples.date_day) as date)
        end as period_start,
        samples.*
    from samples
    cross join period_types

),

cells as (

    select
        period_type,
        period_start,
        country,
        {{ prevalence_sums() }}
    from samples_in_periods
    group by period_type, period_start, country

),

final as (

    select
        period_type,
        period_start,
        cast((
            case period_type
                when 'month' then period_start + interval 1 month
                when 'half_year' then period_start + interval 6 month
                else period_start + interval 1 year
            end
        ) as date) - 1 as period_end,
        country,
        {{ prevalence_measures() }}
    from cells
    where labelled_samples > 0

)

select * from final
