with

source as (

    select * from {{ ref('base_platform__content') }}
    where _record_status = 'clean'

),

renamed as (

    select
        content_id,
        owner_account_key,
        content_type,
        country,
        language,
        title,
        description,
        link_domains,
        ean13,
        created_at,
        updated_at,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
