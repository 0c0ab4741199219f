{#- platform_base, step 2: parse. From the raw table (a full refresh) or `batch_rows` (an
    incremental run) to CTE `typed`: the record's flags (`_encoding_error`, `_is_object`), its
    unknown keys / columns (`_extra_fields`), and per field `<name>__text` (trimmed text, null when
    absent or blank) and `<name>` (the text cast to the field's type, null when it does not cast). -#}
{% macro platform_base_parse(base) -%}
{%- if base.format == 'typed' -%}
{{ return(platform_base_parse_typed(base)) }}
{%- endif -%}
source as (

    select
        raw.*,
        {%- if base.format == 'jsonl' %}
        case when {{ is_strict_json('raw._record') }} then raw._record end as _valid_json
        {%- else %}
        null as _valid_json
        {%- endif %}
    from {% if base.incremental %}batch_rows{% else %}{{ base.relation }}{% endif %} as raw

),

extracted as (

    select
        _delivered_dt,
        _source_file,
        _line_no,
        _loaded_at,
{%- if base.format == 'jsonl' %}
        coalesce(_encoding_error, false) as _encoding_error,
        {{ json_keys_of('_valid_json') }} is not null as _is_object,
        {{ json_member_texts('_valid_json', base.all_names) }} as _values,
        {{ array_filter(
            json_keys_of('_valid_json'),
            'k',
            'not ' ~ array_has(array_of(platform_base_quoted_names(base)), 'k')
        ) }} as _extra_list
{%- else %}
        false as _encoding_error,
        true as _is_object,
        {{ array_of(platform_base_quoted_columns(base)) }} as _values,
        {{ split_text('_extra_columns', ',') }} as _extra_list
{%- endif %}
    from source

),

texts as (

    select
        _delivered_dt,
        _source_file,
        _line_no,
        _loaded_at,
        _encoding_error,
        _is_object,
        case when {{ array_size('_extra_list') }} > 0 then {{ array_sorted('_extra_list') }} end as _extra_fields,
{%- for f in base.fields %}
        {{ platform_trimmed(array_element('_values', loop.index)) }} as {{ adapter.quote(f.name ~ '__text') }}{% if not loop.last %},{% endif %}
{%- endfor %}
    from extracted

),

typed as (

    select
        *,
{%- for f in base.fields %}
        {{ platform_base_cast(f, adapter.quote(f.name ~ '__text')) }} as {{ adapter.quote(f.name) }}{% if not loop.last %},{% endif %}
{%- endfor %}
    from texts

),
{%- endmacro %}


{#- The feed's field names as quoted SQL literals, and as quoted column names. -#}
{% macro platform_base_quoted_names(base) -%}
    {%- set quoted = [] -%}
    {%- for n in base.all_names -%}
        {%- do quoted.append("'" ~ n ~ "'") -%}
    {%- endfor -%}
    {{ return(quoted) }}
{%- endmacro %}

{% macro platform_base_quoted_columns(base) -%}
    {%- set quoted = [] -%}
    {%- for n in base.all_names -%}
        {%- do quoted.append(adapter.quote(n)) -%}
    {%- endfor -%}
    {{ return(quoted) }}
{%- endmacro %}


{#- Text without leading or trailing spaces, null when blank. trim() runs only on text that starts
    or ends with a space (a prefix / suffix test is several times cheaper than trim on every value);
    the result is that of nullif(trim(text), ''). -#}
{% macro platform_trimmed(t) -%}
nullif(case when {{ t }} like ' %' or {{ t }} like '% ' then trim({{ t }}) else {{ t }} end, '')
{%- endmacro %}


{#- A field's text cast to its type, null when it does not cast. -#}
{% macro platform_base_cast(f, t) -%}
        {%- if f.type == 'int' -%} try_cast({{ t }} as bigint)
        {%- elif f.type == 'float' -%} try_cast({{ t }} as double)
        {%- elif f.type == 'bool' -%} try_cast({{ t }} as boolean)
        {%- elif f.type == 'ts' -%} {{ parse_ts_utc(t) }}
        {%- elif f.type == 'date' -%} try_cast({{ t }} as date)
        {%- elif f.type == 'month' -%} case when {{ regex_matches(t, "'^\\d{4}-\\d{2}$'") }} then try_cast({{ t }} || '-01' as date) end
        {%- elif f.type == 'str_list' -%} {{ json_string_array(t) }}
        {%- elif f.type == 'str_split' -%} {{ array_filter(array_transform(split_text(t, ';'), 'x', 'trim(x)'), 'x', "x <> ''") }}
        {%- else -%} {{ t }}
        {%- endif %}
{%- endmacro %}


{#- The registry types a Parquet feed's raw-zone files can hold typed (orchestration/ingest.py,
    NATIVE_TYPES): a field of these types has a typed column `<name>` beside `<name>__text`. -#}
{% macro platform_base_native(f) -%}
    {{ return(f.type in ('ts', 'int', 'float', 'bool', 'date')) }}
{%- endmacro %}


{#- platform_base, step 2 for a Parquet feed (format `typed`): its raw-zone files hold each field
    typed when it was delivered with its kind of type, else as text. To CTE `typed`, the same
    columns as the text path: `<name>__text` (trimmed text when delivered as text, null otherwise;
    for a `str` field the trimmed value), `<name>__native` (the delivered typed value) and
    `<name>` (the typed value, or the text cast to the type). Nothing is parsed when the column
    came typed. -#}
{% macro platform_base_parse_typed(base) -%}
texts as {{ platform_streamed_cte(base) }}(

    select
        _delivered_dt,
        _source_file,
        _line_no,
        _loaded_at,
        false as _encoding_error,
        true as _is_object,
        case when _extra_columns is not null then {{ array_sorted(split_text('_extra_columns', ',')) }} end as _extra_fields,
{%- for f in base.fields %}
        {%- if f.type == 'str' %}
        {{ platform_trimmed(adapter.quote(f.name)) }} as {{ adapter.quote(f.name ~ '__text') }}
        {%- else %}
        {{ platform_trimmed(adapter.quote(f.name ~ '__text')) }} as {{ adapter.quote(f.name ~ '__text') }}
        {%- if platform_base_native(f) %},
        {{ adapter.quote(f.name) }} as {{ adapter.quote(f.name ~ '__native') }}
        {%- endif %}
        {%- endif %}{% if not loop.last %},{% endif %}
{%- endfor %}
    from {% if base.incremental %}batch_rows{% else %}{{ base.relation }}{% endif %} as raw

),

typed as {{ platform_streamed_cte(base) }}(

    select
        *,
{%- for f in base.fields %}
        {%- set t = adapter.quote(f.name ~ '__text') %}
        {%- if f.type == 'str' %}
        {{ t }} as {{ adapter.quote(f.name) }}
        {%- elif platform_base_native(f) %}
        case when {{ t }} is null then {{ adapter.quote(f.name ~ '__native') }} else {{ platform_base_cast(f, t) }} end as {{ adapter.quote(f.name) }}
        {%- else %}
        {{ platform_base_cast(f, t) }} as {{ adapter.quote(f.name) }}
        {%- endif %}{% if not loop.last %},{% endif %}
{%- endfor %}
    from texts

),
{%- endmacro %}
