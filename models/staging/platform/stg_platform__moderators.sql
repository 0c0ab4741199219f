with

source as (

    select * from {{ ref('base_platform__moderators') }}
    where _record_status = 'clean'

),

renamed as (

    select
        reviewer_key,
        vendor,
        employment,
        languages,
        active_from,
        active_to,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
