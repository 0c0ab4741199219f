{#- The raw records of a feed, as a relation: a JSONL / CSV feed's raw table (the dbt source), or
    a Parquet feed's typed raw-zone files, read in place (the loader writes one per delivered file
    under <data>/raw/, beside the warehouse, and names it in the ledger's `raw_file`).

    For a Parquet feed the file list is read from the ledger when the model runs (at parse time the
    relation is a typed empty select); `files_sql`, when given, is SQL selecting landing paths
    (the ledger's `path`): only those files are read (an incremental run's batch). No file to read
    gives the same columns and no rows. The columns of a raw-zone file: _delivered_dt,
    _source_file, _line_no, _loaded_at, per field its value (typed unless the field is `str`) and
    `<field>__text` for a non-`str` field, then _extra_columns (orchestration/ingest.py,
    raw_zone_schema). -#}
{% macro platform_raw(feed, files_sql=none) -%}
    {%- set src = source('platform', feed) -%}
    {%- if platform_feed(feed)['format'] != 'parquet' -%}
        {{ return(src) }}
    {%- endif -%}
    {%- set files = [] -%}
    {%- if execute -%}
        {%- set ledger = adapter.get_relation(database=src.database, schema=src.schema, identifier='_files') -%}
        {%- if ledger is not none -%}
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


{#- The raw zone's folder: `raw` beside the warehouse file of the target. -#}
{% macro platform_raw_zone() -%}
    {%- set warehouse = target.path | string -%}
    {%- if '/' in warehouse -%}
        {{ return(warehouse.rsplit('/', 1)[0] ~ '/raw') }}
    {%- endif -%}
    {{ return('raw') }}
{%- endmacro %}


{#- A raw-zone relation with no rows: the columns of the feed's raw-zone files, typed. -#}
{% macro platform_raw_empty(feed) -%}
    {%- set native = {'ts': 'timestamp', 'int': 'bigint', 'float': 'double', 'bool': 'boolean', 'date': 'date'} -%}
    select
        cast(null as date) as _delivered_dt,
        cast(null as {{ dbt.type_string() }}) as _source_file,
        cast(null as bigint) as _line_no,
        cast(null as timestamp) as _loaded_at,
    {%- for f in platform_feed(feed)['fields'] %}
        {%- if f.type == 'str' %}
        cast(null as {{ dbt.type_string() }}) as "{{ f.name }}",
        {%- else %}
        {%- if f.type in native %}
        cast(null as {{ native[f.type] }}) as "{{ f.name }}",
        {%- endif %}
        cast(null as {{ dbt.type_string() }}) as "{{ f.name }}__text",
        {%- endif %}
    {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as _extra_columns
    where false
{%- endmacro %}


{#- A table function over a list of Parquet files (engine-specific, dispatched). -#}
{% macro read_parquet_files(paths) -%}
    {{ return(adapter.dispatch('read_parquet_files', 'integrity')(paths)) }}
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
cast(to_json(struct_pack(
                "_delivered_dt" := {{ alias }}._delivered_dt,
                "_source_file" := {{ alias }}._source_file,
                "_line_no" := {{ alias }}._line_no,
        {%- for f in spec['fields'] %}
            {%- set column = alias ~ '."' ~ f.name ~ '"' %}
            {%- set text = alias ~ '."' ~ f.name ~ '__text"' %}
            {%- if spec['format'] != 'parquet' or f.type == 'str' %}
                "{{ f.name }}" := {{ column }},
            {%- elif f.type == 'ts' %}
                "{{ f.name }}" := coalesce({{ text }}, strftime({{ column }}, '%Y-%m-%dT%H:%M:%S.%f') || 'Z'),
            {%- elif platform_base_native(f) %}
                "{{ f.name }}" := coalesce({{ text }}, cast({{ column }} as {{ dbt.type_string() }})),
            {%- else %}
                "{{ f.name }}" := {{ text }},
            {%- endif %}
        {%- endfor %}
                "_extra_columns" := {{ alias }}._extra_columns
            )) as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
