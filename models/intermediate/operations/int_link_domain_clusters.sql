{%- set new_account_days = var('new_account_days', 14) -%}
{%- set established_accounts = var('campaign_established_domain_accounts', 3) -%}
{%- set min_accounts = var('campaign_min_accounts', 5) -%}
{%- set window_hours = var('campaign_window_hours', 48) -%}
{%- set iterations = 6 -%}
{#- an account posts as a new account for new_account_days after it was created, so an account
    whose first item in a cluster falls in the velocity window of day D has all its new-account
    items after D - lookback_days: older pairs cannot change who counts on day D -#}
{%- set lookback_days = new_account_days + ((window_hours / 24) | round(0, 'ceil') | int) + 1 -%}
-- Campaign clustering without hindsight: new accounts (at most 14 days old when they posted)
-- joined through the link domains they share, where every decision for day D uses only data
-- from before D.
--   established: a domain is established from the moment 3 established accounts (older than
--     14 days when posting) have linked it; for day D only domains established before D are
--     left out (they join unrelated people), so a domain that becomes established later does
--     not erase an earlier campaign.
--   structure: the clusters of day D are the connected components of the account-domain graph
--     of the new-account items posted before D (label propagation, unrolled: 6 rounds join
--     everything within 12 hops). An item of day D joins the cluster of its domain (a domain
--     not seen before D is a cluster of its own); two clusters an item of day D links are
--     joined from D + 1.
--   velocity: a cluster of day D is a campaign once 5 of its accounts posted their first item in
--     it within 48 hours, the 5th on day D; it is seen at that 5th account, with nothing posted
--     after that moment counted.
-- The qualifying (day, cluster) pieces that share a domain are one campaign (label: its
-- smallest domain); its items are every new-account item linking one of its domains while the
-- domain was not established. One row per item x domain of each campaign.
with accounts as (
    select
        account_key,
        created_at as account_created_at
    from {{ ref('stg_platform__accounts') }}
),

item_domains as (
    select distinct
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

established_use as (
    select
        link_domain,
        owner_account_key,
        min(created_at) as first_used_at
    from item_domains
    where not is_new_account
    group by link_domain, owner_account_key
),

-- the moment the Nth established account first linked the domain
established_since as (
    select
        link_domain,
        max(first_used_at) as established_at
    from (
        select
            link_domain,
            first_used_at,
            row_number() over (partition by link_domain order by first_used_at, owner_account_key) as account_rank
        from established_use
    ) as ranked_uses
    where account_rank <= {{ established_accounts }}
    group by link_domain
    having count(*) = {{ established_accounts }}
),

-- new-account items on a domain not yet established before the day they were posted
new_account_items as (
    select
        item_domains.content_id,
        item_domains.owner_account_key,
        item_domains.created_at,
        item_domains.link_domain,
        cast(cast(item_domains.created_at as date) as timestamp) as day_start
    from item_domains
    left join established_since
        on item_domains.link_domain = established_since.link_domain
    where
        item_domains.is_new_account
        and (
            established_since.established_at is null
            or established_since.established_at >= cast(cast(item_domains.created_at as date) as timestamp)
        )
),

account_domains as (
    select
        owner_account_key,
        link_domain,
        min(created_at) as first_used_at
    from new_account_items
    group by owner_account_key, link_domain
),

scored_days as (
    select distinct day_start
    from new_account_items
),

-- the domains of day D: every domain of the graph before D, and those first linked on D,
-- minus those established before D
day_domains as (
    select
        scored_days.day_start,
        account_domains.owner_account_key,
        account_domains.link_domain,
        account_domains.first_used_at
    from scored_days
    inner join account_domains
        on account_domains.first_used_at < scored_days.day_start + interval 1 day
    left join established_since
        on account_domains.link_domain = established_since.link_domain
    where established_since.established_at is null or established_since.established_at >= scored_days.day_start
),

edges as (
    select
        day_start,
        owner_account_key,
        link_domain
    from day_domains
    where first_used_at < day_start
),

domain_labels_0 as (
    select distinct
        day_start,
        link_domain,
        link_domain as cluster_label
    from edges
),

{% for i in range(1, iterations + 1) %}
    account_labels_{{ i }} as (
        select
            edges.day_start,
            edges.owner_account_key,
            min(domain_labels_{{ i - 1 }}.cluster_label) as cluster_label
        from edges
        inner join domain_labels_{{ i - 1 }}
            on
                edges.day_start = domain_labels_{{ i - 1 }}.day_start
                and edges.link_domain = domain_labels_{{ i - 1 }}.link_domain
        group by edges.day_start, edges.owner_account_key
    ),

    domain_labels_{{ i }} as (
        select
            edges.day_start,
            edges.link_domain,
            min(account_labels_{{ i }}.cluster_label) as cluster_label
        from edges
        inner join account_labels_{{ i }}
            on
                edges.day_start = account_labels_{{ i }}.day_start
                and edges.owner_account_key = account_labels_{{ i }}.owner_account_key
        group by edges.day_start, edges.link_domain
    ),

{% endfor %}
-- every domain of day D with its cluster: from the graph before D, else a cluster of its own
day_domain_labels as (
    select distinct
        day_domains.day_start,
        day_domains.link_domain,
        coalesce(domain_labels_{{ iterations }}.cluster_label, day_domains.link_domain) as cluster_label
    from day_domains
    left join domain_labels_{{ iterations }}
        on
            day_domains.day_start = domain_labels_{{ iterations }}.day_start
            and day_domains.link_domain = domain_labels_{{ iterations }}.link_domain
),

account_first_items as (
    select
        day_domain_labels.day_start,
        day_domain_labels.cluster_label,
        day_domains.owner_account_key,
        min(day_domains.first_used_at) as first_item_at
    from day_domains
    inner join day_domain_labels
        on
            day_domains.day_start = day_domain_labels.day_start
            and day_domains.link_domain = day_domain_labels.link_domain
    where day_domains.first_used_at >= day_domains.day_start - interval {{ lookback_days }} day
    group by all
),

account_velocity as (
    select
        day_start,
        cluster_label,
        first_item_at,
        count(*) over (
            partition by day_start, cluster_label
            order by first_item_at
            range between interval {{ window_hours }} hour preceding and current row
        ) as accounts_in_window
    from account_first_items
),

pieces as (
    select
        day_start,
        cluster_label,
        min(first_item_at) as first_seen_at
    from account_velocity
    where
        accounts_in_window >= {{ min_accounts }}
        and first_item_at >= day_start
    group by day_start, cluster_label
),

piece_domains as (
    select
        strftime(pieces.day_start, '%Y-%m-%d') || ':' || pieces.cluster_label as piece_id,
        pieces.first_seen_at,
        day_domain_labels.link_domain
    from pieces
    inner join day_domain_labels
        on
            pieces.day_start = day_domain_labels.day_start
            and pieces.cluster_label = day_domain_labels.cluster_label
),

-- pieces sharing a domain are one campaign (label propagation again, pieces and domains)
campaign_piece_labels_0 as (
    select
        piece_id,
        min(link_domain) as campaign_label
    from piece_domains
    group by piece_id
),

{% for i in range(1, iterations + 1) %}
    campaign_domain_labels_{{ i }} as (
        select
            piece_domains.link_domain,
            min(campaign_piece_labels_{{ i - 1 }}.campaign_label) as campaign_label
        from piece_domains
        inner join campaign_piece_labels_{{ i - 1 }}
            on piece_domains.piece_id = campaign_piece_labels_{{ i - 1 }}.piece_id
        group by piece_domains.link_domain
    ),

    campaign_piece_labels_{{ i }} as (
        select
            piece_domains.piece_id,
            min(campaign_domain_labels_{{ i }}.campaign_label) as campaign_label
        from piece_domains
        inner join campaign_domain_labels_{{ i }}
            on piece_domains.link_domain = campaign_domain_labels_{{ i }}.link_domain
        group by piece_domains.piece_id
    ),

{% endfor %}
campaign_first_seen as (
    select
        campaign_domain_labels_{{ iterations }}.campaign_label,
        min(piece_domains.first_seen_at) as first_seen_at
    from piece_domains
    inner join campaign_domain_labels_{{ iterations }}
        on piece_domains.link_domain = campaign_domain_labels_{{ iterations }}.link_domain
    group by campaign_domain_labels_{{ iterations }}.campaign_label
),

final as (
    select
        'campaign:' || campaign_domain_labels_{{ iterations }}.campaign_label as cluster_id,
        new_account_items.content_id,
        new_account_items.owner_account_key,
        new_account_items.link_domain,
        new_account_items.created_at,
        campaign_first_seen.first_seen_at as cluster_first_seen_at
    from new_account_items
    inner join campaign_domain_labels_{{ iterations }}
        on new_account_items.link_domain = campaign_domain_labels_{{ iterations }}.link_domain
    inner join campaign_first_seen
        on campaign_domain_labels_{{ iterations }}.campaign_label = campaign_first_seen.campaign_label
)

select * from final
