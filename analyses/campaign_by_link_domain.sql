-- Spam campaigns by link domain: domains linked from items of several accounts, with how many of
-- those items we judged spam, how many listeners saw them before we acted, and when the domain
-- appeared. A domain with many new owners and a high judged share is a campaign; a domain with
-- many owners and nothing judged may be one we have not caught yet.
with

content as (

    select * from {{ ref('dim_content') }}

),

judged as (

    select * from {{ ref('fct_unwanted_impressions_items') }}

),

links as (

    select
        content.content_id,
        content.owner_account_key,
        content.created_at,
        unnest(content.link_domains) as link_domain
    from content

),

final as (

    select
        links.link_domain,
        count(distinct links.content_id) as items,
        count(distinct links.owner_account_key) as owners,
        count(distinct judged.content_id) as judged_spam_items,
        min(links.created_at) as first_item_at,
        max(links.created_at) as last_item_at,
        min(judged.first_signal_at) as first_signal_at,
        min(judged.first_judged_at) as first_judged_at,
        coalesce(sum(judged.unwanted_impressions), 0) as unwanted_impressions,
        coalesce(sum(judged.unwanted_after_signal), 0) as unwanted_after_signal,
        round(count(distinct judged.content_id) / count(distinct links.content_id), 4) as judged_share
    from links
    left join judged
        on links.content_id = judged.content_id
    group by links.link_domain
    having count(distinct links.owner_account_key) >= 3

)

select * from final
order by judged_spam_items desc, owners desc, link_domain asc
