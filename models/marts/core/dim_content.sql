-- Catalogue items (latest version) with their DSA content type and the owner's account type.
-- The owner appears only as a pseudonymous key.
with

content as (

    select * from {{ ref('stg_platform__content') }}

),

accounts as (

    select
        account_key,
        account_type,
        is_verified
    from {{ ref('stg_platform__accounts') }}

),

content_types as (

    select * from {{ ref('dim_content_type') }}

),

final as (

    select
        content.content_id,
        content.owner_account_key,
        content.content_type,
        content_types.dsa_content_type,
        accounts.account_type as owner_account_type,
        accounts.is_verified as owner_is_verified,
        content.country,
        content.language,
        content.title,
        content.link_domains,
        content.ean13,
        content.created_at,
        content.updated_at
    from content
    left join content_types
        on content.content_type = content_types.content_type
    left join accounts
        on content.owner_account_key = accounts.account_key

)

select * from final
