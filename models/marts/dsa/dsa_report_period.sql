-- The reporting period the dsa models are built for (dbt vars dsa_period_start / dsa_period_end,
-- inclusive dates) and the provider type (var provider_type). Without vars, the period is the one
-- holding the latest decided action: its calendar year, or its half-year for a VLOP. Every
-- period model cross-joins this single row, so one build is one period.

with

actions as (

    select * from {{ ref('fct_enforcement_actions') }}

),

data_as_of as (

    select * from {{ ref('int_data_as_of') }}

),

bounds as (

    select
        cast(max(decided_at) as date) as last_decided_date,
        cast(min(decided_at) as date) as first_decided_date
    from actions

),

defaults as (

    select
        bounds.first_decided_date,
        bounds.last_decided_date,
        case
            when '{{ var("provider_type", "online_platform") }}' = 'vlop'
                then make_date(
                        year(bounds.last_decided_date),
                        case when month(bounds.last_decided_date) <= 6 then 1 else 7 end,
                        1
                    )
            else cast(date_trunc('year', bounds.last_decided_date) as date)
        end as default_start
    from bounds

),

final as (

    select
        coalesce(
            cast(nullif('{{ var("dsa_period_start", "") }}', '') as date),
            defaults.default_start,
            cast(date_trunc('year', current_date) as date)
        ) as period_start,
        coalesce(
            cast(nullif('{{ var("dsa_period_end", "") }}', '') as date),
            case
                when '{{ var("provider_type", "online_platform") }}' = 'vlop'
                    then cast((defaults.default_start + interval 6 month) as date) - 1
                else cast((defaults.default_start + interval 1 year) as date) - 1
            end,
            cast((date_trunc('year', current_date) + interval 1 year) as date) - 1
        ) as period_end,
        '{{ var("provider_type", "online_platform") }}' as provider_type,
        defaults.first_decided_date,
        defaults.last_decided_date,
        coalesce(
            defaults.first_decided_date <= period_end and defaults.last_decided_date >= period_start,
            false
        ) as has_data,
        data_as_of.first_delivery_day as coverage_start,
        data_as_of.last_delivery_day as coverage_end,
        {{ platform_feeds_max_lateness_days() }} as max_lateness_days
    from defaults
    cross join data_as_of

)

select
    *,
    coalesce(
        coverage_start <= period_start
        and coverage_end >= period_end + {{ platform_feeds_max_lateness_days() }},
        false
    ) as is_complete
from final
