{%- set threshold_steps = var('classifier_threshold_steps', 20) -%}
-- Score-based detectors log every target they score at or above 0.05, so precision and
-- recall can be read at any threshold: one row per detector version and threshold step.
with scores as (
    select
        rule_id,
        rule_version,
        target_type,
        target_id,
        hit_at,
        score
    from {{ ref('int_rule_hits_unioned') }}
    where score is not null
),

target_scores as (
    select
        rule_id,
        rule_version,
        target_type,
        target_id,
        max(score) as max_score
    from scores
    group by rule_id, rule_version, target_type, target_id
),

-- a detector is score-based when its scores take many values (a rule logs a constant)
detectors as (
    select
        rule_id,
        rule_version
    from target_scores
    group by rule_id, rule_version
    having count(distinct round(max_score, 2)) >= 5
),

steps as (
    select {{ integer_rows(1, threshold_steps) }} as step
),

thresholds as (
    select round(step * 1.0 / {{ threshold_steps }}, 4) as threshold
    from steps
),

outcomes as (
    select * from {{ ref('int_target_outcomes') }}
),

judged_spam_totals as (
    select
        target_type,
        count(*) as judged_spam_targets
    from outcomes
    where is_judged_spam
    group by target_type
),

review_curve as (
    select
        target_scores.rule_id,
        target_scores.rule_version,
        target_scores.target_type,
        thresholds.threshold,
        cast(count_if(target_scores.max_score >= thresholds.threshold) as bigint) as flagged_targets,
        cast(count_if(target_scores.max_score >= thresholds.threshold and outcomes.last_review_decision is not null) as bigint)
            as reviewed_flagged_targets,
        cast(count_if(target_scores.max_score >= thresholds.threshold and outcomes.last_review_decision = 'violating') as bigint)
            as violating_flagged_targets,
        cast(count_if(target_scores.max_score >= thresholds.threshold and outcomes.is_judged_spam) as bigint)
            as judged_spam_flagged_targets
    from target_scores
    inner join detectors
        on target_scores.rule_id = detectors.rule_id and target_scores.rule_version = detectors.rule_version
    cross join thresholds
    left join outcomes
        on target_scores.target_type = outcomes.target_type and target_scores.target_id = outcomes.target_id
    group by
        target_scores.rule_id,
        target_scores.rule_version,
        target_scores.target_type,
        thresholds.threshold
),

samples as (
    select
        samples.sample_id,
        samples.content_id,
        samples.hour_ts,
        1.0 / samples.inclusion_prob as weight,
        samples.is_spam_violating as is_spam
    from {{ ref('int_prevalence_samples_scored') }} as samples
    where samples.is_labelled
),

-- the score each detector had given a sampled item by the end of the sampled hour
sample_scores as (
    select
        detectors.rule_id,
        detectors.rule_version,
        samples.sample_id,
        any_value(samples.weight) as weight,
        any_value(samples.is_spam) as is_spam,
        max(scores.score) as max_score
    from samples
    cross join detectors
    left join scores
        on
            detectors.rule_id = scores.rule_id
            and detectors.rule_version = scores.rule_version
            and scores.target_type = 'content'
            and samples.content_id = scores.target_id
            and scores.hit_at < samples.hour_ts + interval 1 hour
    group by detectors.rule_id, detectors.rule_version, samples.sample_id
),

sample_curve as (
    select
        sample_scores.rule_id,
        sample_scores.rule_version,
        thresholds.threshold,
        count(*) as labelled_samples,
        sum(sample_scores.weight * cast(sample_scores.is_spam as integer)) as weighted_spam,
        sum(sample_scores.weight * cast((sample_scores.max_score >= thresholds.threshold) as integer)) as weighted_flagged,
        sum(sample_scores.weight * cast((sample_scores.is_spam and sample_scores.max_score >= thresholds.threshold) as integer))
            as weighted_true_positive
    from sample_scores
    cross join thresholds
    group by sample_scores.rule_id, sample_scores.rule_version, thresholds.threshold
),

final as (
    select
        review_curve.rule_id,
        cast(review_curve.rule_version as bigint) as rule_version,
        review_curve.target_type,
        {{ fixed_decimal('review_curve.threshold') }} as threshold,
        review_curve.flagged_targets,
        review_curve.reviewed_flagged_targets,
        review_curve.violating_flagged_targets,
        {{ fixed_decimal(safe_ratio('review_curve.violating_flagged_targets', 'review_curve.reviewed_flagged_targets')) }}
            as review_precision,
        review_curve.judged_spam_flagged_targets,
        coalesce(judged_spam_totals.judged_spam_targets, 0) as judged_spam_targets,
        {{ fixed_decimal(safe_ratio('review_curve.judged_spam_flagged_targets', 'judged_spam_totals.judged_spam_targets')) }}
            as recall_actioned_spam,
        coalesce(sample_curve.labelled_samples, 0) as labelled_samples,
        {{ fixed_decimal(safe_ratio('sample_curve.weighted_true_positive', 'sample_curve.weighted_flagged')) }}
            as sample_precision,
        {{ fixed_decimal(safe_ratio('sample_curve.weighted_true_positive', 'sample_curve.weighted_spam')) }}
            as sample_recall
    from review_curve
    left join judged_spam_totals
        on review_curve.target_type = judged_spam_totals.target_type
    left join sample_curve
        on
            review_curve.target_type = 'content'
            and review_curve.rule_id = sample_curve.rule_id
            and review_curve.rule_version = sample_curve.rule_version
            and review_curve.threshold = sample_curve.threshold
)

select * from final
