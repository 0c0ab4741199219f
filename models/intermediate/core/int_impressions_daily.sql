-- Impressions per day (UTC), item, surface and listener country: the hourly impressions table
-- summed once to a day. The marts that need all impressions, not only the unwanted ones, read
-- this: fct_unwanted_impressions_daily (cell totals) and fct_incidents (per campaign item).
with

impressions as (

    select * from {{ ref('stg_platform__impressions') }}

),

final as (

    select
        date_day,
        content_id,
        surface,
        country,
        cast(sum(impressions) as bigint) as impressions
    from impressions
    group by date_day, content_id, surface, country

)

select * from final
