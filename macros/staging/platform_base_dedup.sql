{#- platform_base, step 5: deduplication and classification, from `projected` to CTE
    `classified` (every record with its `_record_status`, `_reason_code`, `_reason_detail`).
    The candidates are the records that passed every check and, in an incremental run, the stored
    valid records of every key the batch touches. Within a key, a repeated hash is a duplicate; a
    different hash loses to the winning version (dedup 'first': the first delivery, a
    conflicting_duplicate; 'latest': the last delivery, superseded; 'version': 'first' within key
    + version_by, and an older version_by is superseded). Records that failed a check are
    quarantined with their check's reason. A Parquet feed's records get their `_record_hash` here,
    and only where their key has several records (a lone record needs none; most impressions
    keys are delivered once). Records are routed by `_first_failure` (the number of their first
    failing check, null when they pass), not by the reason text: a filter on the text's CASE cost
    7x more at scale m. -#}
{% macro platform_base_dedup(base) -%}
{%- set key_out = base.key_out -%}
{%- set dedup = base.dedup -%}
{%- set version_by = base.version_by -%}
{%- set record = platform_base_record_columns(base) -%}
{%- set hashed = [] -%}
{%- for c in record %}{% do hashed.append('shared_record_hash as _record_hash' if c == '_record_hash' else c) %}{% endfor -%}
{%- set unhashed = [] -%}
{%- for c in record %}{% do unhashed.append('cast(null as ' ~ dbt.type_string() ~ ') as _record_hash' if c == '_record_hash' else c) %}{% endfor -%}
{%- if base.incremental -%}
touched_keys as (

    select distinct
        {%- for k in key_out %}
        {{ adapter.quote(k) }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from projected
    where _first_failure is null

    union

    select
        {%- for k in key_out %}
        {{ adapter.quote(k) }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from stale
{%- if base.policy_fields %}

    union

    select
        {%- for k in key_out %}
        {{ adapter.quote(k) }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from unseeded_policies
{%- endif %}

),

{% endif -%}

{#- Records that take part in deduplication: the valid records of the batch and, in an incremental
    run, the stored valid records of every key the batch touches (keys compared as stored: a
    person identifier key by its pseudonym). -#}
candidates as {{ platform_streamed_cte(base) if not base.incremental }}(

    select {{ record | join(', ') }}
    from projected
    where _first_failure is null
{%- if base.incremental %}

    union all

    select {% for c in record %}stored.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
    from {{ this }} as stored
    inner join touched_keys
        on
            {%- for k in key_out %}
            {% if not loop.first %}and {% endif %}stored.{{ adapter.quote(k) }} = touched_keys.{{ adapter.quote(k) }}
            {%- endfor %}
    where
        (stored._record_status <> 'quarantined' or stored._reason_code = 'conflicting_duplicate')
        and not exists (
            select 1 from projected as batch
            where batch._source_file = stored._source_file and batch._line_no = stored._line_no
        )
        and not exists (
            select 1 from stale
            where stale._source_file = stored._source_file and stale._line_no = stored._line_no
        )
{%- endif %}

),

{#- Most keys are delivered once: only keys with several records go through the window
    functions (sorting every record would spill gigabytes at scale m); a lone record is its key's
    first delivery and winner. Keys are counted by a hash of the key (one integer per record, a
    far smaller aggregate than the key's columns): a collision only sends another key's records
    through the window functions too, which rank them exactly by their key. -#}
shared_keys as (

    select
        {{ platform_key_hash(key_out) }} as _key_hash,
        count(*) as _records
    from candidates
    group by 1
    having count(*) > 1

),

ranked as (

    select
        {{ record | join(',\n        ') }},
        row_number() over (
            partition by {% for k in key_out %}{{ adapter.quote(k) }}, {% endfor %}_record_hash
            order by _delivered_dt, _source_file, _line_no
        ) as _hash_seq,
        first_value(_record_hash) over (
            partition by {% for k in key_out %}{{ adapter.quote(k) }}{% if not loop.last %}, {% endif %}{% endfor %}{% if dedup == 'version' %}, {{ adapter.quote(version_by) }}{% endif %}
            order by
                {%- if dedup == 'latest' %} _delivered_dt desc, _source_file desc, _line_no desc
                {%- else %} _delivered_dt, _source_file, _line_no{% endif %}
        ) as _winning_hash,
        {%- if dedup == 'version' %}
        max({{ adapter.quote(version_by) }}) over (
            partition by {% for k in key_out %}{{ adapter.quote(k) }}{% if not loop.last %}, {% endif %}{% endfor %}
        ) as _latest_version,
        {%- endif %}
        first_value(_source_file || ':' || _line_no) over (
            partition by {% for k in key_out %}{{ adapter.quote(k) }}{% if not loop.last %}, {% endif %}{% endfor %}{% if dedup == 'version' %}, {{ adapter.quote(version_by) }}{% endif %}
            order by _delivered_dt, _source_file, _line_no
        ) as _first_delivery
    from (
        {#- a Parquet feed's records are hashed here, once the few of shared keys are picked (and
            only where the key itself repeats, not just its hash) -#}
        select
            {{ (hashed if base.format == 'typed' else record) | join(',\n            ') }}
        from (
            select
                *{% if base.format == 'typed' %},
                case
                    when count(*) over (partition by {% for k in key_out %}{{ adapter.quote(k) }}{% if not loop.last %}, {% endif %}{% endfor %}) > 1
                        then {{ platform_base_record_hash(base) }}
                end as shared_record_hash{% endif %}
            from candidates
            where {{ platform_key_hash(key_out) }} in (select shared_keys._key_hash from shared_keys)
        ) as shared_candidates
    ) as shared

    union all

    select
        {{ (unhashed if base.format == 'typed' else record) | join(',\n        ') }},
        1 as _hash_seq,
        cast(null as {{ dbt.type_string() }}) as _winning_hash,
        {%- if dedup == 'version' %}
        {{ adapter.quote(version_by) }} as _latest_version,
        {%- endif %}
        cast(null as {{ dbt.type_string() }}) as _first_delivery
    from candidates
    where {{ platform_key_hash(key_out) }} not in (select shared_keys._key_hash from shared_keys)

),

deduplicated as (

    select
        {{ record | join(',\n        ') }},
        _hash_seq,
        _winning_hash,
        _first_delivery,
        {%- if dedup == 'version' %}
        _latest_version,
        {%- endif %}
        case
            when _hash_seq > 1 then 'duplicate'
            when _record_hash <> _winning_hash
                then '{% if dedup == "latest" %}superseded{% else %}quarantined{% endif %}'
            {%- if dedup == 'version' %}
            when {{ adapter.quote(version_by) }} < _latest_version then 'superseded'
            {%- endif %}
            else 'clean'
        end as _record_status
    from ranked

),

classified as (

    select
        {{ record | join(',\n        ') }},
        'quarantined' as _record_status,
        _row_reason as _reason_code,
        _row_reason_detail as _reason_detail
    from projected
    where _first_failure is not null

    union all

    select
        {{ record | join(',\n        ') }},
        _record_status,
        case when _record_status = 'quarantined' then 'conflicting_duplicate' end as _reason_code,
        case
            when _record_status = 'quarantined'
                then 'differs from the first delivery of its key: ' || _first_delivery
        end as _reason_detail
    from deduplicated

),
{%- endmacro %}


{#- A hash of a record's key columns (quoted names), to count and match keys by one integer:
    macro key_hash (macros/key_hash.sql), dispatched per engine. -#}
{% macro platform_key_hash(columns) -%}
    {%- set quoted = [] -%}
    {%- for k in columns %}{% do quoted.append(adapter.quote(k)) %}{% endfor -%}
    {{ key_hash(quoted) }}
{%- endmacro %}


{#- The columns a record carries from `projected` through deduplication: its place, hash and
    unknown fields, and its output fields (quoted), in one fixed order. -#}
{% macro platform_base_record_columns(base) -%}
    {%- set columns = ['_delivered_dt', '_source_file', '_line_no', '_loaded_at', '_record_hash', '_extra_fields'] -%}
    {%- for f in base.fields if not f.drop -%}
        {%- do columns.append(f.flag if f.flag is defined else (f.pii if f.pii is defined else adapter.quote(f.name))) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
