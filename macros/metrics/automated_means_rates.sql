{#- The published quality figures of automated means from the exact sums of
    int_detector_quality_daily, summed over a period in `relation` (columns named as in that
    model). Each rate comes with its support (n_eff: Kish effective size of the design weights;
    for review precision, the reviewed hits) and a 95% Wilson interval, all fixed decimals:
    accuracy = Σw·[flag = label] / Σw; sample_precision = Σw·flag·label / Σw·flag (unbiased);
    recall = Σw·flag·label / Σw·label; review_precision = human-violating / human-reviewed hits
    (biased towards what reports and appeals sent to review). -#}
{% macro automated_means_rates(relation) -%}
    {%- set rates = [
        ('accuracy', relation ~ '.weight_agreeing', relation ~ '.weight_total', relation ~ '.weight_sq_total'),
        ('sample_precision', relation ~ '.weight_true_positive', relation ~ '.weight_flagged', relation ~ '.weight_sq_flagged'),
        ('recall', relation ~ '.weight_true_positive', relation ~ '.weight_positive', relation ~ '.weight_sq_positive'),
    ] -%}
    {%- for name, numerator, denominator, squares in rates %}
        {%- set p = 'cast(' ~ numerator ~ ' as double) / nullif(cast(' ~ denominator ~ ' as double), 0)' %}
        {%- set n = kish_n_eff('cast(' ~ denominator ~ ' as double)', 'cast(' ~ squares ~ ' as double)') %}
        {{ fixed_decimal(p) }} as {{ name }},
        {{ fixed_decimal(wilson_low(p, n)) }} as {{ name }}_ci_low,
        {{ fixed_decimal(wilson_high(p, n)) }} as {{ name }}_ci_high,
        {{ fixed_decimal(n, 4) }} as {{ name }}_n_eff,
    {%- endfor %}
    {%- set rp = 'cast(' ~ relation ~ '.human_violating_hits as double) / nullif(' ~ relation ~ '.human_reviewed_hits, 0)' %}
        {{ fixed_decimal(rp) }} as review_precision,
        {{ fixed_decimal(wilson_low(rp, relation ~ '.human_reviewed_hits')) }} as review_precision_ci_low,
        {{ fixed_decimal(wilson_high(rp, relation ~ '.human_reviewed_hits')) }} as review_precision_ci_high,
        {{ relation }}.positive_samples < 10 as is_low_count,
        {{ relation }}.flagged_positive_samples < 10 as sample_precision_is_low_count,
        {{ relation }}.human_violating_hits < 10 as review_precision_is_low_count
{%- endmacro %}
