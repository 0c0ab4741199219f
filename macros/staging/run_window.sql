{#- The run's half-open delivery-day window [window_start, window_end), as two ISO dates, or two
    empty strings (no window: only new and replaced files are parsed).

    The vars `window_start` / `window_end` win when given (`dbt build --vars ...` by hand). The
    scheduled runs pass the window in the environment instead (INTEGRITY_WINDOW_START /
    INTEGRITY_WINDOW_END): dbt re-parses the whole project whenever the command-line vars change,
    and a run's window changes every day. The environment is read only while executing (this macro
    runs inside is_incremental() branches, never at parse time), so a new window costs no parse. -#}
{% macro run_window() -%}
    {%- set start = var('window_start', '') or env_var('INTEGRITY_WINDOW_START', '') -%}
    {%- set end = var('window_end', '') or env_var('INTEGRITY_WINDOW_END', '') -%}
    {%- if (start and not end) or (end and not start) -%}
        {{ exceptions.raise_compiler_error(
            "the run window needs both ends: window_start=" ~ start ~ " window_end=" ~ end) }}
    {%- endif -%}
    {%- for day in [start, end] if day and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', day) -%}
        {{ exceptions.raise_compiler_error("the run window's day " ~ day ~ " is not YYYY-MM-DD") }}
    {%- endfor -%}
    {{ return((start, end)) }}
{%- endmacro %}
