{#- Cohen's kappa of two rater positions (first, second) on a binary answer, from the counts of
    the 2×2 table of pairs: `a` both yes, `b` first yes and second no, `c` first no and second
    yes, `d` both no (n = a + b + c + d). Kappa is (p_o - p_e) / (1 - p_e) with p_o = (a + d) / n
    and p_e = p1·p2 + (1 - p1)·(1 - p2), p1 = (a + b) / n and p2 = (a + c) / n: each position's
    OWN marginal (pooling the two positions' marginals would give Scott's pi instead). Multiplied
    through by n² this is exactly 2·(a·d - b·c) / ((a + b)·(b + d) + (a + c)·(c + d)), computed
    here in integers so the undefined case is an exact test: null when the denominator is 0
    (no pairs, or both positions always gave the same single answer, p_e = 1). -#}
{% macro cohens_kappa(a, b, c, d) -%}
    {{ return(adapter.dispatch('cohens_kappa', 'integrity')(a, b, c, d)) }}
{%- endmacro %}

{% macro default__cohens_kappa(a, b, c, d) -%}
    (
        cast(2 * (({{ a }}) * ({{ d }}) - ({{ b }}) * ({{ c }})) as double)
        / nullif(
            (({{ a }}) + ({{ b }})) * (({{ b }}) + ({{ d }}))
            + (({{ a }}) + ({{ c }})) * (({{ c }}) + ({{ d }})),
            0
        )
    )
{%- endmacro %}
