{#- ISO-8601 text -> UTC timestamp, or null when it does not parse.
    `Z` and offsets (`+02:00`, `+0200`, `+02`) are normalised to UTC; text without an offset is taken
    as UTC (producers that omit it write UTC). -#}
{% macro parse_ts_utc(expr) -%}
    {{ return(adapter.dispatch('parse_ts_utc', 'integrity')(expr)) }}
{%- endmacro %}

{% macro default__parse_ts_utc(expr) -%}
    case
        when regexp_matches({{ expr }}, '[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$')
            then timezone('UTC', try_cast({{ expr }} as timestamptz))
        else try_cast({{ expr }} as timestamp)
    end
{%- endmacro %}

{#- True when text has the shape of an ISO-8601 date or timestamp (whether or not the date exists):
    tells an unparsable value ("yesterday") from an impossible one (2026-02-30, 25:00). -#}
{% macro is_iso_timestamp(expr) -%}
    regexp_matches(
        {{ expr }},
        '^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$'
    )
{%- endmacro %}

{#- Strict JSON (RFC 8259). DuckDB's parser is lenient: it accepts trailing commas, NaN and Infinity,
    which other consumers reject, so those count as malformed here. String literals are blanked
    first so that text inside values cannot trip the check. -#}
{% macro is_strict_json(expr) -%}
    coalesce(
        json_valid({{ expr }})
        and not regexp_matches(
            regexp_replace({{ expr }}, '"(\\.|[^"\\])*"', '""', 'g'),
            ',\s*[}\]]|[:\[,]\s*-?(NaN|Infinity)'
        ),
        false
    )
{%- endmacro %}
