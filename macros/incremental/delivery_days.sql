{#- Incremental by delivery day, for models that aggregate a big base table (impressions).

    Such a model keeps, on each row, `_delivered_dt` (the delivery day of the base records it sums)
    and `_base_batches`: the sorted list of the dbt invocations (`_batch_id`) that wrote that
    delivery day's base records, every status included. A base run rewrites a record whenever its
    fate may change (a new or replaced file, the run's window, a restatement that supersedes an
    older record, a re-delivered shorter file), so a delivery day whose list differs from the
    model's is exactly a day whose records changed. An incremental run deletes the model's rows of
    those days and of days the base no longer has (pre-hook delete_changed_delivery_days), then
    appends the days the model lacks (macro delivery_days_to_build). Nothing depends on run order
    or on the previous run having finished: a killed run leaves days whose lists still differ.
    Cost per run: one pass over the base table's two smallest columns, plus the changed days. -#}

{#- One row per delivery day of `base`: _delivered_dt, _base_batches. -#}
{% macro delivery_day_batches(base) -%}
    select
        _delivered_dt,
        {{ dbt.listagg('_batch_id', "','", 'order by _batch_id') }} as _base_batches
    from (select distinct _delivered_dt, _batch_id from {{ base }}) as batches
    group by _delivered_dt
{%- endmacro %}


{#- Pre-hook: drop the model's rows of every delivery day whose base records changed or left.
    A table written before the model kept `_base_batches` (an older release) is emptied: the run
    then rebuilds every day, and on_schema_change='sync_all_columns' brings its columns in line. -#}
{% macro delete_changed_delivery_days(base) -%}
    {%- if is_incremental() %}
    {%- if not keeps_base_batches() %}
    delete from {{ this }}
    {%- else %}
    delete from {{ this }} as stored
    where not exists (
        select 1 from ({{ delivery_day_batches(base) }}) as current_days
        where
            current_days._delivered_dt = stored._delivered_dt
            and current_days._base_batches = stored._base_batches
    )
    {%- endif %}
    {%- endif %}
{%- endmacro %}


{#- The delivery days to (re)build, with their _base_batches: every day of `base` in a full
    refresh; the days the model does not hold in an incremental run (after the pre-hook's delete:
    new and changed days, and days with no row to keep). -#}
{% macro delivery_days_to_build(base) -%}
    select
        current_days._delivered_dt,
        current_days._base_batches
    from ({{ delivery_day_batches(base) }}) as current_days
    {%- if is_incremental() and keeps_base_batches() %}
    where not exists (
        select 1 from {{ this }} as stored
        where stored._delivered_dt = current_days._delivered_dt
    )
    {%- endif %}
{%- endmacro %}


{#- Whether the model's stored table has `_base_batches` (false for one an older release wrote). -#}
{% macro keeps_base_batches() -%}
    {#- in a unit test `this` is the name of the given rows, which have every column -#}
    {%- if not execute or this is string -%}{{ return(true) }}{%- endif -%}
    {%- set stored_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{ return('_base_batches' in stored_columns) }}
{%- endmacro %}
