-- Vendor quality review: each vendor's accuracy against QA gold answers (with its 95% interval),
-- agreement on items reviewed twice (Cohen's kappa and, since kappa collapses when one answer
-- dominates, PABAK; a pair counts for the vendor, queue and language of its second reviewer),
-- handling time and throughput, by queue and language, next to the internal team's figure for
-- the same queue. A row is `below_bar` when even the interval's upper bound misses the bar
-- (var `quality_bar`, default 0.95), and `thin` when fewer than 30 decisions were audited.
-- `integrity analyze vendor_quality_review`.
{%- set bar = var('quality_bar', 0.95) %}
with quality as (
    select * from {{ ref('fct_reviewer_quality') }}
),

by_vendor_queue as (
    select * from quality
    where grouping_level = 'vendor_queue_language'
),

internal_by_queue as (
    select
        queue,
        cast(sum(correct_decisions) as double) / nullif(sum(audited_decisions), 0) as internal_accuracy
    from by_vendor_queue
    where vendor = 'internal'
    group by queue
),

vendor_totals as (
    select
        vendor,
        accuracy as vendor_accuracy,
        cohens_kappa as vendor_kappa,
        pabak as vendor_pabak
    from quality
    where grouping_level = 'vendor'
),

final as (
    select
        by_vendor_queue.vendor,
        by_vendor_queue.queue,
        by_vendor_queue.reviewer_language,
        by_vendor_queue.decisions,
        by_vendor_queue.reviewers,
        round(by_vendor_queue.decisions_per_reviewer_day, 1) as decisions_per_reviewer_day,
        by_vendor_queue.median_handling_seconds,
        by_vendor_queue.audited_decisions,
        round(by_vendor_queue.accuracy, 3) as accuracy,
        round(by_vendor_queue.accuracy_ci_low, 3) as accuracy_ci_low,
        round(by_vendor_queue.accuracy_ci_high, 3) as accuracy_ci_high,
        round(internal_by_queue.internal_accuracy, 3) as internal_accuracy_same_queue,
        round(by_vendor_queue.cohens_kappa, 3) as cohens_kappa,
        round(by_vendor_queue.pabak, 3) as pabak,
        by_vendor_queue.review_pairs,
        by_vendor_queue.pairs_unable_to_review,
        round(vendor_totals.vendor_accuracy, 3) as vendor_accuracy_all_queues,
        round(vendor_totals.vendor_kappa, 3) as vendor_kappa_all_queues,
        round(vendor_totals.vendor_pabak, 3) as vendor_pabak_all_queues,
        coalesce(by_vendor_queue.accuracy_ci_high < {{ bar }}, false) as below_bar,
        by_vendor_queue.audited_decisions < 30 as thin
    from by_vendor_queue
    left join internal_by_queue
        on by_vendor_queue.queue = internal_by_queue.queue
    left join vendor_totals
        on by_vendor_queue.vendor = vendor_totals.vendor
)

select * from final
order by below_bar and not thin desc, vendor, decisions desc
