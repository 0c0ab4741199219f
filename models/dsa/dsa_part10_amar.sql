-- Annex I Part 10 (very large online platforms): average monthly active recipients in the
-- reporting period, per EU member state (Eurostat code, so Greece is EL) and in total (the
-- EU-27 sum, averaged over the same months). The average is over the months of the period the
-- feed has, rounded to an integer; the context says which months.
{{ config(schema='dsa', materialized='table') }}

with

period as (

    select * from {{ ref('dsa_report_period') }}

),

countries as (

    select * from {{ ref('countries') }}

),

monthly as (

    select
        recipients.month,
        countries.eurostat_code as member_state,
        sum(recipients.recipients) as recipients
    from {{ ref('stg_platform__monthly_active_recipients') }} as recipients
    cross join period
    inner join countries
        on recipients.country = countries.country_code
    where
        countries.is_eu
        and recipients.month >= date_trunc('month', period.period_start)
        and recipients.month <= period.period_end
    group by recipients.month, countries.eurostat_code

),

months as (

    select
        count(distinct month) as months,
        min(month) as first_month,
        max(month) as last_month
    from monthly

),

member_states as (

    select eurostat_code as member_state
    from countries
    where is_eu

),

per_state as (

    select
        member_states.member_state,
        coalesce(sum(monthly.recipients), 0) as recipients_sum
    from member_states
    left join monthly
        on member_states.member_state = monthly.member_state
    group by member_states.member_state

),

final as (

    select
        'amar' as indicator,
        'total' as scope,
        round(sum(per_state.recipients_sum) / nullif(any_value(months.months), 0))::double as figure,
        case
            when any_value(months.months) > 0
                then 'Average over ' || any_value(months.months) || ' month(s), '
                    || strftime(any_value(months.first_month), '%Y-%m') || ' to '
                    || strftime(any_value(months.last_month), '%Y-%m') || '; EU-27 total.'
            else 'The feed has no month of this period.'
        end as context
    from per_state
    cross join months
    union all
    select
        'amar' as indicator,
        per_state.member_state as scope,
        round(per_state.recipients_sum / nullif(months.months, 0))::double as figure,
        null as context
    from per_state
    cross join months

)

select * from final
