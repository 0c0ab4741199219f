{#- ISO-8601 text -> UTC timestamp, or null when it does not parse.
    `Z` and offsets (`+02:00`, `+0200`, `+02`) are normalised to UTC; text without an offset is taken
    as UTC (producers that omit it write UTC). -#}
{% macro parse_ts_utc(expr) -%}
    {{ return(adapter.dispatch('parse_ts_utc', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_ts_utc(expr) -%}
    case
        when regexp_matches({{ expr }}, '[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$')
            then timezone('UTC', try_cast({{ expr }} as timestamptz))
        else try_cast({{ expr }} as timestamp)
    end
{%- endmacro %}

{#- Spark's cast reads `Z` and `+hh:mm` offsets (and none: the session zone, UTC); `+hhmm` and
    `+hh` are written as `+hh:mm` first. -#}
{% macro spark__parse_ts_utc(expr) -%}
    try_cast(
        regexp_replace(
            regexp_replace({{ expr }}, '(\d{2}:\d{2}(:\d{2}(\.\d+)?)?[+-]\d{2})(\d{2})$', '$1:$4'),
            '(\d{2}:\d{2}(:\d{2}(\.\d+)?)?[+-]\d{2})$', '$1:00'
        )
        as timestamp
    )
{%- endmacro %}

{#- True when text has the shape of an ISO-8601 date or timestamp (whether or not the date exists):
    tells an unparsable value ("yesterday") from an impossible one (2026-02-30, 25:00). -#}
{% macro is_iso_timestamp(expr) -%}
    {{ regex_matches(expr, "'^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?)?$'") }}
{%- endmacro %}

{#- Strict JSON (RFC 8259). DuckDB's parser is lenient: it accepts trailing commas, NaN and Infinity,
    which other consumers reject, so those count as malformed here. String literals are blanked
    first so that text inside values cannot trip the check. -#}
{% macro is_strict_json(expr) -%}
    {{ return(adapter.dispatch('is_strict_json', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__is_strict_json(expr) -%}
    coalesce(
        json_valid({{ expr }})
        and not regexp_matches(
            regexp_replace({{ expr }}, '"(\\.|[^"\\])*"', '""', 'g'),
            ',\s*[}\]]|[:\[,]\s*-?(NaN|Infinity)'
        ),
        false
    )
{%- endmacro %}

{#- Spark parses JSON with Jackson, strict by default but for the same leniencies, checked the
    same way. Only objects are records, so validity is checked as an object (an array or a scalar
    is malformed either way). -#}
{% macro spark__is_strict_json(expr) -%}
    coalesce(
        json_object_keys({{ expr }}) is not null
        and not (
            regexp_replace({{ expr }}, '"(\\.|[^"\\])*"', '""')
            rlike ',\s*[}\]]|[:\[,]\s*-?(NaN|Infinity)'
        ),
        false
    )
{%- endmacro %}


{#- A JSON object's member names, as an array (null unless the text is an object). -#}
{% macro json_keys_of(expr) -%}
    {{ return(adapter.dispatch('json_keys_of', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__json_keys_of(expr) -%}
    case when json_type({{ expr }}) = 'OBJECT' then json_keys({{ expr }}) end
{%- endmacro %}

{% macro spark__json_keys_of(expr) -%}
    json_object_keys({{ expr }})
{%- endmacro %}


{#- The text of each named member of a JSON object (a string unquoted, any other value as JSON
    text, null when absent or null), as an array in the names' order. -#}
{% macro json_member_texts(expr, names) -%}
    {{ return(adapter.dispatch('json_member_texts', 'integrity')(expr, names)) }}
{%- endmacro %}

{% macro duckdb__json_member_texts(expr, names) -%}
    json_extract_string(
        {{ expr }},
        [{% for n in names %}'$."{{ n }}"'{% if not loop.last %}, {% endif %}{% endfor %}]
    )
{%- endmacro %}

{% macro spark__json_member_texts(expr, names) -%}
    array({% for n in names %}get_json_object({{ expr }}, '$.{{ n }}'){% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}


{#- A JSON array text as an array of strings, null when it is not a JSON array of scalars. -#}
{% macro json_string_array(expr) -%}
    {{ return(adapter.dispatch('json_string_array', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__json_string_array(expr) -%}
    case when json_valid({{ expr }}) then try_cast(json({{ expr }}) as varchar[]) end
{%- endmacro %}

{% macro spark__json_string_array(expr) -%}
    from_json({{ expr }}, 'array<string>')
{%- endmacro %}
