{#- The raw records of a feed, as a relation: its raw-zone files, read in place (the loader
    writes one per delivered file under <data>/raw/<feed>/ and names it in the ledger's
    `raw_file`).

    The file list is read from the ledger when the model runs (at parse time the relation is a
    typed empty select); `files_sql`, when given, is SQL selecting landing paths (the ledger's
    `path`): only those files are read (an incremental run's batch). No file to read gives the same
    columns and no rows. The columns of a raw-zone file: _delivered_dt, _source_file, _line_no,
    _loaded_at, then per format (orchestration/ingest.py, raw_zone_schema) `_record` and
    `_encoding_error` (JSONL), each contract column as text and `_extra_columns` (CSV), or per
    field its value (typed unless the field is `str`) and `<field>__text` for a non-`str` field,
    then `_extra_columns` (Parquet). -#}
{% macro platform_raw(feed, files_sql=none) -%}
    {#- the feed's source: lineage (its relation is not read: the ledger names the files) -#}
    {%- do source('platform', feed) -%}
    {%- set ledger = source('platform', '_files') -%}
    {%- set files = [] -%}
    {%- if execute and platform_ledger_exists() -%}
        {%- set query -%}
            select raw_file from {{ ledger }}
            where feed = '{{ feed }}' and status = 'loaded' and raw_file is not null
            {%- if files_sql %}
                and path in ({{ files_sql }})
            {%- endif %}
            order by raw_file
        {%- endset -%}
        {%- set files = run_query(query).columns[0].values() | list -%}
    {%- endif -%}
    {%- if files -%}
        {%- set root = platform_raw_zone() -%}
        {%- set paths = [] -%}
        {%- for f in files -%}
            {%- do paths.append(root ~ '/' ~ f) -%}
        {%- endfor -%}
        {{ return('(select * from ' ~ read_parquet_files(paths) ~ ')') }}
    {%- endif -%}
    {{ return('(' ~ platform_raw_empty(feed) ~ ')') }}
{%- endmacro %}


{#- The raw zone's folder: `raw` in the data directory (INTEGRITY_DATA_DIR, as the profile's
    warehouse path). -#}
{% macro platform_raw_zone() -%}
    {{ return(env_var('INTEGRITY_DATA_DIR', 'data') ~ '/raw') }}
{%- endmacro %}


{#- Whether the raw zone has a ledger yet: the loader writes one at its first run, so only a plain
    `dbt build` before any load finds none (and reads no raw file). Spark has no cheap file test
    in SQL: there the ledger is assumed, and a build before any load fails on the missing file. -#}
{% macro platform_ledger_exists() -%}
    {{ return(adapter.dispatch('platform_ledger_exists', 'integrity')()) }}
{%- endmacro %}

{% macro duckdb__platform_ledger_exists() -%}
    {%- set found = run_query("select count(*) from glob('" ~ platform_raw_zone() ~ "/ledger.parquet')") -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{%- endmacro %}

{% macro default__platform_ledger_exists() -%}
    {{ return(true) }}
{%- endmacro %}


{#- Freshness of a feed (the source's loaded_at_query): its newest loaded delivery day in the
    ledger. -#}
{% macro platform_feed_freshness_sql(feed) -%}
    select max(cast(delivered_dt as timestamp)) from {{ source('platform', '_files') }}
    where feed = '{{ feed }}' and status = 'loaded'
{%- endmacro %}


{#- A raw-zone relation with no rows: the columns of the feed's raw-zone files, typed. -#}
{% macro platform_raw_empty(feed) -%}
    {%- set native = {'ts': 'timestamp', 'int': 'bigint', 'float': 'double', 'bool': 'boolean', 'date': 'date'} -%}
    {%- set spec = platform_feed(feed) -%}
    select
        cast(null as date) as _delivered_dt,
        cast(null as {{ dbt.type_string() }}) as _source_file,
        cast(null as bigint) as _line_no,
        cast(null as timestamp) as _loaded_at,
    {%- if spec['format'] == 'jsonl' %}
        cast(null as {{ dbt.type_string() }}) as _record,
        cast(null as boolean) as _encoding_error
    {%- else %}
    {%- for f in spec['fields'] %}
        {%- if f.type == 'str' or spec['format'] != 'parquet' %}
        cast(null as {{ dbt.type_string() }}) as {{ adapter.quote(f.name) }},
        {%- else %}
        {%- if f.type in native %}
        cast(null as {{ native[f.type] }}) as {{ adapter.quote(f.name) }},
        {%- endif %}
        cast(null as {{ dbt.type_string() }}) as {{ adapter.quote(f.name ~ '__text') }},
        {%- endif %}
    {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as _extra_columns
    {%- endif %}
    where false
{%- endmacro %}


{#- A relation over a list of Parquet files of one schema (engine-specific, dispatched). -#}
{% macro read_parquet_files(paths) -%}
    {{ return(adapter.dispatch('read_parquet_files', 'integrity')(paths)) }}
{%- endmacro %}

{% macro spark__read_parquet_files(paths) -%}
    (
    {%- for p in paths %}
        select * from parquet.`{{ p }}`{% if not loop.last %} union all{% endif %}
    {%- endfor %}
    )
{%- endmacro %}

{% macro default__read_parquet_files(paths) -%}
    read_parquet([
        {%- for p in paths %}'{{ p | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor -%}
    ], hive_partitioning = false)
{%- endmacro %}


{#- A raw record as delivered, as text (quarantine shows it): a JSONL line as it was; a CSV row as
    JSON of its loader and contract columns and _extra_columns (the load time left out: it is the
    loader's, not the record's); a Parquet row the same way, a typed value written as the loader
    writes it as text. -#}
{% macro platform_raw_record(feed, alias) -%}
    {%- set spec = platform_feed(feed) -%}
    {%- if spec['format'] == 'jsonl' -%}
{{ alias }}._record
    {%- else -%}
    {%- set pairs = [
        ('_delivered_dt', alias ~ '._delivered_dt'),
        ('_source_file', alias ~ '._source_file'),
        ('_line_no', alias ~ '._line_no'),
    ] -%}
    {%- for f in spec['fields'] -%}
        {%- set column = alias ~ '.' ~ adapter.quote(f.name) -%}
        {%- set text = alias ~ '.' ~ adapter.quote(f.name ~ '__text') -%}
        {%- if spec['format'] != 'parquet' or f.type == 'str' -%}
            {%- do pairs.append((f.name, column)) -%}
        {%- elif f.type == 'ts' -%}
            {%- do pairs.append((f.name, 'coalesce(' ~ text ~ ', ' ~ iso_timestamp_text(column) ~ " || 'Z')")) -%}
        {%- elif platform_base_native(f) -%}
            {%- do pairs.append((f.name, 'coalesce(' ~ text ~ ', cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ '))')) -%}
        {%- else -%}
            {%- do pairs.append((f.name, text)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do pairs.append(('_extra_columns', alias ~ '._extra_columns')) -%}
{{ json_object_text(pairs) }}
    {%- endif -%}
{%- endmacro %}
