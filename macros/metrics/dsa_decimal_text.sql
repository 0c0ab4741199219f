{#- A number as text for a contextual sentence: rounded to `places` decimals (4 by default), no
    trailing padding beyond them; 'n/a' when null. -#}
{% macro dsa_decimal_text(expr, places=4) -%}
    coalesce(cast(cast(round({{ expr }}, {{ places }}) as decimal(18, {{ places }})) as {{ dbt.type_string() }}), 'n/a')
{%- endmacro %}
