{{ config(meta={'dagster': {'ref': {'name': 'fct_spam_prevalence_daily'}}}) }}

-- Every published prevalence cell (daily, rollup, country) recomputed independently from its
-- stored weight sums, without the project's macros: p = Σw·y / Σw, n_eff = (Σw)² / Σw², the 95%
-- Wilson interval written out here with z = 1.959964 (quantile 0.975 of the normal), per 10k =
-- 10,000 × p, the upper-bound flag below 10 violating samples and the suppression below an
-- effective size of 30 (as published, to 4 places: equal weights give exactly 30). Returns
-- every cell whose stored figures differ by more than the rounding (or that publishes an
-- estimate while incomplete).
with

cells as (

    select
        'daily' as mart,
        cast(date_day as {{ dbt.type_string() }}) || ' ' || surface as cell,
        prevalence, ci_low, ci_high, n_eff, per_10k, is_incomplete, is_upper_bound_only, is_suppressed,
        violating_samples, sum_weights, sum_weights_sq, sum_weights_violating
    from {{ ref('fct_spam_prevalence_daily') }}
    union all
    select
        'rollup' as mart,
        period_type || ' ' || cast(period_start as {{ dbt.type_string() }}) || ' ' || surface as cell,
        prevalence, ci_low, ci_high, n_eff, per_10k, is_incomplete, is_upper_bound_only, is_suppressed,
        violating_samples, sum_weights, sum_weights_sq, sum_weights_violating
    from {{ ref('fct_spam_prevalence_rollup') }}
    union all
    select
        'country' as mart,
        period_type || ' ' || cast(period_start as {{ dbt.type_string() }}) || ' ' || country as cell,
        prevalence, ci_low, ci_high, n_eff, per_10k, is_incomplete, is_upper_bound_only, is_suppressed,
        violating_samples, sum_weights, sum_weights_sq, sum_weights_violating
    from {{ ref('fct_spam_prevalence_by_country') }}

),

recomputed as (

    select
        *,
        cast(sum_weights_violating as double) / cast(sum_weights as double) as p_check,
        cast(sum_weights as double) * cast(sum_weights as double) / cast(sum_weights_sq as double) as n_check
    from cells

),

bounds as (

    select
        *,
        (
            p_check + 3.841459 / (2 * n_check)
            - 1.959964 * sqrt(p_check * (1 - p_check) / n_check + 3.841459 / (4 * n_check * n_check))
        ) / (1 + 3.841459 / n_check) as low_check,
        (
            p_check + 3.841459 / (2 * n_check)
            + 1.959964 * sqrt(p_check * (1 - p_check) / n_check + 3.841459 / (4 * n_check * n_check))
        ) / (1 + 3.841459 / n_check) as high_check
    from recomputed

)

select *
from bounds
where
    (is_incomplete and prevalence is not null)
    or (
        not is_incomplete
        and (
            abs(prevalence - p_check) > 2e-8
            or abs(n_eff - n_check) > 1e-4
            or abs(ci_low - greatest(low_check, 0)) > 1e-6
            or abs(ci_high - least(high_check, 1)) > 1e-6
            or abs(per_10k - 10000 * p_check) > 1e-4
        )
    )
    or is_upper_bound_only != (violating_samples < 10)
    or is_suppressed != (round(n_check, 4) < 30)
