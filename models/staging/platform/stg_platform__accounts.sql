with

source as (

    select * from {{ ref('base_platform__accounts') }}
    where _record_status = 'clean'

),

renamed as (

    select
        account_key,
        account_type,
        country,
        is_verified,
        created_at,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
