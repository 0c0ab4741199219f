{#- One row per detector (hit_source, rule_id, rule_version, status) and target it hit,
    at its first hit, with what happened to the target afterwards. `hits` is any relation
    or CTE with hit_source, rule_id, rule_version, status, target_type, target_id, hit_at.
    Used for production rules (int_rule_target_evaluations) and for candidates
    (rpt_rule_backtest), so a backtest measures a candidate exactly as production rules
    are measured. "Caught first": the detector's first hit on the target is at or before
    every other signal (any rule hit, any report from outside the company) and at or
    before the first spam action. -#}
{% macro evaluate_rule_targets(hits) -%}
    with first_hits as (
        select
            hit_source,
            rule_id,
            rule_version,
            status,
            target_type,
            target_id,
            count(*) as hits,
            min(hit_at) as first_hit_at
        from {{ hits }}
        group by all
    ),

    -- content targets join their own impressions, account targets those of their items
    -- (two equi-joins: one join on an `or` condition would compare every pair)
    exposed_hours as (
        select
            first_hits.hit_source,
            first_hits.rule_id,
            first_hits.rule_version,
            first_hits.status,
            first_hits.target_type,
            first_hits.target_id,
            spam_exposure.unwanted_impressions
        from first_hits
        inner join {{ ref('int_spam_exposure_hourly') }} as spam_exposure
            on
                first_hits.target_id = spam_exposure.content_id
                and spam_exposure.hour_ts + interval 1 hour > first_hits.first_hit_at
        where first_hits.target_type = 'content'
        union all
        select
            first_hits.hit_source,
            first_hits.rule_id,
            first_hits.rule_version,
            first_hits.status,
            first_hits.target_type,
            first_hits.target_id,
            spam_exposure.unwanted_impressions
        from first_hits
        inner join {{ ref('int_spam_exposure_hourly') }} as spam_exposure
            on
                first_hits.target_id = spam_exposure.owner_account_key
                and spam_exposure.hour_ts + interval 1 hour > first_hits.first_hit_at
        where first_hits.target_type = 'account'
    ),

    exposure as (
        select
            hit_source,
            rule_id,
            rule_version,
            status,
            target_type,
            target_id,
            sum(unwanted_impressions) as unwanted_impressions_after_first_hit
        from exposed_hours
        group by all
    )

    select
        first_hits.hit_source,
        first_hits.rule_id,
        first_hits.rule_version,
        first_hits.status,
        first_hits.target_type,
        first_hits.target_id,
        first_hits.hits,
        first_hits.first_hit_at,
        outcomes.last_review_decision,
        outcomes.last_review_decision is not null as is_reviewed,
        coalesce(outcomes.last_review_decision = 'violating', false) as is_reviewed_violating,
        coalesce(outcomes.is_judged_spam, false) as is_judged_spam,
        outcomes.first_spam_action_at,
        outcomes.first_user_report_at,
        date_diff('second', first_hits.first_hit_at, outcomes.first_user_report_at)
        / 3600.0 as lead_hours_over_first_user_report,
        coalesce(
            outcomes.is_judged_spam
            and first_hits.first_hit_at <= coalesce(outcomes.first_signal_at, first_hits.first_hit_at)
            and first_hits.first_hit_at <= outcomes.first_spam_action_at,
            false
        ) as is_caught_first,
        coalesce(exposure.unwanted_impressions_after_first_hit, 0) as unwanted_impressions_after_first_hit
    from first_hits
    left join {{ ref('int_target_outcomes') }} as outcomes
        on first_hits.target_type = outcomes.target_type and first_hits.target_id = outcomes.target_id
    left join exposure
        on
            first_hits.hit_source = exposure.hit_source
            and first_hits.rule_id = exposure.rule_id
            and first_hits.rule_version = exposure.rule_version
            and first_hits.status = exposure.status
            and first_hits.target_type = exposure.target_type
            and first_hits.target_id = exposure.target_id
{%- endmacro %}
