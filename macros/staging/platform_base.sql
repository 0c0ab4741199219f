{#-
    platform_base: one row per raw record of a feed, parsed, typed, checked and classified.

    Each base model (models/staging/platform/base/base_platform__<feed>.sql) is one call,
    `platform_base('<feed>')`; the feed's declaration (format, key, dedup, fields) is its entry in
    the feed registry, var `platform_feeds` in dbt_project.yml. This macro writes the SQL, one step
    per macro, in the order of the CTEs:
      platform_base_batch     (platform_base_batch.sql)   incremental runs: the raw records to parse
      platform_base_parse     (platform_base_parse.sql)   raw record -> texts -> typed fields
      platform_base_checked   (platform_base_checks.sql)  each record's first failing check
      platform_base_projected (platform_base_output.sql)  output columns (pseudonyms, flags)
      platform_base_dedup     (platform_base_dedup.sql)   versions of a key ranked, status decided
      platform_base_final     (platform_base_output.sql)  the model's columns
    Every raw record gets exactly one `_record_status`:
      clean        the record that staging keeps
      quarantined  rejected, with `_reason_code` / `_reason_detail`
      duplicate    same values (after parsing and normalising) as an earlier delivery of its key
      superseded   an older version: a restated impressions / snapshot row, or content with an older updated_at

    Checks run in this order; the first that fails is the record's only reason. Checks 1-11 are one
    list, platform_base_checks() in platform_base_checks.sql (reason code, condition, detail text),
    that writes both `_row_reason` and `_row_reason_detail`; 12 is decided by deduplication:
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
      - every record delivered in the run's window [window_start, window_end) of macro run_window (a backfill
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

    The steps share `base`, the feed's declaration resolved once here: relation (the raw source),
    fields, format, dedup, version_by, extra_checks, all_names (every field, in registry order),
    key_out (the key as stored: a pii key by its output name), policy_fields (the fields that
    reference policies) and incremental (is_incremental()).
-#}
{% macro platform_base(feed) -%}
{%- set spec = platform_feed(feed) -%}
{%- set fields = spec['fields'] -%}

{%- set ns = namespace(all_names=[], key_out=[], policy_fields=[]) -%}
{%- for f in fields %}{% set ns.all_names = ns.all_names + [f.name] %}{% endfor -%}
{%- for f in fields if f.ref is defined and f.ref == 'policies' -%}
    {%- if f.pii is defined or f.target_pii or f.drop or f.flag is defined -%}
        {{ exceptions.raise_compiler_error("policy reference " ~ f.name ~ " must be output as it is (no pii, target_pii, drop or flag)") }}
    {%- endif -%}
    {%- set ns.policy_fields = ns.policy_fields + [f.name] -%}
{%- endfor -%}
{%- for k in spec['key'] -%}
    {%- for f in fields if f.name == k %}{% set ns.key_out = ns.key_out + [f.pii if f.pii is defined else k] %}{% endfor -%}
{%- endfor -%}

{%- set incremental = is_incremental() -%}
{%- set typed_format = spec['format'] == 'parquet' -%}
{%- if typed_format -%}
    {%- for f in fields if f.pii is defined or f.target_pii or f.drop or f.flag is defined -%}
        {{ exceptions.raise_compiler_error("Parquet feed " ~ feed ~ ": field " ~ f.name ~ " must be output as it is (no pii, target_pii, drop or flag): its records are compared by their output values") }}
    {%- endfor -%}
{%- endif -%}
{%- set relation = platform_raw(feed, files_sql=platform_base_batch_files(feed, spec) if incremental else none) -%}

{%- set base = {
    'feed': feed,
    'relation': relation,
    'fields': fields,
    'format': 'jsonl' if spec['format'] == 'jsonl' else ('typed' if typed_format else 'columns'),
    'dedup': spec.get('dedup', 'first'),
    'version_by': spec.get('version_by'),
    'extra_checks': spec.get('extra_checks', []),
    'all_names': ns.all_names,
    'key_out': ns.key_out,
    'policy_fields': ns.policy_fields,
    'incremental': incremental,
} -%}

with
{%- if base.incremental %}

{{ platform_base_batch(base) }}
{%- endif %}

{{ platform_base_parse(base) }}

{{ platform_base_checked(base) }}

{{ platform_base_projected(base) }}

{{ platform_base_dedup(base) }}

{{ platform_base_final(base) }}

select * from final

{%- endmacro %}


{#- The ids a reference may point at: every id that any delivered record of the referenced feed
    carries (whatever that record's fate), so a rejected record never cascades into others; for
    `policies`, every code of the policies seed. These reference helpers stay in this file: it is
    the one macro file allowed to name feeds (tests/python/test_feed_registry.py). -#}
{% macro platform_ref_ids(kind) -%}
    {#- kind -> (base model of the referenced feed, its id column) -#}
    {%- set id_of = {
        'accounts': ('base_platform__accounts', 'account_key'),
        'content': ('base_platform__content', 'content_id'),
        'reports': ('base_platform__reports', 'report_id'),
        'reviews': ('base_platform__review_events', 'review_id'),
        'actions': ('base_platform__enforcement_actions', 'action_id'),
    } -%}
    {%- if kind in id_of -%}
    select distinct {{ id_of[kind][1] }} as id from {{ ref(id_of[kind][0]) }} where {{ id_of[kind][1] }} is not null
    {%- elif kind == 'policies' -%}
    select distinct policy_code as id from {{ ref('policies') }} where policy_code is not null
    {%- elif kind == 'target' -%}
    {%- for target_type in ['accounts', 'content'] %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select distinct '{{ "account" if target_type == "accounts" else "content" }}' as target_type, {{ id_of[target_type][1] }} as id
    from {{ ref(id_of[target_type][0]) }} where {{ id_of[target_type][1] }} is not null
    {%- endfor %}
    {%- else -%}
    {{ exceptions.raise_compiler_error("unknown reference kind " ~ kind) }}
    {%- endif -%}
{%- endmacro %}


{#- The value compared with the referenced ids: account ids are compared by their pseudonym. -#}
{% macro platform_ref_value(f) -%}
    {%- if f.ref == 'accounts' -%}
    {{ pseudonymise('typed.' ~ adapter.quote(f.name)) }}
    {%- elif f.ref == 'target' -%}
    case when typed.target_type = 'account' then {{ pseudonymise('typed.' ~ adapter.quote(f.name)) }} else typed.{{ adapter.quote(f.name) }} end
    {%- else -%}
    typed.{{ adapter.quote(f.name) }}
    {%- endif -%}
{%- endmacro %}


{#- The hint on the CTEs between a Parquet feed's files and its deduplication (texts, typed,
    first_failures, checked, projected; candidates in a full build): inline them, so each reader
    scans the typed files again instead of the engine holding every record of the feed in memory
    for its several readers. A scan of the raw zone is cheap; holding 101M records (scale m, 365
    days) spilled 5 GB and made the model 4x slower. JSONL and CSV feeds keep the engine's choice
    (their parsing is the costly part). Dispatched: DuckDB takes `not materialized`; an engine
    without the hint gets nothing and decides alone. -#}
{% macro platform_streamed_cte(base) -%}
    {%- if base.format == 'typed' -%}
    {{ return(adapter.dispatch('platform_streamed_cte', 'integrity')()) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__platform_streamed_cte() -%}
{%- endmacro %}

{% macro duckdb__platform_streamed_cte() -%}
not materialized {% endmacro %}
