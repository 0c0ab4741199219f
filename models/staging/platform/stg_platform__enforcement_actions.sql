with

source as (

    select * from {{ ref('base_platform__enforcement_actions') }}
    where _record_status = 'clean'

),

renamed as (

    select
        action_id,
        target_type,
        target_id,
        review_id,
        report_id,
        rule_id,
        action_type,
        policy_code,
        decision_ground,
        legal_ground,
        territorial_scope,
        source,
        automated_detection,
        automated_decision,
        facts,
        decided_at,
        effective_at,
        end_at,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
