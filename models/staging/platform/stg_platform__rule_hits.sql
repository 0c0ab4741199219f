with

source as (

    select * from {{ ref('base_platform__rule_hits') }}
    where _record_status = 'clean'

),

renamed as (

    select
        hit_id,
        rule_id,
        target_type,
        target_id,
        rule_version,
        mode,
        score,
        hit_at,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
