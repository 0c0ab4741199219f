{#- Items posted by new accounts that carry a link domain which several *different* new
    accounts started using within a few days of each other: the signature of a spam
    campaign (throwaway accounts pushing the same destination). Shared by the versions of
    rule `new_account_link_domain`, which differ only in their thresholds.

    Domains that established accounts use too (linktr.ee, instagram.com, ...) are ignored,
    without hindsight: a domain counts as established for an item only if `established_accounts`
    accounts older than `max_account_age_days` (when posting) had linked it *before the item's
    flag time* (the later of its posting and the domain tripping). Established uses after that
    moment never suppress it, so a domain that only later became established leaves its earlier
    flags (and their lead times) standing. The flag time, not the day as for the campaign
    clusters (int_link_domain_clusters, rebuilt once a day from the data before the day): a
    rule decides one item at the moment it fires, and everything before that instant is data it
    had. The trip count uses only first uses up to the trip itself (a trailing window). -#}
{% macro new_account_link_domain_flags(min_accounts, window_days, max_account_age_days, established_accounts=3) -%}
    with content as (
        select
            content_id,
            owner_account_key,
            created_at,
            link_domains
        from {{ ref('stg_platform__content') }}
        where {{ array_size('link_domains') }} > 0
    ),

    accounts as (
        select
            account_key,
            created_at as account_created_at
        from {{ ref('stg_platform__accounts') }}
    ),

    item_domains as (
        select
            content.content_id,
            content.owner_account_key,
            content.created_at,
            lower(domains.link_domain) as link_domain,
            content.created_at
            <= accounts.account_created_at + interval {{ max_account_age_days }} day as is_new_account
        from content
        inner join accounts
            on content.owner_account_key = accounts.account_key
        {{ lateral_unnest('content.link_domains', 'domains', 'link_domain') }}
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

    established_since as (
        select
            link_domain,
            max(first_used_at) as established_at
        from (
            select
                link_domain,
                first_used_at,
                row_number() over (partition by link_domain order by first_used_at) as account_rank
            from established_use
        )
        where account_rank <= {{ established_accounts }}
        group by link_domain
        having count(*) = {{ established_accounts }}
    ),

    new_account_first_use as (
        select
            link_domain,
            owner_account_key,
            min(created_at) as first_used_at
        from item_domains
        where is_new_account
        group by link_domain, owner_account_key
    ),

    accounts_in_window as (
        select
            link_domain,
            first_used_at,
            count(*) over (
                partition by link_domain
                order by first_used_at
                range between interval {{ window_days }} day preceding and current row
            ) as new_accounts_in_window
        from new_account_first_use
    ),

    tripped as (
        select
            link_domain,
            min(first_used_at) as tripped_at
        from accounts_in_window
        where new_accounts_in_window >= {{ min_accounts }}
        group by link_domain
    ),

    flagged as (
        select
            item_domains.content_id,
            greatest(item_domains.created_at, tripped.tripped_at) as flagged_at
        from item_domains
        inner join tripped
            on item_domains.link_domain = tripped.link_domain
        left join established_since
            on item_domains.link_domain = established_since.link_domain
        where
            item_domains.is_new_account
            and (
                established_since.established_at is null
                or established_since.established_at >= greatest(item_domains.created_at, tripped.tripped_at)
            )
    )

    select
        content_id,
        min(flagged_at) as flagged_at
    from flagged
    group by content_id
{%- endmacro %}
