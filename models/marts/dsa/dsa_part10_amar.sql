-- Annex I Part 10 (very large online platforms): average monthly active recipients in the
-- reporting period, per EU member state (Eurostat code, so Greece is EL) and in total. One
-- recipient can be active in two member states, so the EU total is not their sum: it is the
-- feed's de-duplicated `EU` figure, averaged over the same months; without one for every month
-- the total is left blank and the context says why. The average is over the months of the
-- period the feed has, rounded to an integer; the context says which months. The monthly figures
-- come from int_dsa_active_recipients_monthly; every EU member state has a row (dim_country).

with

period as (

    select * from {{ ref('dsa_report_period') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

recipients as (

    select recipients.*
    from {{ ref('int_dsa_active_recipients_monthly') }} as recipients
    cross join period
    where
        recipients.month >= date_trunc('month', period.period_start)
        and recipients.month <= period.period_end

),

monthly as (

    select
        month,
        member_state,
        recipients
    from recipients
    where not is_eu_total

),

eu_totals as (

    select
        month,
        recipients
    from recipients
    where is_eu_total

),

state_months as (

    select distinct month
    from monthly

),

eu_total as (

    select
        count(*) as months_with_total,
        sum(eu_totals.recipients) as recipients_sum
    from eu_totals
    inner join state_months
        on eu_totals.month = state_months.month

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
        case
            when months.months > 0 and eu_total.months_with_total = months.months
                then cast(round(eu_total.recipients_sum / months.months) as double)
        end as figure,
        case
            when months.months = 0 then 'The feed has no month of this period.'
            when eu_total.months_with_total < months.months
                then 'Left blank: the feed has no de-duplicated EU-level figure for '
                    || (months.months - eu_total.months_with_total) || ' of the '
                    || months.months || ' month(s), and the sum of member states would count a recipient '
                    || 'active in two member states twice.'
            else 'Average over ' || months.months || ' month(s), '
                || substr(cast(months.first_month as {{ dbt.type_string() }}), 1, 7) || ' to '
                || substr(cast(months.last_month as {{ dbt.type_string() }}), 1, 7)
                || '; the de-duplicated EU-level figure (not the sum of member states).'
        end as context
    from months
    cross join eu_total
    union all
    select
        'amar' as indicator,
        per_state.member_state as scope,
        cast(round(per_state.recipients_sum / nullif(months.months, 0)) as double) as figure,
        null as context
    from per_state
    cross join months

)

-- published numbers are fixed decimals (counts stay whole)
select
    indicator,
    scope,
    {{ fixed_decimal('figure') }} as figure,
    context
from final
