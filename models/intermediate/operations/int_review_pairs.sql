-- Items decided by two different reviewers: one row per pair, the first two final decisions on
-- a target in time order (first decision, second decision), never the same pair from both
-- sides. Pairs where either reviewer was unable to review are kept and flagged: agreement is on
-- violating vs not violating, so they are counted apart, not scored. The appeals queue is left
-- out: an appeal reviewer sees new information and is meant to disagree sometimes.
with decisions as (
    select
        review_id,
        target_type,
        target_id,
        reviewer_key,
        vendor,
        queue,
        reviewer_language,
        decision,
        decided_at,
        row_number() over (
            partition by target_type, target_id
            order by decided_at, review_id
        ) as decision_rank
    from {{ ref('int_review_decisions') }}
    where
        decision in ('violating', 'not_violating', 'unable_to_review')
        and queue != 'appeals'
),

final as (
    select
        first_review.target_type,
        first_review.target_id,
        first_review.review_id as first_review_id,
        first_review.reviewer_key as first_reviewer_key,
        first_review.vendor as first_vendor,
        first_review.queue as first_queue,
        first_review.reviewer_language as first_reviewer_language,
        first_review.decision as first_decision,
        first_review.decided_at as first_decided_at,
        second_review.review_id as second_review_id,
        second_review.reviewer_key as second_reviewer_key,
        second_review.vendor as second_vendor,
        second_review.queue as second_queue,
        second_review.reviewer_language as second_reviewer_language,
        second_review.decision as second_decision,
        second_review.decided_at as second_decided_at,
        (
            first_review.decision = 'unable_to_review'
            or second_review.decision = 'unable_to_review'
        ) as is_unable_to_review
    from decisions as first_review
    inner join decisions as second_review
        on
            first_review.target_type = second_review.target_type
            and first_review.target_id = second_review.target_id
            and second_review.decision_rank = 2
    where
        first_review.decision_rank = 1
        and first_review.reviewer_key != second_review.reviewer_key
)

select * from final
