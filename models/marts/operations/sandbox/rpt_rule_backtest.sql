{%- set review_precision = 'cast(detectors.violating_targets as double) / nullif(detectors.reviewed_targets, 0)' -%}
-- Backtest of candidate SQL rules over the whole history, side by side with the
-- production detectors (feed and SQL) they would join. Lives in schema `sandbox`:
-- building it (`dbt build -s +rpt_rule_backtest`) never rebuilds or changes a mart.
-- `--vars '{backtest_rule: <rule_id>}'` limits the candidates to one rule.
with candidate_flags as (
    {{ union_rule_flags(detection_rule_models(['candidate'])) }}
),

candidate_hits as (
    select
        'sql' as hit_source,
        rule_id,
        rule_version,
        'candidate' as status,
        target_type,
        target_id,
        flagged_at as hit_at
    from candidate_flags
    {%- if var('backtest_rule', '') %}
    where rule_id = '{{ var("backtest_rule") }}'
    {%- endif %}
),

candidate_evaluations as (
    {{ evaluate_rule_targets('candidate_hits') }}
),

production_evaluations as (
    select * from {{ ref('int_rule_target_evaluations') }}
),

evaluations as (
    select * from candidate_evaluations
    union all
    select * from production_evaluations
),

production_targets as (
    select
        target_type,
        target_id,
        rule_id,
        rule_version,
        first_hit_at
    from production_evaluations
),

-- overlap: the other production detectors that also hit the target, and how much earlier
target_overlaps as (
    select
        evaluations.hit_source,
        evaluations.rule_id,
        evaluations.rule_version,
        evaluations.status,
        evaluations.target_type,
        evaluations.target_id,
        count(production_targets.rule_id) > 0 as is_overlapping,
        coalesce(bool_or(production_targets.first_hit_at <= evaluations.first_hit_at), false)
            as is_hit_earlier_by_other
    from evaluations
    left join production_targets
        on
            evaluations.target_type = production_targets.target_type
            and evaluations.target_id = production_targets.target_id
            and not (
                evaluations.rule_id = production_targets.rule_id
                and evaluations.rule_version = production_targets.rule_version
            )
    group by
        evaluations.hit_source,
        evaluations.rule_id,
        evaluations.rule_version,
        evaluations.status,
        evaluations.target_type,
        evaluations.target_id
),

judged_spam as (
    select
        target_type,
        count(*) as judged_spam_targets
    from {{ ref('int_target_outcomes') }}
    where is_judged_spam
    group by target_type
),

detectors as (
    select
        evaluations.hit_source,
        evaluations.rule_id,
        evaluations.rule_version,
        evaluations.status,
        evaluations.target_type,
        count(*) as targets,
        cast(sum(evaluations.hits) as bigint) as hits,
        min(evaluations.first_hit_at) as first_hit_at,
        max(evaluations.first_hit_at) as last_first_hit_at,
        count(*) filter (where evaluations.is_reviewed) as reviewed_targets,
        count(*) filter (where evaluations.is_reviewed_violating) as violating_targets,
        count(*) filter (where evaluations.is_judged_spam) as judged_spam_flagged_targets,
        count(*) filter (
            where evaluations.is_judged_spam and evaluations.first_hit_at <= evaluations.first_spam_action_at
        ) as judged_spam_flagged_before_action,
        count(*) filter (where evaluations.is_caught_first) as caught_first_targets,
        count(evaluations.lead_hours_over_first_user_report) as targets_with_user_report,
        {{ percentile_cont('evaluations.lead_hours_over_first_user_report', 0.5) }} as median_lead_hours_over_first_user_report,
        sum(evaluations.unwanted_impressions_after_first_hit) as unwanted_impressions_after_first_hit,
        count(*) filter (where target_overlaps.is_overlapping) as overlapping_targets,
        count(*) filter (where target_overlaps.is_hit_earlier_by_other) as targets_hit_earlier_by_other
    from evaluations
    inner join target_overlaps
        on
            evaluations.hit_source = target_overlaps.hit_source
            and evaluations.rule_id = target_overlaps.rule_id
            and evaluations.rule_version = target_overlaps.rule_version
            and evaluations.status = target_overlaps.status
            and evaluations.target_type = target_overlaps.target_type
            and evaluations.target_id = target_overlaps.target_id
    group by
        evaluations.hit_source,
        evaluations.rule_id,
        evaluations.rule_version,
        evaluations.status,
        evaluations.target_type
),

final as (
    select
        detectors.rule_id,
        detectors.rule_version,
        detectors.status,
        detectors.hit_source,
        detectors.target_type,
        detectors.status = 'candidate' as is_candidate,
        detectors.hits,
        detectors.targets,
        detectors.reviewed_targets,
        detectors.violating_targets,
        {{ fixed_decimal(review_precision) }} as review_precision,
        {{ fixed_decimal(wilson_low(review_precision, 'detectors.reviewed_targets')) }} as review_precision_ci_low,
        {{ fixed_decimal(wilson_high(review_precision, 'detectors.reviewed_targets')) }} as review_precision_ci_high,
        detectors.violating_targets < 10 as review_precision_is_low_count,
        detectors.judged_spam_flagged_targets,
        coalesce(judged_spam.judged_spam_targets, 0) as judged_spam_targets,
        {{ fixed_decimal(safe_ratio('detectors.judged_spam_flagged_targets', 'judged_spam.judged_spam_targets')) }}
            as recall_actioned_spam,
        {{ fixed_decimal(safe_ratio('detectors.judged_spam_flagged_before_action', 'judged_spam.judged_spam_targets')) }}
            as recall_before_action,
        detectors.caught_first_targets,
        detectors.targets_with_user_report,
        {{ fixed_decimal('detectors.median_lead_hours_over_first_user_report') }} as median_lead_hours_over_first_user_report,
        cast(detectors.unwanted_impressions_after_first_hit as bigint) as preventable_unwanted_impressions,
        detectors.overlapping_targets,
        {{ fixed_decimal(safe_ratio('detectors.overlapping_targets', 'detectors.targets')) }} as overlap_share,
        detectors.targets_hit_earlier_by_other,
        detectors.first_hit_at,
        detectors.last_first_hit_at
    from detectors
    left join judged_spam
        on detectors.target_type = judged_spam.target_type
)

select * from final
