-- Impressions per day (UTC), item, surface and listener country, of each delivery day: the hourly
-- impressions table summed once to a day. The marts that need all impressions, not only the
-- unwanted ones, read this: fct_unwanted_impressions_daily (cell totals) and fct_incidents (per
-- campaign item). Incremental by delivery day (macros delivery_days_to_build and
-- delete_changed_delivery_days): a run sums only the delivery days whose base records changed,
-- so a day's run does not read the whole history; a late delivery for an old hour is a row of its
-- own delivery day, and readers sum over delivery days.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ delete_changed_delivery_days(ref('base_platform__impressions')) }}",
    meta={'run_window_column': '_delivered_dt'},
) }}

with

days as (

    {{ delivery_days_to_build(ref('base_platform__impressions')) }}

),

impressions as (

    select * from {{ ref('stg_platform__impressions') }}
    where _delivered_dt in (select days._delivered_dt from days)

),

final as (

    select
        impressions._delivered_dt,
        impressions.date_day,
        impressions.content_id,
        impressions.surface,
        impressions.country,
        cast(sum(impressions.impressions) as bigint) as impressions,
        days._base_batches
    from impressions
    inner join days
        on impressions._delivered_dt = days._delivered_dt
    group by
        impressions._delivered_dt,
        impressions.date_day,
        impressions.content_id,
        impressions.surface,
        impressions.country,
        days._base_batches

)

select * from final
