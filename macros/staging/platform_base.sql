{#-
    platform_base: one row per raw record of a feed, parsed, typed, checked and classified.

    Each base model (models/staging/platform/base/base_platform__<feed>.sql) is one call,
    `platform_base('<feed>')`; the feed's declaration (format, key, dedup, fields) is its entry in
    the feed registry, var `platform_feeds` in dbt_project.yml. This macro writes the SQL.
    Every raw record gets exactly one `_record_status`:
      clean        the record that staging keeps
      quarantined  rejected, with `_reason_code` / `_reason_detail`
      duplicate    same values (after parsing and normalising) as an earlier delivery of its key
      superseded   an older version: a restated impressions / snapshot row, or content with an older updated_at

    Checks run in this order; the first that fails is the record's only reason:
      1 invalid_encoding         the line's bytes were not UTF-8
      2 malformed_json           not a JSON object
      3 missing_required_field   a required field absent, null or blank
      4 unparsable_timestamp     a timestamp / date that is not ISO-8601
      5 impossible_timestamp     ISO-shaped but no such instant, before 2000, or an event time more than
                                 one day after the file's delivery day
      6 unknown_enum_value       a value outside the contract's list
      7 invalid_type             a number / boolean / list that does not cast
      8 negative_count           a count below zero
      9 out_of_range             a bounded number outside its bounds (score, inclusion_prob)
     10 violating_without_policy a feed-specific rule (prevalence sample labelled violating, no policy)
     11 unknown_reference        an id that no delivered record of the referenced feed carries, or a
                                 policy code that is not in the policies seed (held: see below)
     12 conflicting_duplicate    same key as an earlier valid record, different values (dedup 'first')

    Field keys (registry): name, type (str|int|float|bool|ts|date|month|str_list|str_split), required,
    enum (list), nonneg, range ([lo, hi], lo exclusive when lo_open), event_time (future check),
    pii (output name of its keyed hash), target_pii (pseudonymise when target_type = 'account'),
    drop (kept out of the output, still part of the record's identity), flag (output a has_ boolean
    instead of the value), ref (accounts|content|target|reports|reviews|actions|policies; a policies
    reference is checked against the seed `policies`: a null code is not checked, an unseeded one is
    held, so a new policy must be seeded before its records count).

    Incremental (materialized incremental, delete+insert on _source_file + _line_no): a run parses
    only the raw records it has to, the batch:
      - every record of a file no earlier run processed (whatever its delivery day: late files too),
        or that the loader has replaced since (a re-delivered file gets a new _loaded_at),
      - every record delivered in the run's window [var window_start, var window_end) (a backfill
        re-derives its delivery days),
      - every record held back as unknown_reference (its referenced record may have arrived since,
        or its policy code been seeded),
      - every stored record that passed its checks but whose policy code the seed no longer has
        (ids of feeds only grow; a seed can lose a code).
    Deduplication needs all versions of a key: the batch is ranked together with the stored
    records of every key it touches (or a replaced file's old records, or a record whose code left
    the seed, touched), and all of them are rewritten; old records of a replaced file that were not
    rewritten are then deleted. A record's fate depends only on itself, on the ids of referenced
    feeds (which only grow), on the policies seed (re-checked both ways every run) and on the other
    records of its key, so the table equals a full refresh after every run. `_batch_id` is the dbt
    invocation that last wrote the record.

    dedup: 'first'  (first delivered version wins, later different versions quarantined),
           'latest' (last delivered version wins, earlier different versions superseded),
           'version' (conflicts resolved as 'first' within key + version_by; the newest version wins).
-#}
{% macro platform_base(feed) -%}
{%- set spec = platform_feed(feed) -%}
{%- set relation = source('platform', feed) -%}
{%- set fields = spec['fields'] -%}
{%- set key = spec['key'] -%}
{%- set format = 'jsonl' if spec['format'] == 'jsonl' else 'columns' -%}
{%- set dedup = spec.get('dedup', 'first') -%}
{%- set version_by = spec.get('version_by') -%}
{%- set extra_checks = spec.get('extra_checks', []) -%}

{%- set ns = namespace(all_names=[], key_out=[], policy_fields=[]) -%}
{%- for f in fields %}{% set ns.all_names = ns.all_names + [f.name] %}{% endfor -%}
{%- for f in fields if f.ref is defined and f.ref == 'policies' -%}
    {%- if f.pii is defined or f.target_pii or f.drop or f.flag is defined -%}
        {{ exceptions.raise_compiler_error("policy reference " ~ f.name ~ " must be output as it is (no pii, target_pii, drop or flag)") }}
    {%- endif -%}
    {%- set ns.policy_fields = ns.policy_fields + [f.name] -%}
{%- endfor -%}

{%- set ns.key_out = [] -%}
{%- for k in key -%}
    {%- for f in fields if f.name == k %}{% set ns.key_out = ns.key_out + [f.pii if f.pii is defined else k] %}{% endfor -%}
{%- endfor -%}
{%- set incremental = is_incremental() -%}
{%- set window_start = var('window_start', '') -%}
{%- set window_end = var('window_end', '') -%}

with
{%- if incremental %}


{# The loader replaces a changed file's rows (new _loaded_at): stored records whose file and
    load time are no longer in the ledger are stale. Their file is parsed again, their keys are
    re-ranked, and the post-hook platform_base_delete_stale removes what is left of them. #}
ledger as (

    select
        path as _source_file,
        loaded_at as _loaded_at,
        delivered_dt as _delivered_dt
    from {{ source('platform', '_files') }}
    where feed = '{{ relation.identifier }}'

),

processed_files as (

    select distinct
        _source_file,
        _loaded_at
    from {{ this }}

),

{#- Files parsed whole: new or replaced since they were processed, or delivered in the window.
    The raw scans below filter on this small set, so DuckDB skips other files' row groups. -#}
files_to_parse as (

    select ledger._source_file
    from ledger
    where
        not exists (
            select 1 from processed_files
            where
                processed_files._source_file = ledger._source_file
                and processed_files._loaded_at = ledger._loaded_at
        )
        {%- if window_start and window_end %}
        or (ledger._delivered_dt >= date '{{ window_start }}' and ledger._delivered_dt < date '{{ window_end }}')
        {%- endif %}

),

stale as (

    select
        stored._source_file,
        stored._line_no
        {%- for k in ns.key_out %},
        stored."{{ k }}"
        {%- endfor %}
    from {{ this }} as stored
    where not exists (
        select 1 from ledger
        where ledger._source_file = stored._source_file and ledger._loaded_at = stored._loaded_at
    )

),

held_references as (

    select
        _source_file,
        _line_no
    from {{ this }}
    where _reason_code = 'unknown_reference'

),

{%- if ns.policy_fields %}

{#- Stored records that passed their checks (clean, duplicate, superseded, or a conflicting
    duplicate) with a policy code the seed no longer has: checked again, their keys re-ranked.
    Disjoint from held_references (those are quarantined as unknown_reference). -#}
unseeded_policies as (

    select
        stored._source_file,
        stored._line_no
        {%- for k in ns.key_out %},
        stored."{{ k }}"
        {%- endfor %}
    from {{ this }} as stored
    where
        (stored._record_status <> 'quarantined' or stored._reason_code = 'conflicting_duplicate')
        and (
            {%- for name in ns.policy_fields %}
            {% if not loop.first %}or {% endif %}(
                stored."{{ name }}" is not null
                and not exists (
                    select 1 from {{ ref('policies') }} as policies
                    where policies.policy_code = stored."{{ name }}"
                )
            )
            {%- endfor %}
        )

),
{%- endif %}

batch_rows as (

    select raw.*
    from {{ relation }} as raw
    where raw._source_file in (select files_to_parse._source_file from files_to_parse)

    union all

    select raw.*
    from {{ relation }} as raw
    inner join held_references
        on
            raw._source_file = held_references._source_file
            and raw._line_no = held_references._line_no
    where raw._source_file not in (select files_to_parse._source_file from files_to_parse)
{%- if ns.policy_fields %}

    union all

    select raw.*
    from {{ relation }} as raw
    inner join unseeded_policies
        on
            raw._source_file = unseeded_policies._source_file
            and raw._line_no = unseeded_policies._line_no
    where raw._source_file not in (select files_to_parse._source_file from files_to_parse)
{%- endif %}

),
{%- endif %}

source as (

    select
        raw.*,
        {%- if format == 'jsonl' %}
        case when {{ is_strict_json('raw._record') }} then raw._record end as _valid_json
        {%- else %}
        null as _valid_json
        {%- endif %}
    from {% if incremental %}batch_rows{% else %}{{ relation }}{% endif %} as raw

),

extracted as (

    select
        _delivered_dt,
        _source_file,
        _line_no,
        _loaded_at,
{%- if format == 'jsonl' %}
        coalesce(_encoding_error, false) as _encoding_error,
        coalesce(json_type(_valid_json) = 'OBJECT', false) as _is_object,
        json_extract_string(
            _valid_json,
            [{% for n in ns.all_names %}'$."{{ n }}"'{% if not loop.last %}, {% endif %}{% endfor %}]
        ) as _values,
        case
            when json_type(_valid_json) = 'OBJECT'
                then list_filter(
                    json_keys(_valid_json),
                    lambda k: not list_contains([{% for n in ns.all_names %}'{{ n }}'{% if not loop.last %}, {% endif %}{% endfor %}], k)
                )
        end as _extra_list
{%- else %}
        false as _encoding_error,
        true as _is_object,
        [{% for n in ns.all_names %}"{{ n }}"{% if not loop.last %}, {% endif %}{% endfor %}] as _values,
        string_split(_extra_columns, ',') as _extra_list
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
        case when len(_extra_list) > 0 then list_sort(_extra_list) end as _extra_fields,
{%- for f in fields %}
        nullif(trim(_values[{{ loop.index }}]), '') as "{{ f.name }}__text"{% if not loop.last %},{% endif %}
{%- endfor %}
    from extracted

),

typed as (

    select
        *,
{%- for f in fields %}
        {% set t = '"' ~ f.name ~ '__text"' -%}
        {%- if f.type == 'int' -%} try_cast({{ t }} as bigint)
        {%- elif f.type == 'float' -%} try_cast({{ t }} as double)
        {%- elif f.type == 'bool' -%} try_cast({{ t }} as boolean)
        {%- elif f.type == 'ts' -%} {{ parse_ts_utc(t) }}
        {%- elif f.type == 'date' -%} try_cast({{ t }} as date)
        {%- elif f.type == 'month' -%} case when regexp_matches({{ t }}, '^\d{4}-\d{2}$') then try_cast({{ t }} || '-01' as date) end
        {%- elif f.type == 'str_list' -%} case when json_valid({{ t }}) then try_cast(json({{ t }}) as varchar[]) end
        {%- elif f.type == 'str_split' -%} list_filter(list_transform(string_split({{ t }}, ';'), lambda x: trim(x)), lambda x: x <> '')
        {%- else -%} {{ t }}
        {%- endif %} as "{{ f.name }}"{% if not loop.last %},{% endif %}
{%- endfor %}
    from texts

),
{%- for f in fields if f.ref is defined %}

ref_{{ f.name }} as (

    {{ platform_ref_ids(f.ref) }}

),
{%- endfor %}

checked as (

    select
        typed.*,
        case
            when _encoding_error then 'invalid_encoding'
            when not _is_object then 'malformed_json'
{%- for f in fields if f.required %}
            when "{{ f.name }}__text" is null then 'missing_required_field'
{%- endfor %}
{%- for f in fields if f.type in ('ts', 'date', 'month') %}
            when "{{ f.name }}__text" is not null and not {% if f.type == 'month' %}regexp_matches("{{ f.name }}__text", '^\d{4}-\d{2}$'){% else %}{{ is_iso_timestamp('"' ~ f.name ~ '__text"') }}{% endif %}
                then 'unparsable_timestamp'
{%- endfor %}
{%- for f in fields if f.type in ('ts', 'date', 'month') %}
            when "{{ f.name }}__text" is not null and (
                "{{ f.name }}" is null
                or "{{ f.name }}" < date '2000-01-01'
                {%- if f.event_time %}
                or "{{ f.name }}" >= _delivered_dt + interval 2 day
                {%- endif %}
            )
                then 'impossible_timestamp'
{%- endfor %}
{%- for f in fields if f.enum is defined %}
            when "{{ f.name }}__text" is not null
                and "{{ f.name }}__text" not in ({% for v in f.enum %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
                then 'unknown_enum_value'
{%- endfor %}
{%- for f in fields if f.type in ('int', 'float', 'bool', 'str_list') %}
            when "{{ f.name }}__text" is not null and "{{ f.name }}" is null then 'invalid_type'
{%- endfor %}
{%- for f in fields if f.nonneg %}
            when "{{ f.name }}" < 0 then 'negative_count'
{%- endfor %}
{%- for f in fields if f.range is defined %}
            when "{{ f.name }}" {% if f.lo_open %}<={% else %}<{% endif %} {{ f.range[0] }} or "{{ f.name }}" > {{ f.range[1] }} then 'out_of_range'
{%- endfor %}
{%- for c in extra_checks %}
            when {{ c.when }} then '{{ c.reason }}'
{%- endfor %}
{%- for f in fields if f.ref is defined %}
            when "{{ f.name }}" is not null and not exists (
                select 1 from ref_{{ f.name }} as r
                where r.id = {{ platform_ref_value(f) }}{% if f.ref == 'target' %} and r.target_type = typed.target_type{% endif %}
            )
                then 'unknown_reference'
{%- endfor %}
        end as _row_reason,
        case
            when _encoding_error then 'bytes are not UTF-8'
            when not _is_object then 'not a JSON object'
{%- for f in fields if f.required %}
            when "{{ f.name }}__text" is null then '{{ f.name }}'
{%- endfor %}
{%- for f in fields if f.type in ('ts', 'date', 'month') %}
            when "{{ f.name }}__text" is not null and not {% if f.type == 'month' %}regexp_matches("{{ f.name }}__text", '^\d{4}-\d{2}$'){% else %}{{ is_iso_timestamp('"' ~ f.name ~ '__text"') }}{% endif %}
                then '{{ f.name }}=' || "{{ f.name }}__text"
{%- endfor %}
{%- for f in fields if f.type in ('ts', 'date', 'month') %}
            when "{{ f.name }}__text" is not null and (
                "{{ f.name }}" is null
                or "{{ f.name }}" < date '2000-01-01'
                {%- if f.event_time %}
                or "{{ f.name }}" >= _delivered_dt + interval 2 day
                {%- endif %}
            )
                then '{{ f.name }}=' || "{{ f.name }}__text"
{%- endfor %}
{%- for f in fields if f.enum is defined %}
            when "{{ f.name }}__text" is not null
                and "{{ f.name }}__text" not in ({% for v in f.enum %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
                then '{{ f.name }}=' || "{{ f.name }}__text"
{%- endfor %}
{%- for f in fields if f.type in ('int', 'float', 'bool', 'str_list') %}
            when "{{ f.name }}__text" is not null and "{{ f.name }}" is null then '{{ f.name }}=' || "{{ f.name }}__text"
{%- endfor %}
{%- for f in fields if f.nonneg %}
            when "{{ f.name }}" < 0 then '{{ f.name }}=' || "{{ f.name }}__text"
{%- endfor %}
{%- for f in fields if f.range is defined %}
            when "{{ f.name }}" {% if f.lo_open %}<={% else %}<{% endif %} {{ f.range[0] }} or "{{ f.name }}" > {{ f.range[1] }} then '{{ f.name }}=' || "{{ f.name }}__text"
{%- endfor %}
{%- for c in extra_checks %}
            when {{ c.when }} then '{{ c.detail }}'
{%- endfor %}
{%- for f in fields if f.ref is defined %}
            when "{{ f.name }}" is not null and not exists (
                select 1 from ref_{{ f.name }} as r
                where r.id = {{ platform_ref_value(f) }}{% if f.ref == 'target' %} and r.target_type = typed.target_type{% endif %}
            )
                then '{{ f.name }}=' || "{{ f.name }}__text"
{%- endfor %}
        end as _row_reason_detail,
        md5(to_json(struct_pack(
            {% for f in fields %}"{{ f.name }}" := "{{ f.name }}"{% if not loop.last %}, {% endif %}{% endfor %}
        ))::varchar) as _record_hash
    from typed

),

projected as (

    select
        _delivered_dt,
        _source_file,
        _line_no,
        _loaded_at,
        _row_reason,
        _row_reason_detail,
        _record_hash,
        _extra_fields,
{%- for f in fields if not f.drop %}
        {% if f.flag is defined -%}
        "{{ f.name }}" is not null as {{ f.flag }}
        {%- elif f.pii is defined -%}
        {{ pseudonymise('"' ~ f.name ~ '"') }} as {{ f.pii }}
        {%- elif f.target_pii -%}
        case when target_type = 'account' then {{ pseudonymise('"' ~ f.name ~ '"') }} else "{{ f.name }}" end as "{{ f.name }}"
        {%- else -%}
        "{{ f.name }}"
        {%- endif %}{% if not loop.last %},{% endif %}
{%- endfor %}
    from checked

),

{%- if incremental %}

touched_keys as (

    select distinct
        {%- for k in ns.key_out %}
        "{{ k }}"{% if not loop.last %},{% endif %}
        {%- endfor %}
    from projected
    where _row_reason is null

    union

    select
        {%- for k in ns.key_out %}
        "{{ k }}"{% if not loop.last %},{% endif %}
        {%- endfor %}
    from stale
{%- if ns.policy_fields %}

    union

    select
        {%- for k in ns.key_out %}
        "{{ k }}"{% if not loop.last %},{% endif %}
        {%- endfor %}
    from unseeded_policies
{%- endif %}

),
{%- endif %}

{#- Records that take part in deduplication: the valid records of the batch and, in an incremental
    run, the stored valid records of every key the batch touches (keys compared as stored: a
    person identifier key by its pseudonym). -#}
candidates as (

    select * exclude (_row_reason, _row_reason_detail)
    from projected
    where _row_reason is null
{%- if incremental %}

    union all by name

    select stored.* exclude (_record_status, _reason_code, _reason_detail, _batch_id)
    from {{ this }} as stored
    inner join touched_keys
        on
            {%- for k in ns.key_out %}
            {% if not loop.first %}and {% endif %}stored."{{ k }}" = touched_keys."{{ k }}"
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
    first delivery and winner. -#}
shared_keys as (

    select
        {%- for k in ns.key_out %}
        "{{ k }}",
        {%- endfor %}
        count(*) as _records
    from candidates
    group by all
    having count(*) > 1

),

ranked as (

    select
        *,
        row_number() over (
            partition by {% for k in ns.key_out %}"{{ k }}", {% endfor %}_record_hash
            order by _delivered_dt, _source_file, _line_no
        ) as _hash_seq,
        first_value(_record_hash) over (
            partition by {% for k in ns.key_out %}"{{ k }}"{% if not loop.last %}, {% endif %}{% endfor %}{% if dedup == 'version' %}, "{{ version_by }}"{% endif %}
            order by
                {%- if dedup == 'latest' %} _delivered_dt desc, _source_file desc, _line_no desc
                {%- else %} _delivered_dt, _source_file, _line_no{% endif %}
        ) as _winning_hash,
        {%- if dedup == 'version' %}
        max("{{ version_by }}") over (
            partition by {% for k in ns.key_out %}"{{ k }}"{% if not loop.last %}, {% endif %}{% endfor %}
        ) as _latest_version,
        {%- endif %}
        first_value(_source_file || ':' || _line_no) over (
            partition by {% for k in ns.key_out %}"{{ k }}"{% if not loop.last %}, {% endif %}{% endfor %}{% if dedup == 'version' %}, "{{ version_by }}"{% endif %}
            order by _delivered_dt, _source_file, _line_no
        ) as _first_delivery
    from candidates
    where exists (
        select 1 from shared_keys
        where
            {%- for k in ns.key_out %}
            {% if not loop.first %}and {% endif %}shared_keys."{{ k }}" is not distinct from candidates."{{ k }}"
            {%- endfor %}
    )

    union all by name

    select
        *,
        1 as _hash_seq,
        _record_hash as _winning_hash,
        {%- if dedup == 'version' %}
        "{{ version_by }}" as _latest_version,
        {%- endif %}
        _source_file || ':' || _line_no as _first_delivery
    from candidates
    where not exists (
        select 1 from shared_keys
        where
            {%- for k in ns.key_out %}
            {% if not loop.first %}and {% endif %}shared_keys."{{ k }}" is not distinct from candidates."{{ k }}"
            {%- endfor %}
    )

),

deduplicated as (

    select
        *,
        case
            when _hash_seq > 1 then 'duplicate'
            when _record_hash <> _winning_hash
                then '{% if dedup == "latest" %}superseded{% else %}quarantined{% endif %}'
            {%- if dedup == 'version' %}
            when "{{ version_by }}" < _latest_version then 'superseded'
            {%- endif %}
            else 'clean'
        end as _record_status
    from ranked

),

classified as (

    select
        * exclude (_row_reason, _row_reason_detail),
        'quarantined' as _record_status,
        _row_reason as _reason_code,
        _row_reason_detail as _reason_detail
    from projected
    where _row_reason is not null

    union all by name

    select
        * exclude (_hash_seq, _winning_hash, _first_delivery{% if dedup == 'version' %}, _latest_version{% endif %}),
        case when _record_status = 'quarantined' then 'conflicting_duplicate' end as _reason_code,
        case
            when _record_status = 'quarantined'
                then 'differs from the first delivery of its key: ' || _first_delivery
        end as _reason_detail
    from deduplicated

),

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
{%- for f in fields if not f.drop %}
        {{ f.flag if f.flag is defined else (f.pii if f.pii is defined else '"' ~ f.name ~ '"') }},
{%- endfor %}
        '{{ invocation_id }}' as _batch_id
    from classified

)

select * from final

{%- endmacro %}


{#- The ids a reference may point at: every id that any delivered record of the referenced feed
    carries (whatever that record's fate), so a rejected record never cascades into others; for
    `policies`, every code of the policies seed. -#}
{% macro platform_ref_ids(kind) -%}
    {%- if kind == 'accounts' -%}
    select distinct account_key as id from {{ ref('base_platform__accounts') }} where account_key is not null
    {%- elif kind == 'content' -%}
    select distinct content_id as id from {{ ref('base_platform__content') }} where content_id is not null
    {%- elif kind == 'reports' -%}
    select distinct report_id as id from {{ ref('base_platform__reports') }} where report_id is not null
    {%- elif kind == 'reviews' -%}
    select distinct review_id as id from {{ ref('base_platform__review_events') }} where review_id is not null
    {%- elif kind == 'actions' -%}
    select distinct action_id as id from {{ ref('base_platform__enforcement_actions') }} where action_id is not null
    {%- elif kind == 'policies' -%}
    select distinct policy_code as id from {{ ref('policies') }} where policy_code is not null
    {%- elif kind == 'target' -%}
    select distinct 'account' as target_type, account_key as id
    from {{ ref('base_platform__accounts') }} where account_key is not null
    union all
    select distinct 'content' as target_type, content_id as id
    from {{ ref('base_platform__content') }} where content_id is not null
    {%- else -%}
    {{ exceptions.raise_compiler_error("unknown reference kind " ~ kind) }}
    {%- endif -%}
{%- endmacro %}


{#- The value compared with the referenced ids: account ids are compared by their pseudonym. -#}
{% macro platform_ref_value(f) -%}
    {%- if f.ref == 'accounts' -%}
    {{ pseudonymise('typed."' ~ f.name ~ '"') }}
    {%- elif f.ref == 'target' -%}
    case when typed.target_type = 'account' then {{ pseudonymise('typed."' ~ f.name ~ '"') }} else typed."{{ f.name }}" end
    {%- else -%}
    typed."{{ f.name }}"
    {%- endif -%}
{%- endmacro %}


{#- Post-hook of the base models: drop stored records of a file the loader has since replaced
    (their load time is no longer the ledger's) that the run did not rewrite, e.g. lines a
    re-delivered, shorter file no longer has. A no-op in a full refresh. -#}
{% macro platform_base_delete_stale() -%}
    delete from {{ this }} as stored
    where not exists (
        select 1 from {{ source('platform', '_files') }} as ledger
        where ledger.path = stored._source_file and ledger.loaded_at = stored._loaded_at
    )
{%- endmacro %}
