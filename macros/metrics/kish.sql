{#- Kish effective sample size of a weighted sample: (sum w)^2 / sum w^2.
    Equals n when all weights are equal; smaller when weights vary. -#}
{% macro kish_n_eff(sum_w, sum_w2) -%}
    {{ return(adapter.dispatch('kish_n_eff', 'integrity')(sum_w, sum_w2)) }}
{%- endmacro %}

{% macro default__kish_n_eff(sum_w, sum_w2) -%}
    (({{ sum_w }}) * ({{ sum_w }}) / nullif({{ sum_w2 }}, 0))
{%- endmacro %}
