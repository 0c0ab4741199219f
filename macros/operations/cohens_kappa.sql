{#- Cohen's kappa as an aggregate expression over rows that each hold two raters'
    decisions on the same item: (p_o - p_e) / (1 - p_e), where p_o is the share of rows
    where they agree and p_e = sum over categories of p(a = k) * p(b = k), the agreement
    expected by chance from each rater's own marginals. Null when p_e = 1 (both raters
    always gave the same single category: kappa is undefined) or when there are no rows. -#}
{% macro cohens_kappa(rater_a, rater_b, categories) -%}
    {{ return(adapter.dispatch('cohens_kappa', 'integrity')(rater_a, rater_b, categories)) }}
{%- endmacro %}

{% macro default__cohens_kappa(rater_a, rater_b, categories) -%}
    {%- set chance -%}
        ({%- for category in categories -%}
            avg(case when {{ rater_a }} = '{{ category }}' then 1.0 else 0.0 end)
            * avg(case when {{ rater_b }} = '{{ category }}' then 1.0 else 0.0 end)
            {%- if not loop.last %} + {% endif -%}
        {%- endfor -%})
    {%- endset -%}
    (
        avg(case when {{ rater_a }} = {{ rater_b }} then 1.0 else 0.0 end) - {{ chance }}
    ) / nullif(1 - {{ chance }}, 0)
{%- endmacro %}
