{#- Calendar parts of a date whose function names differ between DuckDB and Spark. -#}


{#- The ISO-8601 week-numbering year of a date (the year its Monday-to-Sunday week belongs to). -#}
{% macro iso_year(expr) -%}
    {{ return(adapter.dispatch('iso_year', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__iso_year(expr) -%}
    isoyear({{ expr }})
{%- endmacro %}

{% macro spark__iso_year(expr) -%}
    extract(yearofweek from {{ expr }})
{%- endmacro %}

{% macro default__iso_year(expr) -%}
    {{ no_engine_implementation('iso_year') }}
{%- endmacro %}


{#- The ISO-8601 day of the week of a date: 1 Monday ... 7 Sunday. -#}
{% macro iso_day_of_week(expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__iso_day_of_week(expr) -%}
    isodow({{ expr }})
{%- endmacro %}

{% macro spark__iso_day_of_week(expr) -%}
    extract(dayofweek_iso from {{ expr }})
{%- endmacro %}

{% macro default__iso_day_of_week(expr) -%}
    {{ no_engine_implementation('iso_day_of_week') }}
{%- endmacro %}


{#- The English name of a date's day of the week ('Monday' ... 'Sunday'). -#}
{% macro day_name(expr) -%}
    {{ return(adapter.dispatch('day_name', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__day_name(expr) -%}
    dayname({{ expr }})
{%- endmacro %}

{% macro spark__day_name(expr) -%}
    date_format({{ expr }}, 'EEEE')
{%- endmacro %}

{% macro default__day_name(expr) -%}
    {{ no_engine_implementation('day_name') }}
{%- endmacro %}
