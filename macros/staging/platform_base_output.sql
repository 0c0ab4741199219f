{#- platform_base, step 4: CTE `projected`, the checked records with their output columns: a pii
    field by its keyed hash under its output name, a target_pii field pseudonymised when it points
    at an account, a flag field as its has_ boolean, a drop field left out. Deduplication compares
    keys as output here (a person identifier key by its pseudonym). -#}
{% macro platform_base_projected(base) -%}
projected as {{ platform_streamed_cte(base) }}(

    select
        _delivered_dt,
        _source_file,
        _line_no,
        _loaded_at,
        _first_failure,
        _row_reason,
        _row_reason_detail,
        _record_hash,
        _extra_fields,
{%- for f in base.fields if not f.drop %}
        {% if f.flag is defined -%}
        {{ adapter.quote(f.name) }} is not null as {{ f.flag }}
        {%- elif f.pii is defined -%}
        {{ pseudonymise(adapter.quote(f.name)) }} as {{ f.pii }}
        {%- elif f.target_pii -%}
        case when target_type = 'account' then {{ pseudonymise(adapter.quote(f.name)) }} else {{ adapter.quote(f.name) }} end as {{ adapter.quote(f.name) }}
        {%- else -%}
        {{ adapter.quote(f.name) }}
        {%- endif %}{% if not loop.last %},{% endif %}
{%- endfor %}
    from checked

),
{%- endmacro %}


{#- platform_base, step 6: CTE `final`, the model's columns in their order: the record's place
    (delivery day, file, line, load time), its status, reason and hash, its unknown fields, the
    output fields, and `_batch_id` (the dbt invocation that wrote it). -#}
{% macro platform_base_final(base) -%}
final as (

    select
        _delivered_dt,
        _source_file,
        _line_no,
        _loaded_at,
        _record_status,
        _reason_code,
        _reason_detail,
        _record_hash,
        _extra_fields,
{%- for f in base.fields if not f.drop %}
        {{ f.flag if f.flag is defined else (f.pii if f.pii is defined else adapter.quote(f.name)) }},
{%- endfor %}
        '{{ invocation_id }}' as _batch_id
    from classified

)
{%- endmacro %}
