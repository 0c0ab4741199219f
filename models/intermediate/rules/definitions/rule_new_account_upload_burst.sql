{{ config(tags=detection_rule_tags()) }}
-- Accounts that upload many items within a day of their first days on the platform.
with accounts as (
    select
        account_key,
        created_at as account_created_at
    from {{ ref('stg_platform__accounts') }}
    where account_type != 'listener'
),

uploads as (
    select
        catalogue.owner_account_key,
        catalogue.created_at
    from {{ ref('stg_platform__content') }} as catalogue
    inner join accounts
        on catalogue.owner_account_key = accounts.account_key
    where catalogue.created_at <= accounts.account_created_at + interval 3 day
),

uploads_in_window as (
    select
        owner_account_key,
        created_at,
        count(*) over (
            partition by owner_account_key
            order by created_at
            range between interval 24 hour preceding and current row
        ) as uploads_last_24h
    from uploads
),

final as (
    select
        {{ detection_rule_identity() }},
        'account' as target_type,
        owner_account_key as target_id,
        min(created_at) as flagged_at
    from uploads_in_window
    where uploads_last_24h >= 8
    group by owner_account_key
)

select * from final
