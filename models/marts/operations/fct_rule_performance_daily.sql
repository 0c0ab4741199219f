{%- set review_precision = 'cast(counts.violating_hits as double) / nullif(counts.reviewed_hits, 0)' %}
{%- set share_caught_first = 'cast(counts.judged_spam_targets_caught_first as double) / nullif(counts.judged_spam_targets, 0)' %}
{%- set overturn_rate = 'cast(counts.actions_overturned as double) / nullif(counts.actions_driven, 0)' -%}
-- Daily performance of every production detector. Three clocks: hit day (hits, review precision),
-- first-hit day (new targets and what became of them), action day (spam actions, judged spam
-- targets caught first, actions driven). The labels and "caught first" come from
-- evaluate_rule_targets (int_rule_target_evaluations); unwanted impressions from the shared
-- int_unwanted_impressions_hourly, never a second exposure definition.
with hits as (
    select * from {{ ref('int_rule_hits_unioned') }}
    where status in ('enforce', 'shadow')
),

outcomes as (
    select * from {{ ref('int_target_outcomes') }}
),

evaluations as (
    select * from {{ ref('int_rule_target_evaluations') }}
    where status in ('enforce', 'shadow')
),

detector_areas as (
    select
        detector,
        version,
        policy_area
    from {{ ref('dim_detector') }}
),

policy_areas as (
    select
        policy_code,
        policy_area
    from {{ ref('dim_policy') }}
),

-- standing (not reversed) spam-policy actions, whatever their target
spam_actions as (
    select
        action_id,
        target_type,
        target_id,
        effective_at
    from {{ ref('int_enforcement_actions_classified') }}
    where
        is_spam
        and not is_reversed
),

-- a hit is reviewed when its target has a final human decision, and a true positive when that
-- decision is violating under a policy of the detector's policy area (unseeded: spam)
judged_hits as (
    select
        hits.hit_source,
        hits.rule_id,
        hits.rule_version,
        hits.status,
        cast(hits.hit_at as date) as date_day,
        hits.target_type,
        hits.target_id,
        outcomes.last_review_decision is not null as is_reviewed,
        coalesce(
            outcomes.last_review_decision = 'violating'
            and policy_areas.policy_area = coalesce(detector_areas.policy_area, 'spam'),
            false
        ) as is_true_positive
    from hits
    left join outcomes
        on hits.target_type = outcomes.target_type and hits.target_id = outcomes.target_id
    left join policy_areas
        on outcomes.last_review_policy_code = policy_areas.policy_code
    left join detector_areas
        on
            hits.rule_id = detector_areas.detector
            and hits.rule_version = detector_areas.version
),

hit_days as (
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        date_day,
        count(*) as hits,
        count(distinct target_type || ':' || target_id) as distinct_targets,
        count(*) filter (where is_reviewed) as reviewed_hits,
        count(*) filter (where is_true_positive) as violating_hits
    from judged_hits
    group by hit_source, rule_id, rule_version, status, date_day
),

first_hit_days as (
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        cast(first_hit_at as date) as date_day,
        count(*) as new_targets,
        count(*) filter (where is_judged_spam) as new_targets_judged_spam,
        count(lead_hours_over_first_user_report) as new_targets_with_user_report,
        {{ percentile_cont('lead_hours_over_first_user_report', 0.5) }} as median_lead_hours_over_first_user_report,
        sum(unwanted_impressions_after_first_hit) as unwanted_impressions_after_first_hit
    from evaluations
    group by hit_source, rule_id, rule_version, status, cast(first_hit_at as date)
),

-- platform-wide, per day an action took effect: every standing spam action, and every target whose
-- first standing spam action took effect (a target counted once; an item judged through its
-- owner account is the account's target, not one of its own)
spam_action_days as (
    select
        cast(effective_at as date) as date_day,
        count(*) as spam_actions
    from spam_actions
    group by cast(effective_at as date)
),

judged_target_days as (
    select
        cast(first_action_at as date) as date_day,
        count(*) as judged_spam_targets
    from (
        select
            target_type,
            target_id,
            min(effective_at) as first_action_at
        from spam_actions
        group by target_type, target_id
    ) as judged_targets
    group by cast(first_action_at as date)
),

-- each judged spam target is caught first by at most one detector (evaluate_rule_targets)
caught_first_days as (
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        cast(first_target_spam_action_at as date) as date_day,
        count(*) as judged_spam_targets_caught_first
    from evaluations
    where is_caught_first
    group by hit_source, rule_id, rule_version, status, cast(first_target_spam_action_at as date)
),

-- an action names the rule that drove it; its version is that of the rule's latest hit
-- on the target before the decision
driven_action_candidates as (
    select
        hits.hit_source,
        hits.rule_id,
        hits.rule_version,
        hits.status,
        hits.hit_at,
        actions.action_id,
        actions.decided_at,
        actions.is_reversed
    from {{ ref('int_enforcement_actions_classified') }} as actions
    inner join hits
        on
            actions.rule_id = hits.rule_id
            and actions.target_type = hits.target_type
            and actions.target_id = hits.target_id
            and actions.decided_at >= hits.hit_at
),

driven_actions as (
    {{ first_row_per(
        'driven_action_candidates',
        ['hit_source', 'rule_id', 'rule_version', 'status', 'action_id', 'decided_at', 'is_reversed'],
        'action_id',
        'hit_at desc, status asc'
    ) }}
),

driven_action_days as (
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        cast(decided_at as date) as date_day,
        count(*) as actions_driven,
        count(*) filter (where is_reversed) as actions_overturned
    from driven_actions
    group by hit_source, rule_id, rule_version, status, cast(decided_at as date)
),

spine as (
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        date_day
    from hit_days
    union
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        date_day
    from caught_first_days
    union
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        date_day
    from driven_action_days
),

counts as (
    select
        spine.date_day,
        spine.rule_id,
        cast(spine.rule_version as bigint) as rule_version,
        spine.status,
        spine.hit_source,
        coalesce(hit_days.hits, 0) as hits,
        coalesce(hit_days.distinct_targets, 0) as distinct_targets,
        coalesce(first_hit_days.new_targets, 0) as new_targets,
        coalesce(hit_days.reviewed_hits, 0) as reviewed_hits,
        coalesce(hit_days.violating_hits, 0) as violating_hits,
        coalesce(first_hit_days.new_targets_judged_spam, 0) as new_targets_judged_spam,
        coalesce(spam_action_days.spam_actions, 0) as spam_actions,
        coalesce(judged_target_days.judged_spam_targets, 0) as judged_spam_targets,
        coalesce(caught_first_days.judged_spam_targets_caught_first, 0) as judged_spam_targets_caught_first,
        coalesce(first_hit_days.new_targets_with_user_report, 0) as new_targets_with_user_report,
        first_hit_days.median_lead_hours_over_first_user_report,
        coalesce(driven_action_days.actions_driven, 0) as actions_driven,
        coalesce(driven_action_days.actions_overturned, 0) as actions_overturned,
        coalesce(first_hit_days.unwanted_impressions_after_first_hit, 0) as unwanted_impressions_after_first_hit
    from spine
    left join hit_days
        on
            spine.hit_source = hit_days.hit_source
            and spine.rule_id = hit_days.rule_id
            and spine.rule_version = hit_days.rule_version
            and spine.status = hit_days.status
            and spine.date_day = hit_days.date_day
    left join first_hit_days
        on
            spine.hit_source = first_hit_days.hit_source
            and spine.rule_id = first_hit_days.rule_id
            and spine.rule_version = first_hit_days.rule_version
            and spine.status = first_hit_days.status
            and spine.date_day = first_hit_days.date_day
    left join caught_first_days
        on
            spine.hit_source = caught_first_days.hit_source
            and spine.rule_id = caught_first_days.rule_id
            and spine.rule_version = caught_first_days.rule_version
            and spine.status = caught_first_days.status
            and spine.date_day = caught_first_days.date_day
    left join driven_action_days
        on
            spine.hit_source = driven_action_days.hit_source
            and spine.rule_id = driven_action_days.rule_id
            and spine.rule_version = driven_action_days.rule_version
            and spine.status = driven_action_days.status
            and spine.date_day = driven_action_days.date_day
    left join spam_action_days
        on spine.date_day = spam_action_days.date_day
    left join judged_target_days
        on spine.date_day = judged_target_days.date_day
),

final as (
    select
        counts.date_day,
        counts.rule_id,
        counts.rule_version,
        counts.status,
        counts.hit_source,
        cast(counts.hits as bigint) as hits,
        cast(counts.distinct_targets as bigint) as distinct_targets,
        cast(counts.new_targets as bigint) as new_targets,
        cast(counts.reviewed_hits as bigint) as reviewed_hits,
        cast(counts.violating_hits as bigint) as violating_hits,
        {{ fixed_decimal(review_precision) }} as review_precision,
        {{ fixed_decimal(wilson_low(review_precision, 'counts.reviewed_hits')) }} as review_precision_ci_low,
        {{ fixed_decimal(wilson_high(review_precision, 'counts.reviewed_hits')) }} as review_precision_ci_high,
        counts.violating_hits < 10 as review_precision_is_low_count,
        cast(counts.new_targets_judged_spam as bigint) as new_targets_judged_spam,
        cast(counts.spam_actions as bigint) as spam_actions,
        cast(counts.judged_spam_targets as bigint) as judged_spam_targets,
        cast(counts.judged_spam_targets_caught_first as bigint) as judged_spam_targets_caught_first,
        {{ fixed_decimal(share_caught_first) }} as share_judged_spam_targets_caught_first,
        {{ fixed_decimal(wilson_low(share_caught_first, 'counts.judged_spam_targets')) }}
            as share_judged_spam_targets_caught_first_ci_low,
        {{ fixed_decimal(wilson_high(share_caught_first, 'counts.judged_spam_targets')) }}
            as share_judged_spam_targets_caught_first_ci_high,
        counts.judged_spam_targets_caught_first < 10 as share_judged_spam_targets_caught_first_is_low_count,
        cast(counts.new_targets_with_user_report as bigint) as new_targets_with_user_report,
        {{ fixed_decimal('counts.median_lead_hours_over_first_user_report') }}
            as median_lead_hours_over_first_user_report,
        cast(counts.actions_driven as bigint) as actions_driven,
        cast(counts.actions_overturned as bigint) as actions_overturned,
        {{ fixed_decimal(overturn_rate) }} as overturn_rate,
        {{ fixed_decimal(wilson_low(overturn_rate, 'counts.actions_driven')) }} as overturn_rate_ci_low,
        {{ fixed_decimal(wilson_high(overturn_rate, 'counts.actions_driven')) }} as overturn_rate_ci_high,
        counts.actions_overturned < 10 as overturn_rate_is_low_count,
        cast(counts.unwanted_impressions_after_first_hit as bigint) as unwanted_impressions_after_first_hit
    from counts
)

select * from final
