-- Spam prevalence for the latest month, by surface and by listener country, with 95% intervals.
-- Where fewer than 10 violating samples support a cell, show only the upper bound ("<= x").
with

by_surface as (

    select
        'surface' as breakdown,
        surface as cell,
        period_start,
        period_end,
        labelled_samples,
        violating_samples,
        n_eff,
        per_10k,
        ci_low_per_10k,
        ci_high_per_10k,
        is_upper_bound_only
    from {{ ref('fct_spam_prevalence_rollup') }}
    where
        period_type = 'month'
        and period_start = (
            select max(latest.period_start) as latest_month
            from {{ ref('fct_spam_prevalence_rollup') }} as latest
            where latest.period_type = 'month'
        )

),

by_country as (

    select
        'country' as breakdown,
        country as cell,
        period_start,
        period_end,
        labelled_samples,
        violating_samples,
        n_eff,
        per_10k,
        ci_low_per_10k,
        ci_high_per_10k,
        is_upper_bound_only
    from {{ ref('fct_spam_prevalence_by_country') }}
    where
        period_type = 'month'
        and period_start = (
            select max(latest.period_start) as latest_month
            from {{ ref('fct_spam_prevalence_by_country') }} as latest
            where latest.period_type = 'month'
        )

),

cells as (

    select * from by_surface
    union all
    select * from by_country

),

final as (

    select
        breakdown,
        cell,
        period_start,
        period_end,
        labelled_samples,
        violating_samples,
        is_upper_bound_only,
        round(n_eff, 1) as n_eff,
        case
            when is_upper_bound_only then '<= ' || cast(round(ci_high_per_10k, 1) as {{ dbt.type_string() }})
            else
                cast(round(per_10k, 1) as {{ dbt.type_string() }})
                || ' (' || cast(round(ci_low_per_10k, 1) as {{ dbt.type_string() }}) || ' to ' || cast(round(ci_high_per_10k, 1) as {{ dbt.type_string() }}) || ')'
        end as shown_per_10k,
        round(per_10k, 2) as per_10k,
        round(ci_low_per_10k, 2) as ci_low_per_10k,
        round(ci_high_per_10k, 2) as ci_high_per_10k
    from cells

)

select * from final
order by breakdown desc, cell = 'all' desc, per_10k desc, cell asc
