-- One row per human review decision, with the reviewer's vendor and language, how long
-- it took, and the QA gold answer when the decision was audited.
with events as (
    select * from {{ ref('stg_platform__review_events') }}
),

enqueued as (
    select
        review_id,
        min(event_ts) as enqueued_at
    from events
    where event_type = 'enqueued'
    group by review_id
),

decided as (
    select
        review_id,
        target_type,
        target_id,
        queue,
        source_type,
        decision,
        policy_code,
        reviewer_key,
        vendor,
        reviewer_language,
        handling_seconds,
        event_ts as decided_at
    from events
    where
        event_type = 'decided'
        and not coalesce(automated, false)
        and reviewer_key is not null
),

-- the latest audit of a review is its gold answer
qa_audits as (
    select * from {{ ref('stg_platform__qa_audits') }}
),

audits as (
    {{ first_row_per(
        'qa_audits',
        ['review_id', 'gold_decision', 'gold_policy_code', 'audited_at'],
        'review_id',
        'audited_at desc, audit_id desc'
    ) }}
),

final as (
    select
        decided.review_id,
        decided.target_type,
        decided.target_id,
        decided.reviewer_key,
        coalesce(decided.vendor, 'unknown') as vendor,
        decided.queue,
        coalesce(decided.reviewer_language, 'unknown') as reviewer_language,
        decided.source_type,
        decided.decision,
        decided.policy_code,
        decided.handling_seconds,
        audits.gold_decision,
        audits.gold_policy_code,
        audits.review_id is not null as is_audited,
        case when audits.review_id is not null then decided.decision = audits.gold_decision end as is_correct,
        enqueued.enqueued_at,
        decided.decided_at,
        audits.audited_at
    from decided
    left join enqueued
        on decided.review_id = enqueued.review_id
    left join audits
        on decided.review_id = audits.review_id
)

select * from final
