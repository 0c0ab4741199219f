with

source as (

    select * from {{ ref('base_platform__qa_audits') }}
    where _record_status = 'clean'

),

renamed as (

    select
        audit_id,
        review_id,
        auditor_key,
        gold_decision,
        gold_policy_code,
        audited_at,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
