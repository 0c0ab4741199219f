{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ link_domain_pieces_delete_changed() }}",
) }}
{%- set s = link_domain_settings() -%}
{%- set new_account_days = s.new_account_days -%}
{%- set min_accounts = s.min_accounts -%}
{%- set window_hours = s.window_hours -%}
{%- set iterations = s.iterations -%}
{#- an account posts as a new account for new_account_days after it was created, so an account
    whose first item in a cluster falls in the velocity window of day D has all its new-account
    items after D - lookback_days: older pairs cannot change who counts on day D -#}
{%- set lookback_days = new_account_days + ((window_hours / 24) | round(0, 'ceil') | int) + 1 -%}
-- The campaign decisions of each day, without hindsight: for day D, the clusters of new accounts
-- joined through the link domains they share, built only from data posted before D, and those
-- that met the velocity threshold on D (macros in link_domain_campaigns.sql hold the shared steps).
--   established: a domain is established from the moment 3 established accounts (older than
--     14 days when posting) have linked it; for day D only domains established before D are
--     left out (they join unrelated people), so a domain that becomes established later does
--     not erase an earlier campaign.
--   structure: the clusters of day D are the connected components of the account-domain graph
--     of the new-account items posted before D (label propagation, unrolled: 6 rounds join
--     everything within 12 hops). An item of day D joins the cluster of its domain (a domain
--     not seen before D is a cluster of its own); two clusters an item of day D links are
--     joined from D + 1.
--   velocity: a cluster of day D is a campaign piece once 5 of its accounts posted their first
--     item in it within 48 hours, the 5th on day D; it is seen at that 5th account, with nothing
--     posted after that moment counted.
-- One row per day x piece x domain; a day without a piece has one row with no piece, so every
-- decided day is on record with the inputs it was decided on (_inputs_fingerprint).
-- Incremental: a day's decision reads only what was posted before the next day, so a run decides
-- again the days from the first whose inputs changed (late, changed or removed items: the
-- pre-hook link_domain_pieces_delete_changed) and the new days; earlier days are kept. A day's
-- run builds the graph of one day instead of one per day of history.
with
{{ link_domain_item_ctes() }},

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
    {{ link_domain_days_to_decide() }}
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
    group by
        day_domain_labels.day_start,
        day_domain_labels.cluster_label,
        day_domains.owner_account_key
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
        pieces.day_start,
        cast(cast(pieces.day_start as date) as {{ dbt.type_string() }}) || ':' || pieces.cluster_label as piece_id,
        pieces.first_seen_at,
        day_domain_labels.link_domain
    from pieces
    inner join day_domain_labels
        on
            pieces.day_start = day_domain_labels.day_start
            and pieces.cluster_label = day_domain_labels.cluster_label
),

fingerprints as (
    {{ link_domain_input_fingerprints('scored_days') }}
),

final as (
    select
        scored_days.day_start,
        piece_domains.piece_id,
        piece_domains.first_seen_at,
        piece_domains.link_domain,
        fingerprints._inputs_fingerprint
    from scored_days
    inner join fingerprints
        on scored_days.day_start = fingerprints.day_start
    left join piece_domains
        on scored_days.day_start = piece_domains.day_start
)

select * from final
