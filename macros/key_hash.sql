{#- A hash of one or more expressions, to count keys by one integer (never stored: an engine's
    hash may change between versions). Read by deduplication in staging (platform_key_hash) and by
    the whole-table key tests (key_duplicates, unique). Dispatched: each engine has its own
    function. -#}
{% macro key_hash(expressions) -%}
    {{ return(adapter.dispatch('key_hash', 'integrity')(expressions)) }}
{%- endmacro %}

{% macro default__key_hash(expressions) -%}
hash({{ expressions | join(', ') }})
{%- endmacro %}

{% macro spark__key_hash(expressions) -%}
xxhash64({{ expressions | join(', ') }})
{%- endmacro %}
