{#- platform_base, step 3: the checks. The ordered check list, written once: one entry per
    check a record can fail, in the order they run (reason codes 1-11 of platform_base.sql; 12,
    conflicting_duplicate, is decided by platform_base_dedup). An entry is
      reason  the reason code
      when    SQL condition on CTE `typed`, true when the record fails the check
      detail  SQL for the `_reason_detail` text
    Adding a check is one entry here, at its place in the order. -#}
{% macro platform_base_checks(base) -%}
{%- set checks = [] -%}

{#- 1, 2: the line itself -#}
{%- do checks.append({'reason': 'invalid_encoding', 'when': '_encoding_error', 'detail': "'bytes are not UTF-8'"}) -%}
{%- do checks.append({'reason': 'malformed_json', 'when': 'not _is_object', 'detail': "'not a JSON object'"}) -%}

{#- 3: a required field absent, null or blank; the detail names the field -#}
{%- for f in base.fields if f.required -%}
    {%- set when %}not {{ platform_base_present(base, f) }}{% endset -%}
    {%- do checks.append({'reason': 'missing_required_field', 'when': when, 'detail': "'" ~ f.name ~ "'"}) -%}
{%- endfor -%}

{#- 4: a timestamp, date or month whose text is not ISO-8601 -#}
{%- for f in base.fields if f.type in ('ts', 'date', 'month') -%}
    {%- set when -%}
            {{ adapter.quote(f.name ~ '__text') }} is not null and not {% if f.type == 'month' %}{{ regex_matches(adapter.quote(f.name ~ '__text'), "'^\\d{4}-\\d{2}$'") }}{% else %}{{ is_iso_timestamp(adapter.quote(f.name ~ '__text')) }}{% endif %}
    {%- endset -%}
    {%- do checks.append({'reason': 'unparsable_timestamp', 'when': when, 'detail': platform_base_shown(base, f)}) -%}
{%- endfor -%}

{#- 5: ISO-shaped but no such instant, before 2000, or (event_time) on or after delivery day + 2 -#}
{%- for f in base.fields if f.type in ('ts', 'date', 'month') -%}
    {%- set when -%}
            {{ platform_base_present(base, f) }} and (
                {{ adapter.quote(f.name) }} is null
                or {{ adapter.quote(f.name) }} < date '2000-01-01'
                {%- if f.event_time %}
                or {{ adapter.quote(f.name) }} >= _delivered_dt + interval 2 day
                {%- endif %}
            )
    {%- endset -%}
    {%- do checks.append({'reason': 'impossible_timestamp', 'when': when, 'detail': platform_base_shown(base, f)}) -%}
{%- endfor -%}

{#- 6: a value outside the contract's list -#}
{%- for f in base.fields if f.enum is defined -%}
    {%- set when -%}
            {{ platform_base_present(base, f) }}
                and {{ platform_base_text(base, f) }} not in ({% for v in f.enum %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endset -%}
    {%- do checks.append({'reason': 'unknown_enum_value', 'when': when, 'detail': platform_base_shown(base, f)}) -%}
{%- endfor -%}

{#- 7: a number, boolean or list whose text does not cast -#}
{%- for f in base.fields if f.type in ('int', 'float', 'bool', 'str_list') -%}
    {%- set when %}{{ adapter.quote(f.name ~ '__text') }} is not null and {{ adapter.quote(f.name) }} is null{% endset -%}
    {%- do checks.append({'reason': 'invalid_type', 'when': when, 'detail': platform_base_shown(base, f)}) -%}
{%- endfor -%}

{#- 8: a count below zero -#}
{%- for f in base.fields if f.nonneg -%}
    {%- set when %}{{ adapter.quote(f.name) }} < 0{% endset -%}
    {%- do checks.append({'reason': 'negative_count', 'when': when, 'detail': platform_base_shown(base, f)}) -%}
{%- endfor -%}

{#- 9: a bounded number outside its bounds (lo exclusive when lo_open) -#}
{%- for f in base.fields if f.range is defined -%}
    {%- set when %}{{ adapter.quote(f.name) }} {% if f.lo_open %}<={% else %}<{% endif %} {{ f.range[0] }} or {{ adapter.quote(f.name) }} > {{ f.range[1] }}{% endset -%}
    {%- do checks.append({'reason': 'out_of_range', 'when': when, 'detail': platform_base_shown(base, f)}) -%}
{%- endfor -%}

{#- 10: the feed's own rules (registry extra_checks: when, reason, detail text) -#}
{%- for c in base.extra_checks -%}
    {%- do checks.append({'reason': c.reason, 'when': c.when, 'detail': "'" ~ c.detail ~ "'"}) -%}
{%- endfor -%}

{#- 11: an id no delivered record of the referenced feed carries, or an unseeded policy code -#}
{%- for f in base.fields if f.ref is defined -%}
    {%- set when -%}
            {{ adapter.quote(f.name) }} is not null and not exists (
                select 1 from ref_{{ f.name }} as r
                where r.id = {{ platform_ref_value(f) }}{% if f.ref == 'target' %} and r.target_type = typed.target_type{% endif %}
            )
    {%- endset -%}
    {%- do checks.append({'reason': 'unknown_reference', 'when': when, 'detail': platform_base_shown(base, f)}) -%}
{%- endfor -%}

{{ return(checks) }}
{%- endmacro %}


{#- The detail of a failed field check: the field and its text as delivered, e.g. `score=1.7`. -#}
{% macro platform_base_shown(base, f) -%}
'{{ f.name }}=' || {{ platform_base_text(base, f) }}
{%- endmacro %}


{#- True when the record carries a value for the field (text that is not blank, or a typed value). -#}
{% macro platform_base_present(base, f) -%}
    {%- if base.format == 'typed' and platform_base_native(f) -%}
({{ adapter.quote(f.name ~ '__text') }} is not null or {{ adapter.quote(f.name ~ '__native') }} is not null)
    {%- else -%}
{{ adapter.quote(f.name ~ '__text') }} is not null
    {%- endif -%}
{%- endmacro %}


{#- The field's value as delivered, as text: its text, or a typed Parquet value written as the
    loader writes such a value when it is text (a timestamp as ISO-8601 UTC with microseconds). -#}
{% macro platform_base_text(base, f) -%}
    {%- if base.format == 'typed' and platform_base_native(f) -%}
        {%- if f.type == 'ts' -%}
coalesce({{ adapter.quote(f.name ~ '__text') }}, {{ iso_timestamp_text(adapter.quote(f.name ~ '__native')) }} || 'Z')
        {%- else -%}
coalesce({{ adapter.quote(f.name ~ '__text') }}, cast({{ adapter.quote(f.name ~ '__native') }} as {{ dbt.type_string() }}))
        {%- endif -%}
    {%- else -%}
{{ adapter.quote(f.name ~ '__text') }}
    {%- endif -%}
{%- endmacro %}


{#- CTEs `first_failures` (`typed` plus `_first_failure`, the number of the first failing check,
    each condition evaluated once) and `checked`: `_row_reason` (the reason code of the first
    failing check, null when the record passes them all) and `_row_reason_detail`, both rendered
    from the one list,
    platform_base_checks(); `_record_hash`, the record's identity in deduplication (its parsed
    values, every field, dropped ones too); before it, one CTE `ref_<field>` per reference field
    holding the ids the field may point at. -#}
{% macro platform_base_checked(base) -%}
{%- set checks = platform_base_checks(base) -%}
{%- for f in base.fields if f.ref is defined -%}
ref_{{ f.name }} as (

    {{ platform_ref_ids(f.ref) }}

),

{% endfor -%}
first_failures as {{ platform_streamed_cte(base) }}(

    select
        typed.*,
        {#- each check's condition is evaluated once: the number of the first that fails (behind
            an optimiser barrier: Spark would otherwise inline every check into each filter on it) -#}
        {%- set first_failure -%}
        case
{%- for c in checks %}
            when {{ c.when }}
                then {{ loop.index }}
{%- endfor %}
        end
        {%- endset %}
        {{ optimizer_barrier(first_failure) }} as _first_failure
    from typed

),

checked as {{ platform_streamed_cte(base) }}(

    select
        first_failures.*,
        case _first_failure
{%- for c in checks %}
            when {{ loop.index }} then '{{ c.reason }}'
{%- endfor %}
        end as _row_reason,
        case _first_failure
{%- for c in checks %}
            when {{ loop.index }} then {{ c.detail }}
{%- endfor %}
        end as _row_reason_detail,
        {% if base.format == 'typed' -%}
        cast(null as {{ dbt.type_string() }})
        {%- else -%}
        {{ platform_base_record_hash(base) }}
        {%- endif %} as _record_hash
    from first_failures

),
{%- endmacro %}



{#- A record's identity in deduplication: a hash of its values, every field (dropped ones too).
    A Parquet feed's records are hashed only where their key was delivered more than once
    (platform_base_dedup), from their output values, which are their values (no field of such a
    feed is pseudonymised, dropped or flagged). -#}
{% macro platform_base_record_hash(base) -%}
    {%- set pairs = [] -%}
    {%- for f in base.fields -%}
        {%- do pairs.append((f.name, adapter.quote(f.name))) -%}
    {%- endfor -%}
md5({{ json_object_text(pairs) }})
{%- endmacro %}
