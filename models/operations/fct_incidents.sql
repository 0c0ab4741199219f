{%- set contained_share = 0.9 -%}
{%- set active_days = 3 -%}
-- Incidents: link-domain campaigns (clusters of new accounts sharing link domains) and
-- runs of anomalous days on a watched series. One row per incident.
with cluster_items as (
    select * from {{ ref('int_link_domain_clusters') }}
),

anomalies as (
    select * from {{ ref('fct_anomaly_scores_daily') }}
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
    from {{ ref('stg_platform__impressions') }}
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
    group by all
),

domains as (
    select
        cluster_id,
        list(link_domain order by items desc, link_domain asc) as link_domains
    from domain_items
    group by cluster_id
),

campaigns as (
    select
        campaign_items.cluster_id as incident_id,
        'link_domain_campaign' as incident_type,
        'link_domain' as series_type,
        domains.link_domains[1] as series_key,
        domains.link_domains,
        first_seen.first_seen_at,
        min(campaign_items.created_at) as first_activity_at,
        max(campaign_items.created_at) as last_activity_at,
        min(campaign_items.first_action_at) as first_action_at,
        count(*) as items,
        count(distinct campaign_items.owner_account_key) as accounts,  -- noqa: RF04
        count_if(campaign_items.is_actioned)::bigint as actioned_items,
        coalesce(sum(item_impressions.impressions), 0)::bigint as impressions,
        null::integer as anomaly_days,
        null::double as peak_score,
        list(campaign_items.content_id order by coalesce(item_impressions.impressions, 0) desc, campaign_items.content_id)[1:5]
            as top_items
    from campaign_items
    inner join first_seen
        on campaign_items.cluster_id = first_seen.cluster_id
    inner join domains
        on campaign_items.cluster_id = domains.cluster_id
    left join item_impressions
        on campaign_items.content_id = item_impressions.content_id
    group by all
),

anomaly_days as (
    select
        *,
        date_day - (row_number() over (partition by series_type, series_key order by date_day))::integer as run_id
    from anomalies
    where is_anomaly
),

anomaly_runs as (
    select
        'anomaly:' || series_type || ':' || series_key || ':' || strftime(min(date_day), '%Y-%m-%d') as incident_id,
        'anomaly' as incident_type,
        series_type,
        series_key,
        case when series_type = 'link_domain' then [series_key] else []::varchar[] end as link_domains,
        min(date_day)::timestamp as first_seen_at,
        min(date_day)::timestamp as first_activity_at,
        (max(date_day) + 1)::timestamp - interval 1 microsecond as last_activity_at,
        null::timestamp as first_action_at,
        list_distinct(flatten(list(top_items))) as contributing_items,
        null::bigint as actioned_items,
        null::bigint as impressions,
        count(*)::integer as anomaly_days,
        max(robust_score) as peak_score
    from anomaly_days
    group by series_type, series_key, run_id
),

anomaly_incidents as (
    select
        incident_id,
        incident_type,
        series_type,
        series_key,
        link_domains,
        first_seen_at,
        first_activity_at,
        last_activity_at,
        first_action_at,
        len(list_filter(contributing_items, lambda item: not starts_with(item, 'account:'))) as items,
        len(list_filter(contributing_items, lambda item: starts_with(item, 'account:'))) as accounts,  -- noqa: RF04
        actioned_items,
        impressions,
        anomaly_days,
        peak_score,
        contributing_items[1:5] as top_items
    from anomaly_runs
),

unioned as (
    select * from campaigns
    union all by name
    select * from anomaly_incidents
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
        unioned.top_items
    from unioned
    cross join data_end
)

select * from final
