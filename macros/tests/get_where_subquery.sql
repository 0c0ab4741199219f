{#- What a data test reads: the tested relation, narrowed to the run's window in scheduled runs.

    A model whose meta sets `run_window_column` (for example `_delivered_dt` on the impressions
    models) has its row-level tests read only the rows of the run's delivery-day window
    [window_start, window_end) (macro run_window) in an incremental run: what the run changed, not
    the whole history. Key tests (unique_combination_of_columns) get the whole relation and check
    the window's keys against it themselves (macro key_duplicates); reconciliation tests read the
    whole relation. With no window (a full
    refresh, `make test`, a plain `dbt build`) every test reads the whole relation. A test's own
    `where` config applies in both cases.

    This replaces dbt's get_where_subquery (the macro every generic test wraps its model in). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set conditions = [where] if where else [] -%}
    {%- set window = run_window_predicate(relation) -%}
    {#- key tests narrow to the window's keys themselves; reconciliation is always whole -#}
    {%- set WHOLE_TABLE_TESTS = ['unique', 'unique_combination_of_columns', 'reconciles_with_raw'] -%}
    {%- if window and model.test_metadata is defined and model.test_metadata
        and model.test_metadata.name not in WHOLE_TABLE_TESTS -%}
        {%- do conditions.append(window) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{#- The run's window as a predicate on the relation's window column, or '' (no window, a full
    refresh, or a relation that declares no `run_window_column` in its meta). -#}
{% macro run_window_predicate(relation) -%}
    {%- if not execute or flags.FULL_REFRESH or relation is string -%}{%- do return('') -%}{%- endif -%}
    {%- set window_start, window_end = run_window() -%}
    {%- if not window_start -%}{%- do return('') -%}{%- endif -%}
    {%- set column = run_window_column(relation) -%}
    {%- if not column -%}{%- do return('') -%}{%- endif -%}
    {%- do return(column ~ " >= date '" ~ window_start ~ "' and " ~ column ~ " < date '" ~ window_end ~ "'") -%}
{%- endmacro %}


{#- The `run_window_column` meta of the model behind a relation ('' when none). -#}
{% macro run_window_column(relation) -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model'
        and (node.alias or node.name) | lower == (relation.identifier or '') | lower
        and node.schema | lower == (relation.schema or '') | lower -%}
        {%- do return(node.config.meta.get('run_window_column', '')) -%}
    {%- endfor -%}
    {%- do return('') -%}
{%- endmacro %}


{#- The key combinations that occur more than once, with their count (nulls compare equal). In a
    scheduled run on a model with a `run_window_column`, only the keys of the run's window are
    counted, each against the whole table: a key the run wrote twice, or that an older row already
    has, is found; keys the run did not touch are not counted again. -#}
{% macro key_duplicates(model, columns) -%}
{%- set window = run_window_predicate(model) -%}
{%- if window %}
with window_keys as (

    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where {{ window }}

)

select
    {%- for column in columns %}
    stored.{{ column }},
    {%- endfor %}
    count(*) as occurrences
from {{ model }} as stored
where exists (
    select 1 from window_keys
    where
        {%- for column in columns %}
        {% if not loop.first %}and {% endif %}window_keys.{{ column }} is not distinct from stored.{{ column }}
        {%- endfor %}
)
group by {% for column in columns %}stored.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
having count(*) > 1
{%- else %}
{#- the whole table: keys counted first by one hash per row (a far smaller aggregate than the
    key's columns), then only the rows of repeated hashes by their columns, so a collision is
    never reported as a duplicate -#}
with repeated_hashes as (

    select {{ key_hash(columns) }} as _key_hash
    from {{ model }}
    group by 1
    having count(*) > 1

)

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
where {{ key_hash(columns) }} in (select repeated_hashes._key_hash from repeated_hashes)
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endif %}
{%- endmacro %}


{#- dbt's built-in `unique` test (nulls are not values here, as in dbt's own), with the same
    window rule as key_duplicates. The column may be an expression. -#}
{% macro default__test_unique(model, column_name) -%}
{%- set window = run_window_predicate(model) %}
with keyed as (

    select {{ column_name }} as unique_field
    from {{ model }}
    where {{ column_name }} is not null
    {%- if window %}
        and {{ column_name }} in (
            select {{ column_name }} from {{ model }}
            where {{ window }}
        )
    {%- endif %}

)

{%- if not window %},

repeated_hashes as (

    select {{ key_hash(['unique_field']) }} as _key_hash
    from keyed
    group by 1
    having count(*) > 1

){%- endif %}

select
    unique_field,
    count(*) as n_records
from keyed
{%- if not window %}
where {{ key_hash(['unique_field']) }} in (select repeated_hashes._key_hash from repeated_hashes)
{%- endif %}
group by unique_field
having count(*) > 1
{%- endmacro %}
