{%- set new_account_days = var('new_account_days', 14) -%}
{%- set established_accounts = var('campaign_established_domain_accounts', 3) -%}
{%- set min_accounts = var('campaign_min_accounts', 5) -%}
{%- set window_hours = var('campaign_window_hours', 48) -%}
{%- set iterations = 6 -%}
-- Campaign clustering: new accounts (at most 14 days old when they posted) joined through
-- the link domains they share. Accounts and domains form a graph; its connected
-- components are the clusters (label propagation, unrolled: 6 rounds join everything
-- within 12 hops, far more than a campaign's account-domain-account chains need).
-- Domains established accounts use too (instagram.com, linktr.ee, ...) do not join
-- accounts: sharing them says nothing. A cluster is a campaign once 5 of its accounts
-- posted their first item within 48 hours (background spammers reusing a domain now and
-- then never do); it is seen at that 5th account. One row per item of a campaign.
with accounts as (
    select
        account_key,
        created_at as account_created_at
    from {{ ref('stg_platform__accounts') }}
),

item_domains as (
    select
        catalogue.content_id,
        catalogue.owner_account_key,
        catalogue.created_at,
        lower(domains.link_domain) as link_domain,
        catalogue.created_at <= accounts.account_created_at + interval {{ new_account_days }} day as is_new_account
    from {{ ref('stg_platform__content') }} as catalogue
    inner join accounts
        on catalogue.owner_account_key = accounts.account_key
    cross join unnest(catalogue.link_domains) as domains (link_domain)
),

established_domains as (
    select link_domain
    from item_domains
    where not is_new_account
    group by link_domain
    having count(distinct owner_account_key) >= {{ established_accounts }}
),

new_account_items as (
    select item_domains.*
    from item_domains
    left join established_domains
        on item_domains.link_domain = established_domains.link_domain
    where
        item_domains.is_new_account
        and established_domains.link_domain is null
),

edges as (
    select distinct
        owner_account_key,
        link_domain
    from new_account_items
),

domain_labels_0 as (
    select distinct
        link_domain,
        link_domain as cluster_label
    from edges
),

{% for i in range(1, iterations + 1) %}
    account_labels_{{ i }} as (
        select
            edges.owner_account_key,
            min(domain_labels_{{ i - 1 }}.cluster_label) as cluster_label
        from edges
        inner join domain_labels_{{ i - 1 }}
            on edges.link_domain = domain_labels_{{ i - 1 }}.link_domain
        group by edges.owner_account_key
    ),

    domain_labels_{{ i }} as (
        select
            edges.link_domain,
            min(account_labels_{{ i }}.cluster_label) as cluster_label
        from edges
        inner join account_labels_{{ i }}
            on edges.owner_account_key = account_labels_{{ i }}.owner_account_key
        group by edges.link_domain
    ),

{% endfor %}
clustered_items as (
    select
        new_account_items.content_id,
        new_account_items.owner_account_key,
        new_account_items.created_at,
        new_account_items.link_domain,
        account_labels_{{ iterations }}.cluster_label
    from new_account_items
    inner join account_labels_{{ iterations }}
        on new_account_items.owner_account_key = account_labels_{{ iterations }}.owner_account_key
),

account_first_items as (
    select
        cluster_label,
        owner_account_key,
        min(created_at) as first_item_at
    from clustered_items
    group by all
),

account_velocity as (
    select
        cluster_label,
        first_item_at,
        count(*) over (
            partition by cluster_label
            order by first_item_at
            range between interval {{ window_hours }} hour preceding and current row
        ) as accounts_in_window
    from account_first_items
),

qualifying as (
    select
        cluster_label,
        min(first_item_at) as first_seen_at
    from account_velocity
    where accounts_in_window >= {{ min_accounts }}
    group by cluster_label
),

final as (
    select
        'campaign:' || clustered_items.cluster_label as cluster_id,
        clustered_items.content_id,
        clustered_items.owner_account_key,
        clustered_items.link_domain,
        clustered_items.created_at,
        qualifying.first_seen_at as cluster_first_seen_at
    from clustered_items
    inner join qualifying
        on clustered_items.cluster_label = qualifying.cluster_label
)

select * from final
