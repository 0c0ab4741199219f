-- Monthly active recipients in the EU, the input of Annex I Part 10: one row per month of the feed
-- and EU member state (Eurostat code, so Greece is EL; the feed's country codes of a member state
-- summed), and one per month with the feed's de-duplicated EU-level figure (member_state `EU`,
-- is_eu_total). A recipient active in two member states counts in both, so the EU figure is not the
-- sum of the member states. Countries outside the EU are left out.
with

recipients as (

    select * from {{ ref('stg_platform__monthly_active_recipients') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

member_states as (

    select
        recipients.month,
        countries.eurostat_code as member_state,
        false as is_eu_total,
        cast(sum(recipients.recipients) as bigint) as recipients
    from recipients
    inner join countries
        on recipients.country = countries.country_code
    where countries.is_eu
    group by recipients.month, countries.eurostat_code

),

eu_totals as (

    select
        month,
        'EU' as member_state,
        true as is_eu_total,
        recipients
    from recipients
    where country = 'EU'

),

final as (

    select * from member_states
    union all
    select * from eu_totals

)

select * from final
