{#- Agreement figures of two rater positions on a binary answer, from the counts of the 2×2
    table of pairs (as `cohens_kappa`): `a` both yes, `b` first yes only, `c` second yes only,
    `d` both no. Each is a double, null when its denominator is 0.
    observed_agreement: p_o = (a + d) / n.
    pabak: prevalence- and bias-adjusted kappa, 2·p_o - 1 = (a + d - b - c) / n.
    positive_agreement: 2a / (2a + b + c), agreement on yes given either said yes.
    negative_agreement: 2d / (2d + b + c), agreement on no given either said no. -#}
{% macro observed_agreement(a, b, c, d) -%}
    (cast(({{ a }}) + ({{ d }}) as double) / nullif(({{ a }}) + ({{ b }}) + ({{ c }}) + ({{ d }}), 0))
{%- endmacro %}

{% macro pabak(a, b, c, d) -%}
    (
        cast(({{ a }}) + ({{ d }}) - ({{ b }}) - ({{ c }}) as double)
        / nullif(({{ a }}) + ({{ b }}) + ({{ c }}) + ({{ d }}), 0)
    )
{%- endmacro %}

{% macro positive_agreement(a, b, c, d) -%}
    (cast(2 * ({{ a }}) as double) / nullif(2 * ({{ a }}) + ({{ b }}) + ({{ c }}), 0))
{%- endmacro %}

{% macro negative_agreement(a, b, c, d) -%}
    (cast(2 * ({{ d }}) as double) / nullif(2 * ({{ d }}) + ({{ b }}) + ({{ c }}), 0))
{%- endmacro %}
