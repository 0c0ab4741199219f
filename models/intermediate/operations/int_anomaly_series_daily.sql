{%- set new_account_days = var('new_account_days', 14) -%}
-- The daily series that incident detection watches (metrics.md, "Incidents and
-- anomalies"), one row per series and day, zero-filled between the first and last day of
-- data so a quiet day counts as 0 in the baseline rather than being skipped, with the
-- items that contributed most to each day (top_items, five), every contributor with its
-- contribution, and every item and account involved (an incident's totals count these).
--   reports            reports received, by reason x country
--   new_account_uploads items uploaded by accounts at most 14 days old
--   rule_hits          hits per detector (rule id : version : source : mode)
--   link_domain        distinct new accounts posting a link domain that day
with accounts as (
    select
        account_key,
        created_at as account_created_at
    from {{ ref('stg_platform__accounts') }}
),

new_account_content as (
    select
        catalogue.content_id,
        catalogue.owner_account_key,
        catalogue.created_at,
        catalogue.link_domains
    from {{ ref('stg_platform__content') }} as catalogue
    inner join accounts
        on catalogue.owner_account_key = accounts.account_key
    where catalogue.created_at <= accounts.account_created_at + interval {{ new_account_days }} day
),

-- one row per event behind a series' count: who contributed it (the key ranked in top_items)
-- and the item and the account it involves (an incident counts them all, not only the top)
events as (
    select
        'reports' as series_type,
        reason_code || ':' || coalesce(country, 'unknown') as series_key,
        cast(received_at as date) as date_day,
        target_type || ':' || target_id as item_id,
        case when target_type = 'content' then 'content:' || target_id end as content_item,
        case when target_type = 'account' then 'account:' || target_id end as account_item
    from {{ ref('stg_platform__reports') }}

    union all

    select
        'new_account_uploads' as series_type,
        'all' as series_key,
        cast(created_at as date) as date_day,
        'account:' || owner_account_key as item_id,
        'content:' || content_id as content_item,
        'account:' || owner_account_key as account_item
    from new_account_content

    union all

    select
        'rule_hits' as series_type,
        rule_id || ':v' || rule_version || ':' || hit_source || ':' || status as series_key,
        cast(hit_at as date) as date_day,
        target_type || ':' || target_id as item_id,
        case when target_type = 'content' then 'content:' || target_id end as content_item,
        case when target_type = 'account' then 'account:' || target_id end as account_item
    from {{ ref('int_rule_hits_unioned') }}
    where status in ('enforce', 'shadow')

    union all

    select distinct
        'link_domain' as series_type,
        lower(domains.link_domain) as series_key,
        cast(new_account_content.created_at as date) as date_day,
        'account:' || new_account_content.owner_account_key as item_id,
        'content:' || new_account_content.content_id as content_item,
        'account:' || new_account_content.owner_account_key as account_item
    from new_account_content
    {{ lateral_unnest('new_account_content.link_domains', 'domains', 'link_domain') }}
),

contributions as (
    select
        series_type,
        series_key,
        date_day,
        item_id,
        -- the link_domain series counts accounts, so each account contributes 1 whatever its
        -- item count
        case when series_type = 'link_domain' then 1 else count(*) end as contribution
    from events
    group by series_type, series_key, date_day, item_id
),

observed as (
    select
        series_type,
        series_key,
        date_day,
        cast(sum(contribution) as bigint) as series_value,
        {{ ordered_list('item_id', [['contribution', 'desc'], ['item_id', 'asc']], limit=5) }} as top_items,
        {{ ordered_list(
            struct_of([['item_id', 'item_id'], ['contribution', 'cast(contribution as bigint)']]),
            [['contribution', 'desc'], ['item_id', 'asc']]
        ) }} as contributors
    from contributions
    group by series_type, series_key, date_day
),

involved as (
    select
        series_type,
        series_key,
        date_day,
        {{ sorted_distinct_list('content_item') }} as involved_items,
        {{ sorted_distinct_list('account_item') }} as involved_accounts
    from events
    group by series_type, series_key, date_day
),

-- the event window: the catalogue reaches back before the first delivered event, but a
-- series only means something from the first day events were delivered
window_start as (
    select cast(min(received_at) as date) as first_day
    from {{ ref('stg_platform__reports') }}
),

days as (
    select {{ day_rows('bounds.first_day', 'bounds.last_day') }} as date_day
    from (
        select
            window_start.first_day,
            max(observed.date_day) as last_day
        from observed
        cross join window_start
        group by window_start.first_day
    ) as bounds
),

series as (
    select
        series_type,
        series_key,
        min(date_day) as first_day
    from observed
    group by series_type, series_key
),

final as (
    select
        series.series_type,
        series.series_key,
        days.date_day,
        coalesce(observed.series_value, 0) as series_value,
        coalesce(observed.top_items, {{ empty_array(type_array_string()) }}) as top_items,
        coalesce(observed.contributors, {{ empty_array(type_struct_array([['item_id', 'string'], ['contribution', 'bigint']])) }}) as contributors,
        coalesce(involved.involved_items, {{ empty_array(type_array_string()) }}) as involved_items,
        coalesce(involved.involved_accounts, {{ empty_array(type_array_string()) }}) as involved_accounts
    from series
    cross join days
    left join observed
        on
            series.series_type = observed.series_type
            and series.series_key = observed.series_key
            and days.date_day = observed.date_day
    left join involved
        on
            series.series_type = involved.series_type
            and series.series_key = involved.series_key
            and days.date_day = involved.date_day
    -- a detector's series starts when it was launched: its launch is not an anomaly
    where series.series_type != 'rule_hits' or days.date_day >= series.first_day
)

select * from final
