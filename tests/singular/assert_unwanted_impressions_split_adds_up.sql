{{ config(meta={'dagster': {'ref': {'name': 'fct_unwanted_impressions_daily'}}}) }}

-- Unwanted impressions split exactly into before and after the first signal, never exceed the
-- cell's impressions, and the daily mart sums to the item-level mart.
with

daily as (

    select * from {{ ref('fct_unwanted_impressions_daily') }}

),

items as (

    select * from {{ ref('fct_unwanted_impressions_items') }}

),

bad_cells as (

    select
        'cell' as failure,
        cast(date_day as {{ dbt.type_string() }}) || ' ' || surface || ' ' || country as detail
    from daily
    where
        unwanted_impressions != unwanted_before_signal + unwanted_after_signal
        or unwanted_impressions > impressions
        or unwanted_impressions < 0

),

totals as (

    select
        'daily vs items' as failure,
        cast((select sum(daily.unwanted_impressions) as daily_total from daily) as {{ dbt.type_string() }})
        || ' vs '
        || cast((select sum(items.unwanted_impressions) as items_total from items) as {{ dbt.type_string() }}) as detail
    where
        (select coalesce(sum(daily.unwanted_impressions), 0) as daily_total from daily)
        != (select coalesce(sum(items.unwanted_impressions), 0) as items_total from items)

)

select * from bad_cells
union all
select * from totals
