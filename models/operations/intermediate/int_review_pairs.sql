-- Items decided by two different reviewers: the first two final decisions on a target,
-- written twice (once from each reviewer's side) so agreement can be grouped by either
-- reviewer's vendor, queue or language. The appeals queue is left out: an appeal reviewer
-- sees new information and is meant to disagree sometimes.
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

pairs as (
    select
        first_review.target_type,
        first_review.target_id,
        first_review.review_id as first_review_id,
        second_review.review_id as second_review_id
    from decisions as first_review
    inner join decisions as second_review
        on
            first_review.target_type = second_review.target_type
            and first_review.target_id = second_review.target_id
            and second_review.decision_rank = 2
    where
        first_review.decision_rank = 1
        and first_review.reviewer_key != second_review.reviewer_key
),

sides as (
    select
        target_type,
        target_id,
        first_review_id as own_review_id,
        second_review_id as other_review_id
    from pairs
    union all
    select
        target_type,
        target_id,
        second_review_id as own_review_id,
        first_review_id as other_review_id
    from pairs
),

final as (
    select
        sides.target_type,
        sides.target_id,
        own.review_id,
        own.reviewer_key,
        own.vendor,
        own.queue,
        own.reviewer_language,
        own.decision,
        other.review_id as other_review_id,
        other.reviewer_key as other_reviewer_key,
        other.vendor as other_vendor,
        other.decision as other_decision
    from sides
    inner join decisions as own
        on sides.own_review_id = own.review_id
    inner join decisions as other
        on sides.other_review_id = other.review_id
)

select * from final
