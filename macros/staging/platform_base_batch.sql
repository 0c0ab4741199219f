{#- platform_base, step 1 (incremental runs only): the batch, the raw records this run parses,
    as CTE `batch_rows` (the raw table's columns), and the stored records whose keys must be
    re-ranked with it (CTEs `stale` and `unseeded_policies`, read by platform_base_dedup).
    The batch: every record of a file that is new or replaced since it was processed, or delivered
    in the run's window [window_start, window_end) (macro run_window); every record held back as
    unknown_reference; every stored record that passed its checks whose policy code the seed no
    longer has. -#}
{% macro platform_base_batch(base) -%}
{%- set window_start, window_end = run_window() -%}
{#- The loader replaces a changed file's rows (new _loaded_at): stored records whose file and
    load time are no longer in the ledger are stale. Their file is parsed again, their keys are
    re-ranked, and the post-hook platform_base_delete_stale removes what is left of them. -#}
ledger as (

    select
        path as _source_file,
        loaded_at as _loaded_at,
        delivered_dt as _delivered_dt
    from {{ source('platform', '_files') }}
    where feed = '{{ base.feed }}'

),

{#- Per stored file, the load times its records carry: one in a settled table (a run rewrites a
    replaced file whole); two or more only while stale records of a replaced file remain. Grouped
    by file (a column of a few hundred values), not by (file, load time): the whole table is
    read once, in its two cheapest columns. -#}
processed_files as (

    select
        _source_file,
        min(_loaded_at) as _first_loaded_at,
        max(_loaded_at) as _last_loaded_at
    from {{ this }}
    group by _source_file

),

{#- Files parsed whole: new or replaced since they were processed (every stored record of the
    file carries the ledger's load time, or the file is parsed again), or delivered in the window.
    The raw scans below filter on this small set, so DuckDB skips other files' row groups. -#}
files_to_parse as (

    select ledger._source_file
    from ledger
    where
        not exists (
            select 1 from processed_files
            where
                processed_files._source_file = ledger._source_file
                and processed_files._first_loaded_at = ledger._loaded_at
                and processed_files._last_loaded_at = ledger._loaded_at
        )
        {%- if window_start and window_end %}
        or (ledger._delivered_dt >= date '{{ window_start }}' and ledger._delivered_dt < date '{{ window_end }}')
        {%- endif %}

),

{#- Stored files holding a record whose load time is not the ledger's (a replaced file, or one
    the ledger no longer lists): only their records are compared with the ledger below, so a run
    with no replaced file reads no stored record for this. -#}
stale_files as (

    select processed_files._source_file
    from processed_files
    where not exists (
        select 1 from ledger
        where
            ledger._source_file = processed_files._source_file
            and ledger._loaded_at = processed_files._first_loaded_at
            and ledger._loaded_at = processed_files._last_loaded_at
    )

),

stale as (

    select
        stored._source_file,
        stored._line_no
        {%- for k in base.key_out %},
        stored.{{ adapter.quote(k) }}
        {%- endfor %}
    from {{ this }} as stored
    inner join stale_files
        on stored._source_file = stale_files._source_file
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

{%- if base.policy_fields %}

{#- Stored records that passed their checks (clean, duplicate, superseded, or a conflicting
    duplicate) with a policy code the seed no longer has: checked again, their keys re-ranked.
    Disjoint from held_references (those are quarantined as unknown_reference). -#}
unseeded_policies as (

    select
        stored._source_file,
        stored._line_no
        {%- for k in base.key_out %},
        stored.{{ adapter.quote(k) }}
        {%- endfor %}
    from {{ this }} as stored
    where
        (stored._record_status <> 'quarantined' or stored._reason_code = 'conflicting_duplicate')
        and (
            {%- for name in base.policy_fields %}
            {% if not loop.first %}or {% endif %}(
                stored.{{ adapter.quote(name) }} is not null
                and not exists (
                    select 1 from {{ ref('policies') }} as policies
                    where policies.policy_code = stored.{{ adapter.quote(name) }}
                )
            )
            {%- endfor %}
        )

),
{%- endif %}

batch_rows as (

    select raw.*
    from {{ base.relation }} as raw
    where raw._source_file in (select files_to_parse._source_file from files_to_parse)

    {#- records held back (unknown_reference) or whose policy code left the seed, from older files -#}
    {%- for recheck in ['held_references'] + (['unseeded_policies'] if base.policy_fields else []) %}

    union all

    select raw.*
    from {{ base.relation }} as raw
    inner join {{ recheck }}
        on
            raw._source_file = {{ recheck }}._source_file
            and raw._line_no = {{ recheck }}._line_no
    where raw._source_file not in (select files_to_parse._source_file from files_to_parse)
    {%- endfor %}

),
{%- endmacro %}


{#- The landing paths whose raw records an incremental run may parse (a superset of the batch's
    files: new or replaced files, the window's delivery days, files holding a record held back as
    unknown_reference or whose policy code left the seed). The base model reads only these
    raw-zone files (macro platform_raw); batch_rows then picks the exact records. -#}
{% macro platform_base_batch_files(feed, spec) -%}
    {%- set window_start, window_end = run_window() -%}
    {%- set policy_fields = [] -%}
    {%- for f in spec['fields'] if f.ref is defined and f.ref == 'policies' %}{% do policy_fields.append(f.name) %}{% endfor -%}
    select ledger.path
    from {{ source('platform', '_files') }} as ledger
    where
        ledger.feed = '{{ feed }}'
        and (
            not exists (
                select 1
                from (
                    select _source_file, min(_loaded_at) as first_loaded_at, max(_loaded_at) as last_loaded_at
                    from {{ this }}
                    group by _source_file
                ) as processed
                where
                    processed._source_file = ledger.path
                    and processed.first_loaded_at = ledger.loaded_at
                    and processed.last_loaded_at = ledger.loaded_at
            )
            {%- if window_start and window_end %}
            or (ledger.delivered_dt >= date '{{ window_start }}' and ledger.delivered_dt < date '{{ window_end }}')
            {%- endif %}
        )
    union
    select _source_file from {{ this }} where _reason_code = 'unknown_reference'
    {%- for name in policy_fields %}
    union
    select _source_file from {{ this }}
    where {{ adapter.quote(name) }} is not null and {{ adapter.quote(name) }} not in (select policy_code from {{ ref('policies') }})
    {%- endfor %}
{%- endmacro %}


{#- Post-hook of the base models: drop stored records of a file the loader has since replaced
    (their load time is no longer the ledger's) that the run did not rewrite, e.g. lines a
    re-delivered, shorter file no longer has. Nothing in a full refresh. -#}
{% macro platform_base_delete_stale() -%}
    {%- if not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    delete from {{ this }} as stored
    where
        stored._source_file in (
            {#- files with a record of another load time than the ledger's (usually none) -#}
            select processed._source_file
            from (
                select _source_file, min(_loaded_at) as first_loaded_at, max(_loaded_at) as last_loaded_at
                from {{ this }}
                group by _source_file
            ) as processed
            where not exists (
                select 1 from {{ source('platform', '_files') }} as ledger
                where
                    ledger.path = processed._source_file
                    and ledger.loaded_at = processed.first_loaded_at
                    and ledger.loaded_at = processed.last_loaded_at
            )
        )
        and not exists (
            select 1 from {{ source('platform', '_files') }} as ledger
            where ledger.path = stored._source_file and ledger.loaded_at = stored._loaded_at
        )
{%- endmacro %}
