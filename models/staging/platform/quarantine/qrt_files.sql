with

source as (

    select * from {{ source('platform', '_files') }}
    where status = 'unreadable'

),

renamed as (

    select
        path as source_file,
        feed,
        reason as reason_code,
        size_bytes,
        sha256,
        delivered_dt as _delivered_dt,
        loaded_at as _loaded_at

    from source

)

select * from renamed
