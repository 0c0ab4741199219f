with

source as (

    select * from {{ ref('base_platform__impressions') }}
    where _record_status = 'clean'

),

renamed as (

    select
        content_id,
        surface,
        country,
        impressions,
        streams,
        hour_ts,
        cast(hour_ts as date) as date_day,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
