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
        {{ ordered_text_agg('_batch_id', "','", [['_batch_id', 'asc']]) }} as _base_batches
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


{#- One row per judged item (an item with a GLOBAL exposure window): `_item_state`, every window
    and pause row its unwanted rows are decided with (int_content_exposure_windows: scope, created,
    first signal, exposure end; int_content_exposure_pauses: scope, from, to), as one sorted text.
    int_unwanted_impressions_hourly keeps it on each row; a different text means the item's rows
    must be decided again. -#}
{% macro unwanted_item_states() -%}
    select
        content_id,
        {{ ordered_text_agg('item_part', "'|'", [['item_part', 'asc']]) }} as _item_state
    from (
        select
            content_id,
            'window:' || scope_country
            || ':' || coalesce(cast(created_at as {{ dbt.type_string() }}), '-')
            || ':' || coalesce(cast(first_signal_at as {{ dbt.type_string() }}), '-')
            || ':' || coalesce(cast(exposure_end_at as {{ dbt.type_string() }}), '-') as item_part
        from {{ ref('int_content_exposure_windows') }}
        union all
        select
            content_id,
            'pause:' || scope_country
            || ':' || coalesce(cast(paused_from as {{ dbt.type_string() }}), '-')
            || ':' || coalesce(cast(paused_to as {{ dbt.type_string() }}), '-') as item_part
        from {{ ref('int_content_exposure_pauses') }}
    ) as item_parts
    where content_id in (
        select judged.content_id from {{ ref('int_content_exposure_windows') }} as judged
        where judged.scope_country = 'GLOBAL'
    )
    group by content_id
{%- endmacro %}


{#- Pre-hook of int_unwanted_impressions_hourly: drop the rows of every delivery day whose base
    records changed or left (as delete_changed_delivery_days) and of every item whose state changed
    or that is no longer judged. A table written by an older release (without `_item_state`) is
    emptied, and the run rebuilds it. -#}
{% macro unwanted_hourly_delete_changed(base) -%}
    {%- if is_incremental() %}
    {%- if not keeps_columns(['_delivered_dt', '_base_batches', '_item_state']) %}
    delete from {{ this }}
    {%- else %}
    delete from {{ this }} as stored
    where
        not exists (
            select 1 from ({{ delivery_day_batches(base) }}) as current_days
            where
                current_days._delivered_dt = stored._delivered_dt
                and current_days._base_batches = stored._base_batches
        )
        or not exists (
            select 1 from ({{ unwanted_item_states() }}) as current_items
            where
                current_items.content_id = stored.content_id
                and current_items._item_state = stored._item_state
        )
    {%- endif %}
    {%- endif %}
{%- endmacro %}


{#- Whether the model's stored table has every one of `names` (false for one an older release wrote). -#}
{% macro keeps_columns(names) -%}
    {%- if not execute or this is string -%}{{ return(true) }}{%- endif -%}
    {%- set stored_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- for name in names if name not in stored_columns -%}{{ return(false) }}{%- endfor -%}
    {{ return(true) }}
{%- endmacro %}


{#- The where clause of int_unwanted_impressions_hourly's impressions in an incremental run (after
    its pre-hook): the rows of every delivery day and of every judged item the table holds no row
    of (new, changed, or without an unwanted row). `delivery_days`: the CTE of the current
    delivery days (delivery_day_batches). Nothing in a full build. -#}
{% macro unwanted_rows_to_decide(incremental, delivery_days) -%}
    {%- if incremental %}
    where
        _delivered_dt in (
            select current_days._delivered_dt
            from {{ delivery_days }} as current_days
            where not exists (select 1 from {{ this }} as held where held._delivered_dt = current_days._delivered_dt)
        )
        or content_id in (
            select judged.content_id
            from {{ ref('int_content_exposure_windows') }} as judged
            where
                judged.scope_country = 'GLOBAL'
                and not exists (select 1 from {{ this }} as held where held.content_id = judged.content_id)
        )
    {%- endif %}
{%- endmacro %}
