with

source as (

    select * from {{ ref('base_platform__review_events') }}
    where _record_status = 'clean'

),

renamed as (

    select
        event_id,
        review_id,
        target_type,
        target_id,
        source_type,
        source_ref,
        reviewer_key,
        event_type,
        queue,
        decision,
        policy_code,
        vendor,
        reviewer_language,
        automated,
        handling_seconds,
        event_ts,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
