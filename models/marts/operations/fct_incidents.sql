{%- set contained_share = 0.9 -%}
{%- set active_days = 3 -%}
-- Incidents: link-domain campaigns (clusters of new accounts sharing link domains) and
-- runs of anomalous days on a watched series. One row per incident. items and accounts are
-- totals (every item and account involved); top_contributors is a separate list of at most
-- five, each labelled `content:<id>` or `account:<key>`.
with cluster_items as (
    select * from {{ ref('int_link_domain_clusters') }}
),

anomalies as (
    select * from {{ ref('fct_anomaly_scores_daily') }}
),

series as (
    select * from {{ ref('int_anomaly_series_daily') }}
),

data_end as (
    select max(date_day) as last_day
    from anomalies
),

outcomes as (
    select * from {{ ref('int_target_outcomes') }}
),

item_impressions as (
    select
        content_id,
        sum(impressions) as impressions
    from {{ ref('int_impressions_daily') }}
    where content_id in (select cluster_items.content_id from cluster_items)
    group by content_id
),

campaign_items as (
    select
        cluster_items.cluster_id,
        cluster_items.content_id,
        any_value(cluster_items.owner_account_key) as owner_account_key,
        min(cluster_items.created_at) as created_at,
        bool_or(coalesce(item_outcome.is_judged_spam, false) or coalesce(account_outcome.is_judged_spam, false))
            as is_actioned,
        min(least(item_outcome.first_spam_action_at, account_outcome.first_spam_action_at)) as first_action_at
    from cluster_items
    left join outcomes as item_outcome
        on item_outcome.target_type = 'content' and cluster_items.content_id = item_outcome.target_id
    left join outcomes as account_outcome
        on account_outcome.target_type = 'account' and cluster_items.owner_account_key = account_outcome.target_id
    group by cluster_items.cluster_id, cluster_items.content_id
),

first_seen as (
    select
        cluster_id,
        min(cluster_first_seen_at) as first_seen_at
    from cluster_items
    group by cluster_id
),

domain_items as (
    select
        cluster_id,
        link_domain,
        count(distinct content_id) as items
    from cluster_items
    group by cluster_id, link_domain
),

domains as (
    select
        cluster_id,
        {{ ordered_list('link_domain', [['items', 'desc'], ['link_domain', 'asc']]) }} as link_domains
    from domain_items
    group by cluster_id
),

campaigns as (
    select
        campaign_items.cluster_id as incident_id,
        'link_domain_campaign' as incident_type,
        'link_domain' as series_type,
        {{ array_element('domains.link_domains', 1) }} as series_key,
        domains.link_domains,
        first_seen.first_seen_at,
        min(campaign_items.created_at) as first_activity_at,
        max(campaign_items.created_at) as last_activity_at,
        min(campaign_items.first_action_at) as first_action_at,
        count(*) as items,
        count(distinct campaign_items.owner_account_key) as accounts,  -- noqa: RF04
        cast(count_if(campaign_items.is_actioned) as bigint) as actioned_items,
        cast(coalesce(sum(item_impressions.impressions), 0) as bigint) as impressions,
        cast(null as integer) as anomaly_days,
        cast(null as decimal(18, 8)) as peak_score,
        {{ ordered_list(
            "'content:' || campaign_items.content_id",
            [['coalesce(item_impressions.impressions, 0)', 'desc'], ['campaign_items.content_id', 'asc']],
            limit=5
        ) }} as top_contributors
    from campaign_items
    inner join first_seen
        on campaign_items.cluster_id = first_seen.cluster_id
    inner join domains
        on campaign_items.cluster_id = domains.cluster_id
    left join item_impressions
        on campaign_items.content_id = item_impressions.content_id
    group by
        campaign_items.cluster_id,
        {{ array_element('domains.link_domains', 1) }},
        domains.link_domains,
        first_seen.first_seen_at
),

anomaly_days as (
    select
        *,
        date_day - cast(row_number() over (partition by series_type, series_key order by date_day) as integer) as run_id
    from anomalies
    where is_anomaly
),

-- every contributor, item and account of the flagged days (not only each day's top five)
anomaly_day_series as (
    select
        anomaly_days.series_type,
        anomaly_days.series_key,
        anomaly_days.run_id,
        series.contributors,
        series.involved_items,
        series.involved_accounts
    from anomaly_days
    inner join series
        on
            anomaly_days.series_type = series.series_type
            and anomaly_days.series_key = series.series_key
            and anomaly_days.date_day = series.date_day
),

run_totals as (
    select
        series_type,
        series_key,
        run_id,
        {{ count_distinct_elements('involved_items') }} as items,
        {{ count_distinct_elements('involved_accounts') }} as accounts  -- noqa: RF04
    from anomaly_day_series
    group by series_type, series_key, run_id
),

run_contributions as (
    select
        day_contributors.series_type,
        day_contributors.series_key,
        day_contributors.run_id,
        day_contributors.contributor.item_id,
        sum(day_contributors.contributor.contribution) as contribution
    from (
        select
            series_type,
            series_key,
            run_id,
            {{ unnest_rows('contributors') }} as contributor
        from anomaly_day_series
    ) as day_contributors
    group by
        day_contributors.series_type,
        day_contributors.series_key,
        day_contributors.run_id,
        day_contributors.contributor.item_id
),

run_top_contributors as (
    select
        series_type,
        series_key,
        run_id,
        {{ ordered_list('item_id', [['contribution', 'desc'], ['item_id', 'asc']], limit=5) }} as top_contributors
    from run_contributions
    group by series_type, series_key, run_id
),

anomaly_runs as (
    select
        series_type,
        series_key,
        run_id,
        'anomaly:' || series_type || ':' || series_key || ':' || cast(min(date_day) as {{ dbt.type_string() }}) as incident_id,
        'anomaly' as incident_type,
        case when series_type = 'link_domain' then {{ array_of(['series_key']) }} else {{ empty_array(type_array_string()) }} end as link_domains,
        cast(min(date_day) as timestamp) as first_seen_at,
        cast(min(date_day) as timestamp) as first_activity_at,
        cast(max(date_day) + 1 as timestamp) - interval 1 microsecond as last_activity_at,
        cast(null as timestamp) as first_action_at,
        cast(null as bigint) as actioned_items,
        cast(null as bigint) as impressions,
        cast(count(*) as integer) as anomaly_days,
        {{ fixed_decimal('max(robust_score)') }} as peak_score
    from anomaly_days
    group by series_type, series_key, run_id
),

anomaly_incidents as (
    select
        anomaly_runs.incident_id,
        anomaly_runs.incident_type,
        anomaly_runs.series_type,
        anomaly_runs.series_key,
        anomaly_runs.link_domains,
        anomaly_runs.first_seen_at,
        anomaly_runs.first_activity_at,
        anomaly_runs.last_activity_at,
        anomaly_runs.first_action_at,
        coalesce(run_totals.items, 0) as items,
        coalesce(run_totals.accounts, 0) as accounts,  -- noqa: RF04
        anomaly_runs.actioned_items,
        anomaly_runs.impressions,
        anomaly_runs.anomaly_days,
        anomaly_runs.peak_score,
        coalesce(run_top_contributors.top_contributors, {{ empty_array(type_array_string()) }}) as top_contributors
    from anomaly_runs
    left join run_totals
        on
            anomaly_runs.series_type = run_totals.series_type
            and anomaly_runs.series_key = run_totals.series_key
            and anomaly_runs.run_id = run_totals.run_id
    left join run_top_contributors
        on
            anomaly_runs.series_type = run_top_contributors.series_type
            and anomaly_runs.series_key = run_top_contributors.series_key
            and anomaly_runs.run_id = run_top_contributors.run_id
),

{%- set incident_columns = [
    'incident_id', 'incident_type', 'series_type', 'series_key', 'link_domains', 'first_seen_at',
    'first_activity_at', 'last_activity_at', 'first_action_at', 'items', 'accounts', 'actioned_items',
    'impressions', 'anomaly_days', 'peak_score', 'top_contributors'
] %}

unioned as (
    select {{ incident_columns | join(', ') }} from campaigns
    union all
    select {{ incident_columns | join(', ') }} from anomaly_incidents
),

final as (
    select
        unioned.incident_id,
        unioned.incident_type,
        unioned.series_type,
        unioned.series_key,
        unioned.link_domains,
        unioned.first_seen_at,
        unioned.first_activity_at,
        unioned.last_activity_at,
        unioned.first_action_at,
        unioned.items,
        unioned.accounts,
        unioned.actioned_items,
        unioned.impressions,
        unioned.anomaly_days,
        unioned.peak_score,
        case
            when unioned.incident_type = 'link_domain_campaign'
                and unioned.actioned_items >= {{ contained_share }} * unioned.items then 'contained'
            when unioned.last_activity_at >= data_end.last_day - {{ active_days - 1 }} then 'active'
            else 'ended'
        end as status,
        unioned.top_contributors
    from unioned
    cross join data_end
)

select * from final
