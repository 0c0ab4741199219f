{#- Text, JSON and time formatting whose functions differ between DuckDB and Spark. Spark reads
    string literals as written (profile: spark.sql.parser.escapedStringLiterals), as DuckDB does,
    so a regular expression is the same literal on both. -#}


{#- Whether text matches a regular expression (anywhere, unless anchored). -#}
{% macro regex_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'integrity')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__regex_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_matches(expr, pattern) -%}
    ({{ expr }} rlike {{ pattern }})
{%- endmacro %}

{% macro default__regex_matches(expr, pattern) -%}
    {{ no_engine_implementation('regex_matches') }}
{%- endmacro %}


{#- Text split at a literal one-character separator, as an array. -#}
{% macro split_text(expr, separator) -%}
    {{ return(adapter.dispatch('split_text', 'integrity')(expr, separator)) }}
{%- endmacro %}

{% macro duckdb__split_text(expr, separator) -%}
    string_split({{ expr }}, '{{ separator }}')
{%- endmacro %}

{#- Spark's split takes a regular expression: the separator quoted (\Q...\E, one backslash each:
    the profile reads string literals as written). -#}
{% macro spark__split_text(expr, separator) -%}
    split({{ expr }}, '\Q{{ separator }}\E')
{%- endmacro %}

{% macro default__split_text(expr, separator) -%}
    {{ no_engine_implementation('split_text') }}
{%- endmacro %}


{#- A timestamp as ISO-8601 text with microseconds and no zone: 2026-10-01T12:00:00.000000. -#}
{% macro iso_timestamp_text(expr) -%}
    {{ return(adapter.dispatch('iso_timestamp_text', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__iso_timestamp_text(expr) -%}
    strftime({{ expr }}, '%Y-%m-%dT%H:%M:%S.%f')
{%- endmacro %}

{% macro spark__iso_timestamp_text(expr) -%}
    date_format({{ expr }}, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
{%- endmacro %}

{% macro default__iso_timestamp_text(expr) -%}
    {{ no_engine_implementation('iso_timestamp_text') }}
{%- endmacro %}


{#- One JSON object as text from (key, SQL expression) pairs, in their order, nulls written as
    null. -#}
{% macro json_object_text(pairs) -%}
    {{ return(adapter.dispatch('json_object_text', 'integrity')(pairs)) }}
{%- endmacro %}

{% macro duckdb__json_object_text(pairs) -%}
    cast(to_json(struct_pack(
        {%- for key, value in pairs %}
        "{{ key }}" := {{ value }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    )) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__json_object_text(pairs) -%}
    to_json(named_struct(
        {%- for key, value in pairs %}
        '{{ key }}', {{ value }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}

{% macro default__json_object_text(pairs) -%}
    {{ no_engine_implementation('json_object_text') }}
{%- endmacro %}


{#- Every match of the regular expression pattern (a quoted literal) in expr replaced. -#}
{% macro regex_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'integrity')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{% macro default__regex_replace_all(expr, pattern, replacement) -%}
    {{ no_engine_implementation('regex_replace_all') }}
{%- endmacro %}


{#- dbt.split_part on Spark. dbt-spark's own escapes a special delimiter as concat('\\', ...),
    which under this profile's literal string escapes is two backslashes and never matches. This
    version quotes the delimiter (\Q...\E) and, as DuckDB's split_part, gives '' for a part past
    the last. The root project's spark__ version takes precedence over the adapter's. -#}
{% macro spark__split_part(string_text, delimiter_text, part_number) -%}
    coalesce(element_at(split({{ string_text }}, concat('\Q', {{ delimiter_text }}, '\E')), {{ part_number }}), '')
{%- endmacro %}
