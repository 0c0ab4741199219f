with

source as (

    select * from {{ ref('base_platform__reports') }}
    where _record_status = 'clean'

),

renamed as (

    select
        report_id,
        target_type,
        target_id,
        reporter_key,
        reporter_type,
        channel,
        reason_code,
        country,
        language,
        is_dsa_notice,
        authority_member_state,
        order_type,
        priority,
        has_free_text,
        received_at,
        acknowledged_at,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
