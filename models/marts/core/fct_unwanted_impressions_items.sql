-- One row per judged-spam item: its exposure window, how it was first signalled and its unwanted
-- impressions before and after that signal. The item-level view behind campaign and detection
-- analyses; sums to fct_unwanted_impressions_daily.
with

windows as (

    select * from {{ ref('int_content_exposure_windows') }}
    where scope_country = 'GLOBAL'

),

scoped_windows as (

    select
        content_id,
        count(*) as scoped_countries,
        min(exposure_end_at) as first_scoped_end_at
    from {{ ref('int_content_exposure_windows') }}
    where scope_country != 'GLOBAL'
    group by content_id

),

unwanted_rows as (

    select * from {{ ref('int_unwanted_impressions_hourly') }}

),

content as (

    select
        content_id,
        content_type
    from {{ ref('dim_content') }}

),

as_of as (

    select * from {{ ref('int_data_as_of') }}

),

unwanted as (

    select
        content_id,
        sum(impressions) as unwanted_impressions,
        coalesce(sum(impressions) filter (where not is_after_signal), 0) as unwanted_before_signal,
        coalesce(sum(impressions) filter (where is_after_signal), 0) as unwanted_after_signal
    from unwanted_rows
    group by content_id

),

final as (

    select
        windows.content_id,
        windows.owner_account_key,
        content.content_type,
        windows.first_signal_source,
        windows.spam_actions,
        coalesce(scoped_windows.scoped_countries, 0) as scoped_countries,
        windows.created_at,
        windows.first_signal_at,
        windows.first_judged_at,
        windows.exposure_end_at,
        scoped_windows.first_scoped_end_at,
        as_of.as_of,
        cast(coalesce(unwanted.unwanted_impressions, 0) as bigint) as unwanted_impressions,
        cast(coalesce(unwanted.unwanted_before_signal, 0) as bigint) as unwanted_before_signal,
        cast(coalesce(unwanted.unwanted_after_signal, 0) as bigint) as unwanted_after_signal
    from windows
    left join scoped_windows
        on windows.content_id = scoped_windows.content_id
    left join unwanted
        on windows.content_id = unwanted.content_id
    left join content
        on windows.content_id = content.content_id
    cross join as_of

)

select * from final
