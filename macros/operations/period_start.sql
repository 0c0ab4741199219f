{#- First day of the reporting period (month, half_year = Jan-Jun / Jul-Dec, year) holding a date or timestamp. -#}
{% macro period_start(date_expression, period_type) -%}
    {%- if period_type == 'month' -%}
        cast(date_trunc('month', {{ date_expression }}) as date)
    {%- elif period_type == 'half_year' -%}
        make_date(year({{ date_expression }}), case when month({{ date_expression }}) <= 6 then 1 else 7 end, 1)
    {%- elif period_type == 'year' -%}
        cast(date_trunc('year', {{ date_expression }}) as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error("period_start: unknown period_type " ~ period_type) }}
    {%- endif -%}
{%- endmacro %}
