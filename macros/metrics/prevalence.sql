{#- Pooled spam-prevalence measures, shared by the daily, rollup and country marts so every grain
    uses the same estimator. `prevalence_sums()` aggregates scored samples
    (int_prevalence_samples_scored); `prevalence_measures(relation_alias)` derives the published
    columns from those sums. Pooling happens on samples, never by averaging rates. -#}
{% macro prevalence_sums() -%}
    count(*) as total_samples,
    count(*) filter (where is_labelled) as labelled_samples,
    count(*) filter (where is_labelled and is_spam_violating) as violating_samples,
    count(*) filter (where label = 'unlabelable') as unlabelable_samples,
    count(*) filter (where label is null) as pending_samples,
    sum(weight) filter (where is_labelled) as sum_w,
    sum(weight * weight) filter (where is_labelled) as sum_w2,
    sum(weight) filter (where is_labelled and is_spam_violating) as sum_wy
{%- endmacro %}

{% macro prevalence_measures() -%}
    labelled_samples,
    violating_samples,
    unlabelable_samples,
    pending_samples,
    round((labelled_samples + unlabelable_samples)::double / total_samples, 6) as label_completeness,
    round(coalesce(sum_wy, 0.0) / sum_w, 8) as prevalence,
    round({{ wilson_low('coalesce(sum_wy, 0.0) / sum_w', kish_n_eff('sum_w', 'sum_w2')) }}, 8) as ci_low,
    round({{ wilson_high('coalesce(sum_wy, 0.0) / sum_w', kish_n_eff('sum_w', 'sum_w2')) }}, 8) as ci_high,
    round({{ kish_n_eff('sum_w', 'sum_w2') }}, 4) as n_eff,
    round(sum_w, 4) as sum_weights,
    round(10000.0 * coalesce(sum_wy, 0.0) / sum_w, 4) as per_10k,
    round(10000.0 * {{ wilson_low('coalesce(sum_wy, 0.0) / sum_w', kish_n_eff('sum_w', 'sum_w2')) }}, 4)
        as ci_low_per_10k,
    round(10000.0 * {{ wilson_high('coalesce(sum_wy, 0.0) / sum_w', kish_n_eff('sum_w', 'sum_w2')) }}, 4)
        as ci_high_per_10k,
    violating_samples < 10 as is_upper_bound_only
{%- endmacro %}
