-- The unwanted hourly impression rows: impressions of judged-spam items inside their exposure
-- window (int_content_exposure_windows). Impressions are joined to the small set of judged items,
-- so the big table is read once here and the marts aggregate this much smaller result.
-- Hour boundary: a row counts when its hour starts before the exposure end of its country (the hour
-- in which the action took effect counts in full) and ends after the item's created_at. It is
-- after the first signal when its hour starts at or after that signal, otherwise before. A row inside
-- a temporary restriction (int_content_exposure_pauses: its hour starts at or after the pause and
-- ends at or before the pause's end, in the pause's countries) is not unwanted.
with

impressions as (

    select
        hour_ts,
        date_day,
        content_id,
        surface,
        country,
        impressions
    from {{ ref('stg_platform__impressions') }}

),

windows as (

    select * from {{ ref('int_content_exposure_windows') }}

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
        content_id,
        surface,
        country,
        date_day,
        hour_ts,
        impressions,
        coalesce(hour_ts >= first_signal_at, false) as is_after_signal
    from judged_impressions
    where
        (exposure_end_at is null or hour_ts < exposure_end_at)
        and hour_ts + interval 1 hour > created_at
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
