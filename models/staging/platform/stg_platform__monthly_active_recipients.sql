with

source as (

    select * from {{ ref('base_platform__monthly_active_recipients') }}
    where _record_status = 'clean'

),

renamed as (

    select
        month,
        country,
        recipients,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
