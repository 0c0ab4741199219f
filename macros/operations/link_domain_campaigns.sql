{#- The shared steps of the link-domain campaign models (int_link_domain_pieces decides each day's
    campaign pieces, int_link_domain_clusters merges them into campaigns and lists their items).
    Settings: vars new_account_days (14), campaign_established_domain_accounts (3),
    campaign_min_accounts (5), campaign_window_hours (48); label propagation runs 6 rounds. -#}
{% macro link_domain_settings() -%}
    {{ return({
        'new_account_days': var('new_account_days', 14),
        'established_accounts': var('campaign_established_domain_accounts', 3),
        'min_accounts': var('campaign_min_accounts', 5),
        'window_hours': var('campaign_window_hours', 48),
        'iterations': 6,
    }) }}
{%- endmacro %}


{#- CTEs accounts, item_domains, established_use, established_since, new_account_items:
    every item x link domain with whether its owner was a new account when posting, when each
    domain became established, and the new-account items on a domain not yet established before
    the day they were posted. -#}
{% macro link_domain_item_ctes() -%}
{%- set s = link_domain_settings() -%}
accounts as (
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
        catalogue.created_at <= accounts.account_created_at + interval {{ s.new_account_days }} day as is_new_account
    from {{ ref('stg_platform__content') }} as catalogue
    inner join accounts
        on catalogue.owner_account_key = accounts.account_key
    {{ lateral_unnest('catalogue.link_domains', 'domains', 'link_domain') }}
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
    where account_rank <= {{ s.established_accounts }}
    group by link_domain
    having count(*) = {{ s.established_accounts }}
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
)
{%- endmacro %}


{#- The inputs the decision of day D rests on, as one text per day of `days` (a CTE or relation
    with column day_start): the settings, and the count and a checksum of the item x domain rows
    (item, owner, posting time, domain, new-account flag) posted before D + 1 day. Every decision
    of day D reads only those rows, so equal texts mean an equal decision; a late, changed or
    removed item changes the text of its day and of every later day. Needs CTE item_domains. -#}
{% macro link_domain_input_fingerprints(days) -%}
{%- set s = link_domain_settings() -%}
    select
        {{ days }}.day_start,
        '{{ s.new_account_days }}/{{ s.established_accounts }}/{{ s.min_accounts }}/{{ s.window_hours }}/{{ s.iterations }}:'
        || cast(coalesce(sum(posted_days.items), 0) as {{ dbt.type_string() }})
        || ':'
        || cast(coalesce(sum(posted_days.checksum), 0) as {{ dbt.type_string() }}) as _inputs_fingerprint
    from {{ days }}
    left join (
        select
            cast(cast(created_at as date) as timestamp) as posted_day,
            count(*) as items,
            sum(cast({{ key_hash(['content_id', 'owner_account_key', 'created_at', 'link_domain', 'is_new_account']) }} % 1000000007 as bigint)) as checksum
        from item_domains
        group by cast(cast(created_at as date) as timestamp)
    ) as posted_days
        on posted_days.posted_day <= {{ days }}.day_start
    group by {{ days }}.day_start
{%- endmacro %}


{#- Pre-hook of int_link_domain_pieces: drop every stored day from the first one whose inputs
    changed (its fingerprint is not today's), so the run decides those days again; the days before
    it rest on unchanged inputs. Days after the last stored one are new and decided by the model. -#}
{% macro link_domain_pieces_delete_changed() -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where day_start >= (
        with
        {{ link_domain_item_ctes() }},

        stored_days as (
            select
                day_start,
                min(_inputs_fingerprint) as _inputs_fingerprint
            from {{ this }}
            group by day_start
        ),

        current_fingerprints as (
            {{ link_domain_input_fingerprints('stored_days') }}
        )

        select min(stored_days.day_start)
        from stored_days
        inner join current_fingerprints
            on stored_days.day_start = current_fingerprints.day_start
        where stored_days._inputs_fingerprint != current_fingerprints._inputs_fingerprint
    )
    {%- endif %}
{%- endmacro %}


{#- The where clause of int_link_domain_pieces' days in an incremental run (after its pre-hook):
    the days after the last one the table holds. Nothing in a full build. -#}
{% macro link_domain_days_to_decide() -%}
    {%- if is_incremental() %}
    where day_start > coalesce((select max(held.day_start) from {{ this }} as held), timestamp '1900-01-01')
    {%- endif %}
{%- endmacro %}
