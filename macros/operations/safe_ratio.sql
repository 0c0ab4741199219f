{#- numerator / denominator as a double, null (not an error, not zero) when the denominator is 0. -#}
{% macro safe_ratio(numerator, denominator) -%}
    (cast(({{ numerator }}) as double) / nullif({{ denominator }}, 0))
{%- endmacro %}
