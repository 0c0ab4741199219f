-- The unwanted hourly impression rows: impressions of judged-spam items inside their exposure
-- window (int_content_exposure_windows). Impressions are joined to the small set of judged items,
-- so the big table is read once here and the marts aggregate this much smaller result.
-- Hour boundary: a row counts when its hour starts before the exposure end of its country (the hour
-- in which the action took effect counts in full) and ends after the item's created_at. It is
-- after the first signal when its hour starts at or after that signal, otherwise before. A row inside
-- a temporary restriction (int_content_exposure_pauses: its hour starts at or after the pause and
-- ends at or before the pause's end, in the pause's countries) is not unwanted.
-- Incremental by delivery day and by item: each row keeps its delivery day's `_base_batches`
-- (macros/incremental/delivery_days.sql) and its item's `_item_state` (every window and pause row
-- the item's rows were decided with, macro unwanted_item_states). A row's fate depends only on
-- itself and on its item's windows and pauses, so the pre-hook deletes the rows of delivery days
-- whose base records changed and of items whose state changed (or that are no longer judged), and
-- the run decides the rows of every delivery day and every judged item the table no longer holds.
-- A day's run reads the new day's impressions and the whole history of the items whose windows
-- changed, not every impression of every judged item.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ unwanted_hourly_delete_changed(ref('base_platform__impressions')) }}",
    meta={'run_window_column': '_delivered_dt'},
) }}
{#- a table an older release wrote (without the state columns) is emptied by the pre-hook: decide everything -#}
{%- set incremental = is_incremental() and keeps_columns(['_delivered_dt', '_base_batches', '_item_state']) %}
with

delivery_days as (

    {{ delivery_day_batches(ref('base_platform__impressions')) }}

),

item_states as (

    {{ unwanted_item_states() }}

),

windows as (

    select * from {{ ref('int_content_exposure_windows') }}

),

impressions as (

    select
        _delivered_dt,
        hour_ts,
        date_day,
        content_id,
        surface,
        country,
        impressions
    from {{ ref('stg_platform__impressions') }}
    {{ unwanted_rows_to_decide(incremental, 'delivery_days') }}

),

global_windows as (

    select * from windows
    where scope_country = 'GLOBAL'

),

country_windows as (

    select * from windows
    where scope_country != 'GLOBAL'

),

pauses as (

    select * from {{ ref('int_content_exposure_pauses') }}

),

judged_impressions as (

    select
        impressions._delivered_dt,
        impressions.content_id,
        impressions.surface,
        impressions.country,
        impressions.date_day,
        impressions.hour_ts,
        impressions.impressions,
        global_windows.created_at,
        global_windows.first_signal_at,
        coalesce(country_windows.exposure_end_at, global_windows.exposure_end_at) as exposure_end_at
    from impressions
    inner join global_windows
        on impressions.content_id = global_windows.content_id
    left join country_windows
        on
            impressions.content_id = country_windows.content_id
            and impressions.country = country_windows.scope_country

),

final as (

    select
        judged_impressions.content_id,
        judged_impressions.surface,
        judged_impressions.country,
        judged_impressions.date_day,
        judged_impressions.hour_ts,
        judged_impressions.impressions,
        coalesce(judged_impressions.hour_ts >= judged_impressions.first_signal_at, false) as is_after_signal,
        judged_impressions._delivered_dt,
        delivery_days._base_batches,
        item_states._item_state
    from judged_impressions
    inner join delivery_days
        on judged_impressions._delivered_dt = delivery_days._delivered_dt
    inner join item_states
        on judged_impressions.content_id = item_states.content_id
    where
        (
            judged_impressions.exposure_end_at is null
            or judged_impressions.hour_ts < judged_impressions.exposure_end_at
        )
        and judged_impressions.hour_ts + interval 1 hour > judged_impressions.created_at
        and not exists (
            select pauses.action_id
            from pauses
            where
                pauses.content_id = judged_impressions.content_id
                and pauses.scope_country in ('GLOBAL', judged_impressions.country)
                and judged_impressions.hour_ts >= pauses.paused_from
                and judged_impressions.hour_ts + interval 1 hour <= pauses.paused_to
        )

)

select * from final
