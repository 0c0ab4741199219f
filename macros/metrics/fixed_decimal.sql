{#- A published non-count number as a fixed decimal: rounded half away from zero to `places`
    decimals (8 by default; effective sample sizes use 4) and typed decimal(18, places), so a
    re-run, a rebuild or another engine gives the same bytes whatever order the engine summed in.
    Null stays null. -#}
{% macro fixed_decimal(expr, places=8) -%}
    {{ return(adapter.dispatch('fixed_decimal', 'integrity')(expr, places)) }}
{%- endmacro %}

{% macro default__fixed_decimal(expr, places) -%}
    cast(round(cast({{ expr }} as double), {{ places }}) as decimal(18, {{ places }}))
{%- endmacro %}
