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

hit_days as (
    select
        hits.hit_source,
        hits.rule_id,
        hits.rule_version,
        hits.status,
        hits.hit_at::date as date_day,
        count(*) as hits,
        count(distinct hits.target_type || ':' || hits.target_id) as distinct_targets,
        count(outcomes.last_review_decision) as reviewed_hits,
        count_if(outcomes.last_review_decision = 'violating')::bigint as violating_hits
    from hits
    left join outcomes
        on hits.target_type = outcomes.target_type and hits.target_id = outcomes.target_id
    group by all
),

first_hit_days as (
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        first_hit_at::date as date_day,
        count(*) as new_targets,
        count_if(is_judged_spam)::bigint as new_targets_judged_spam,
        count(lead_hours_over_first_user_report) as new_targets_with_user_report,
        median(lead_hours_over_first_user_report) as median_lead_hours_over_first_user_report,
        sum(unwanted_impressions_after_first_hit) as unwanted_impressions_after_first_hit
    from evaluations
    group by all
),

spam_actions_per_day as (
    select
        first_spam_action_at::date as date_day,
        count(*) as spam_actions
    from outcomes
    where is_judged_spam
    group by all
),

caught_first_days as (
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        first_spam_action_at::date as date_day,
        count(*) as spam_actions_caught_first
    from evaluations
    where is_caught_first
    group by all
),

reversed_actions as (
    select distinct action_id
    from {{ ref('stg_platform__appeals') }}
    where
        outcome = 'reversed'
        and (route = 'internal' or outcome_implemented)
),

-- an action names the rule that drove it; its version is that of the rule's latest hit
-- on the target before the decision
driven_actions as (
    select
        hits.hit_source,
        hits.rule_id,
        hits.rule_version,
        hits.status,
        actions.action_id,
        actions.decided_at,
        reversed_actions.action_id is not null as is_reversed
    from {{ ref('stg_platform__enforcement_actions') }} as actions
    inner join hits
        on
            actions.rule_id = hits.rule_id
            and actions.target_type = hits.target_type
            and actions.target_id = hits.target_id
            and actions.decided_at >= hits.hit_at
    left join reversed_actions
        on actions.action_id = reversed_actions.action_id
    qualify row_number() over (partition by actions.action_id order by hits.hit_at desc, hits.status asc) = 1
),

driven_action_days as (
    select
        hit_source,
        rule_id,
        rule_version,
        status,
        decided_at::date as date_day,
        count(*) as actions_driven,
        count_if(is_reversed)::bigint as actions_overturned
    from driven_actions
    group by all
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

final as (
    select
        spine.date_day,
        spine.rule_id,
        spine.rule_version::bigint as rule_version,
        spine.status,
        spine.hit_source,
        coalesce(hit_days.hits, 0) as hits,
        coalesce(hit_days.distinct_targets, 0) as distinct_targets,
        coalesce(first_hit_days.new_targets, 0) as new_targets,
        coalesce(hit_days.reviewed_hits, 0) as reviewed_hits,
        coalesce(hit_days.violating_hits, 0) as violating_hits,
        {{ safe_ratio('hit_days.violating_hits', 'hit_days.reviewed_hits') }} as precision,  -- noqa: RF04
        coalesce(first_hit_days.new_targets_judged_spam, 0) as new_targets_judged_spam,
        coalesce(spam_actions_per_day.spam_actions, 0) as spam_actions,
        coalesce(caught_first_days.spam_actions_caught_first, 0) as spam_actions_caught_first,
        {{ safe_ratio('coalesce(caught_first_days.spam_actions_caught_first, 0)', 'spam_actions_per_day.spam_actions') }}
            as share_spam_actions_caught_first,
        coalesce(first_hit_days.new_targets_with_user_report, 0) as new_targets_with_user_report,
        first_hit_days.median_lead_hours_over_first_user_report,
        coalesce(driven_action_days.actions_driven, 0) as actions_driven,
        coalesce(driven_action_days.actions_overturned, 0) as actions_overturned,
        {{ safe_ratio('driven_action_days.actions_overturned', 'driven_action_days.actions_driven') }} as overturn_rate,
        coalesce(first_hit_days.unwanted_impressions_after_first_hit, 0)::bigint as unwanted_impressions_after_first_hit
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
    left join spam_actions_per_day
        on spine.date_day = spam_actions_per_day.date_day
)

select * from final
