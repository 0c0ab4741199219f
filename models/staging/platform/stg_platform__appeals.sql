with

source as (

    select * from {{ ref('base_platform__appeals') }}
    where _record_status = 'clean'

),

renamed as (

    select
        appeal_id,
        action_id,
        route,
        outcome,
        outcome_implemented,
        filed_at,
        resolved_at,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
