{#- Pooled spam-prevalence measures, shared by the daily, rollup and country marts so every grain
    uses the same estimator (metrics.md, spam prevalence). `prevalence_sums()` aggregates scored
    samples (int_prevalence_samples_scored) with their non-response-adjusted weights;
    `prevalence_measures()` derives the published columns from those sums. Pooling happens on
    samples, never by averaging rates. Sums are exact decimals; every published number is a
    fixed decimal. -#}
{% macro prevalence_sums() -%}
    count(*) as total_samples,
    count(*) filter (where is_labelled) as labelled_samples,
    count(*) filter (where is_labelled and is_spam_violating) as violating_samples,
    count(*) filter (where label = 'unlabelable') as unlabelable_samples,
    count(*) filter (where label is null) as pending_samples,
    count(*) filter (where stratum_labelled = 0) as samples_in_unlabelled_strata,
    coalesce(sum(adjusted_weight) filter (where is_labelled), 0) as sum_w,
    coalesce(sum(cast(adjusted_weight * adjusted_weight as decimal(38, 12))) filter (where is_labelled), 0) as sum_w2,
    coalesce(sum(adjusted_weight) filter (where is_labelled and is_spam_violating), 0) as sum_wy,
    coalesce(sum(adjusted_weight) filter (where label = 'unlabelable'), 0) as sum_w_unl,
    coalesce(
        sum(cast(adjusted_weight * adjusted_weight as decimal(38, 12))) filter (where label = 'unlabelable'), 0
    ) as sum_w2_unl
{%- endmacro %}

{% macro prevalence_measures() -%}
    {%- set complete = 'samples_in_unlabelled_strata = 0' -%}
    {%- set p = 'case when ' ~ complete ~ ' then cast(sum_wy as double) / nullif(cast(sum_w as double), 0) end' -%}
    {%- set n = kish_n_eff('cast(sum_w as double)', 'cast(sum_w2 as double)') -%}
    {%- set p_unl = 'case when ' ~ complete ~ ' then cast(sum_wy + sum_w_unl as double) / nullif(cast(sum_w + sum_w_unl as double), 0) end' -%}
    {%- set n_unl = kish_n_eff('cast(sum_w + sum_w_unl as double)', 'cast(sum_w2 + sum_w2_unl as double)') -%}
    labelled_samples,
    violating_samples,
    unlabelable_samples,
    pending_samples,
    {{ fixed_decimal('cast(labelled_samples + unlabelable_samples as double) / total_samples') }} as label_completeness,
    samples_in_unlabelled_strata > 0 as is_incomplete,
    {{ fixed_decimal(p) }} as prevalence,
    {{ fixed_decimal(wilson_low(p, n)) }} as ci_low,
    {{ fixed_decimal(wilson_high(p, n)) }} as ci_high,
    {{ fixed_decimal(n, 4) }} as n_eff,
    cast(sum_w as decimal(38, 4)) as sum_weights,
    cast(sum_w2 as decimal(38, 4)) as sum_weights_sq,
    cast(sum_wy as decimal(38, 4)) as sum_weights_violating,
    {{ fixed_decimal('10000.0 * ' ~ p) }} as per_10k,
    {{ fixed_decimal('10000.0 * ' ~ wilson_low(p, n)) }} as ci_low_per_10k,
    {{ fixed_decimal('10000.0 * ' ~ wilson_high(p, n)) }} as ci_high_per_10k,
    {{ fixed_decimal(wilson_high(p_unl, n_unl)) }} as ci_high_if_unlabelable_violating,
    violating_samples < 10 as is_upper_bound_only,
    {#- on n_eff as published: from exact sums an effective size of exactly 30 can come out of
        floating point as 29.999999999999996, which is not below 30 -#}
    coalesce({{ fixed_decimal(n, 4) }} < 30, true) as is_suppressed
{%- endmacro %}
