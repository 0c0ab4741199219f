-- One row per QA audit with the review decision it audited (the review's `decided` event, human or
-- automated; a review has at most one): the gold answer beside the decision, and whether they agree.
-- int_review_decisions keeps only human decisions and their latest audit; DSA Part 8 reads every
-- audit of an automated decision on a notice from here.
with

audits as (

    select * from {{ ref('stg_platform__qa_audits') }}

),

decided as (

    select
        review_id,
        target_type,
        target_id,
        queue,
        source_type,
        source_ref,
        coalesce(automated, false) as is_automated,
        reviewer_key,
        decision,
        policy_code,
        event_ts as decided_at
    from {{ ref('stg_platform__review_events') }}
    where event_type = 'decided'

),

final as (

    select
        audits.audit_id,
        audits.review_id,
        decided.target_type,
        decided.target_id,
        decided.queue,
        decided.source_type,
        decided.source_ref,
        decided.is_automated,
        decided.reviewer_key,
        decided.decision,
        decided.policy_code,
        audits.gold_decision,
        audits.gold_policy_code,
        decided.decision = audits.gold_decision as is_correct,
        audits.auditor_key,
        decided.decided_at,
        audits.audited_at
    from audits
    left join decided
        on audits.review_id = decided.review_id

)

select * from final
