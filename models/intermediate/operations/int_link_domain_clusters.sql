{%- set iterations = link_domain_settings().iterations -%}
-- Campaigns of new accounts sharing link domains, without hindsight: the campaign pieces decided
-- day by day in int_link_domain_pieces (a cluster of day D, built only from data posted before D,
-- that met the velocity threshold on D) that share a domain are one campaign (label: its
-- smallest domain); its items are every new-account item linking one of its domains while the
-- domain was not established. One row per item x domain of each campaign.
with
{{ link_domain_item_ctes() }},

piece_domains as (
    select
        piece_id,
        first_seen_at,
        link_domain
    from {{ ref('int_link_domain_pieces') }}
    where piece_id is not null
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
