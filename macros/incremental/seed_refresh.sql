{#- Incremental models rebuild in full when a seed they read has changed.

    A seed is reference data (policies, action types, detectors, ...): a new value can change any
    row an incremental model already holds (a policy's area, a detector's kind), so its
    dependants cannot catch up day by day. Each incremental model records, after it is built, the
    checksums dbt computed for the seeds among its ancestors: table build_state.seed_checksums
    (created on run start), one row per model and change, written in the model's own
    transaction by the post-hook record_seed_checksums. Before the next incremental build, should_full_refresh compares that
    record with the seeds' current checksums: any difference, or no record while the table
    exists (a table an older release built, or a build killed before its record committed),
    rebuilds the model in full and records the new checksums. Models without seed ancestors
    never query the record. An explicit `full_refresh` config or `--full-refresh` decides as
    dbt does. -#}

{#- dbt's own macro, extended: config `full_refresh`, else --full-refresh, else (incremental
    models only) whether a seed among the model's ancestors changed since the model's last build. -#}
{% macro should_full_refresh() %}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is not none -%}
        {{ return(configured) }}
    {%- endif -%}
    {%- if flags.FULL_REFRESH -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if not execute or model.resource_type != 'model' or config.get('materialized') != 'incremental' -%}
        {{ return(false) }}
    {%- endif -%}
    {#- Spark: every build rebuilds the incremental models in full, for now (Parquet tables cannot
        delete rows, and the per-day partition overwrite is not written yet) -#}
    {%- if target.type == 'spark' -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(seed_checksums_changed()) }}
{% endmacro %}


{#- The seeds among a node's ancestors with the checksums dbt computed for their files, as one
    sorted text `name=sha256,...` ('' when none). -#}
{% macro seed_checksums(node_id=none) -%}
    {%- set seen = [] -%}
    {%- set ns = namespace(frontier=[node_id or model.unique_id]) -%}
    {#- breadth-first over depends_on; the graph has far fewer than 100 levels -#}
    {%- for _ in range(100) if ns.frontier -%}
        {%- set parents = [] -%}
        {%- for id in ns.frontier -%}
            {%- set node = graph.nodes.get(id) -%}
            {%- for parent in (node.depends_on.nodes if node is not none else []) if parent not in seen -%}
                {%- do seen.append(parent) -%}
                {%- do parents.append(parent) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set ns.frontier = parents -%}
    {%- endfor -%}
    {%- set checksums = [] -%}
    {%- for id in seen | sort if id.startswith('seed.') -%}
        {%- do checksums.append(graph.nodes[id].name ~ '=' ~ graph.nodes[id].checksum.checksum) -%}
    {%- endfor -%}
    {{ return(checksums | join(',')) }}
{%- endmacro %}


{% macro seed_checksums_relation() -%}
    {#- Spark has no database above its schemas -#}
    {%- set database = target.database if target.database is defined else none -%}
    {{ return(api.Relation.create(database=database, schema='build_state', identifier='seed_checksums')) }}
{%- endmacro %}


{#- The checksums recorded at the model's last build: none when there is no record. -#}
{% macro recorded_seed_checksums() -%}
    {%- set relation = seed_checksums_relation() -%}
    {%- if adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set recorded = run_query(
        "select seed_checksums from " ~ relation
        ~ " where model_unique_id = '" ~ model.unique_id ~ "' order by record_seq desc limit 1"
    ) -%}
    {{ return(recorded.columns[0].values()[0] if recorded.rows | length > 0 else none) }}
{%- endmacro %}


{% macro seed_checksums_changed() -%}
    {%- set current = seed_checksums() -%}
    {%- if current == '' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set recorded = recorded_seed_checksums() -%}
    {%- if recorded == current -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}


{#- Post-hook of every model (project level): an incremental model with seed ancestors records
    their checksums when they differ from its last record, inside the model's transaction. -#}
{% macro record_seed_checksums() -%}
    {%- if not execute or config.get('materialized') != 'incremental' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set current = seed_checksums() -%}
    {%- set recorded = recorded_seed_checksums() -%}
    {%- if current == '' or recorded == current -%}
        {{ return('') }}
    {%- endif -%}
    {%- if recorded is not none -%}
        {%- set before = recorded.split(',') -%}
        {%- set changed = [] -%}
        {%- for seed in current.split(',') if seed not in before -%}
            {%- do changed.append(seed.split('=')[0]) -%}
        {%- endfor -%}
        {{ log(model.name ~ ": rebuilt in full, seed " ~ changed | join(', ') ~ " changed since its last build", info=true) }}
    {%- endif -%}
    {%- set relation = seed_checksums_relation() -%}
    insert into {{ relation }} (model_unique_id, seed_checksums, record_seq)
    select
        '{{ model.unique_id }}',
        '{{ current }}',
        coalesce(max(record_seq), 0) + 1
    from {{ relation }}
{%- endmacro %}


{#- on-run-start: the record table, created once before any model runs (not by concurrent
    post-hooks). -#}
{% macro create_seed_checksums_table() -%}
    {%- set relation = seed_checksums_relation() -%}
    {%- do adapter.create_schema(relation) -%}
    create table if not exists {{ relation }} (
        model_unique_id {{ dbt.type_string() }},
        seed_checksums {{ dbt.type_string() }},
        record_seq {{ dbt.type_int() }}
    )
{%- endmacro %}
