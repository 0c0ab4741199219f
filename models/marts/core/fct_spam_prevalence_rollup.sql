-- Spam prevalence over ISO weeks (Monday), months, half-years and years, per surface and 'all',
-- by pooling the period's samples (never by averaging daily rates).
with

samples as (

    select * from {{ ref('int_prevalence_samples_scored') }}

),

period_types as (

    select period_types.period_type
    from (values ('week'), ('month'), ('half_year'), ('year')) as period_types (period_type)

),

samples_in_periods as (

    select
        period_types.period_type,
        case period_types.period_type
            when 'week' then cast(date_trunc('week', samples.date_day) as date)
            when 'month' then cast(date_trunc('month', samples.date_day) as date)
            when 'half_year'
                then make_date(year(samples.date_day), case when month(samples.date_day) <= 6 then 1 else 7 end, 1)
            else cast(date_trunc('year', samples.date_day) as date)
        end as period_start,
        samples.*
    from samples
    cross join period_types

),

by_surface as (

    select
        period_type,
        period_start,
        surface,
        count(distinct date_day) as days_with_samples,
        {{ prevalence_sums() }}
    from samples_in_periods
    group by period_type, period_start, surface

),

all_surfaces as (

    select
        period_type,
        period_start,
        'all' as surface,
        count(distinct date_day) as days_with_samples,
        {{ prevalence_sums() }}
    from samples_in_periods
    group by period_type, period_start

),

cells as (

    select * from by_surface
    union all
    select * from all_surfaces

),

final as (

    select
        period_type,
        period_start,
        cast((
            case period_type
                when 'week' then period_start + interval 7 day
                when 'month' then period_start + interval 1 month
                when 'half_year' then period_start + interval 6 month
                else period_start + interval 1 year
            end
        ) as date) - 1 as period_end,
        surface,
        days_with_samples,
        {{ prevalence_measures() }}
    from cells
    where labelled_samples > 0

)

select * from final
