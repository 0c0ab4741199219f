-- Every prevalence cell (daily, rollup, country) has 0 <= ci_low <= prevalence <= ci_high <= 1,
-- n_eff no larger than the labelled samples, and the upper-bound flag set exactly below 10
-- violating samples.
with

cells as (

    select
        'daily' as mart,
        date_day::varchar || ' ' || surface as cell,
        prevalence,
        ci_low,
        ci_high,
        n_eff,
        labelled_samples,
        violating_samples,
        is_upper_bound_only
    from {{ ref('fct_spam_prevalence_daily') }}
    union all
    select
        'rollup' as mart,
        period_type || ' ' || period_start::varchar || ' ' || surface as cell,
        prevalence,
        ci_low,
        ci_high,
        n_eff,
        labelled_samples,
        violating_samples,
        is_upper_bound_only
    from {{ ref('fct_spam_prevalence_rollup') }}
    union all
    select
        'country' as mart,
        period_type || ' ' || period_start::varchar || ' ' || country as cell,
        prevalence,
        ci_low,
        ci_high,
        n_eff,
        labelled_samples,
        violating_samples,
        is_upper_bound_only
    from {{ ref('fct_spam_prevalence_by_country') }}

)

select * from cells
where
    not (0 <= ci_low and ci_low <= prevalence and prevalence <= ci_high and ci_high <= 1)
    or n_eff > labelled_samples + 0.0001
    or is_upper_bound_only != (violating_samples < 10)
