{#- One row per detector (hit_source, rule_id, rule_version, status) and target it hit,
    at its first hit, with what happened to the target afterwards. `hits` is any relation
    or CTE with hit_source, rule_id, rule_version, status, target_type, target_id, hit_at.
    Used for production rules (int_rule_target_evaluations) and for candidates
    (rpt_rule_backtest), so a backtest measures a candidate exactly as production rules
    are measured.

    - Reviewed violating (a true positive): the target's latest final human decision is
      violating under a policy of the detector's policy area (detectors seed; a detector not
      seeded is taken as a spam detector).
    - Judged spam target, counted once: a standing (not reversed) spam-policy action targets
      it directly. An item judged only through its owner account is not a target of its own:
      the account is (is_judged_spam still says the item was judged, via its owner).
    - Caught first: each judged spam target goes to exactly one detector of `hits`, the one
      with the earliest first hit on it (ties: rule_id, rule_version, status, hit_source), when
      that hit came at or before every other signal (any production rule hit, any report from
      outside the company) and at or before the target's first spam action. The shares of all
      detectors therefore add up to at most 1. A candidate (status `candidate`) is measured on
      its own against production: caught first when its first hit beats every production signal.
    - Unwanted impressions after the first hit: the rows of int_unwanted_impressions_hourly (the
      one definition of unwanted impressions: territorial scope, every exposure-ending action,
      temporary restrictions, account actions judging only the items they saw) whose hour starts
      at or after the detector's first hit on the item or on its owner account, whichever came
      first. Each item counts once per detector, on the row of that earlier hit (the item's own
      row on a tie), so a detector's rows add up without counting an item twice. -#}
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
        group by hit_source, rule_id, rule_version, status, target_type, target_id
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

    judged_targets as (
        select
            target_type,
            target_id,
            min(effective_at) as first_target_spam_action_at
        from {{ ref('int_enforcement_actions_classified') }}
        where
            is_spam
            and not is_reversed
        group by target_type, target_id
    ),

    -- the one detector (of `hits`) whose first hit on a target came first; a candidate is
    -- measured on its own, as if it alone were added to production
    first_detectors as (
        {{ first_row_per(
            'first_hits',
            ['hit_source', 'rule_id', 'rule_version', 'status', 'target_type', 'target_id'],
            "target_type, target_id, case when status = 'candidate' then rule_id || ':' || rule_version end",
            'first_hit_at asc, rule_id asc, rule_version asc, status asc, hit_source asc'
        ) }}
    ),

    owners as (
        select
            content_id,
            owner_account_key
        from {{ ref('dim_content') }}
    ),

    -- per detector and item: its hit on the item, and its hit on the item's owner account
    -- (two equi-joins: one join on an `or` condition would compare every pair)
    item_hits as (
        select
            hit_source,
            rule_id,
            rule_version,
            status,
            target_type,
            target_id,
            target_id as content_id,
            first_hit_at
        from first_hits
        where target_type = 'content'
        union all
        select
            first_hits.hit_source,
            first_hits.rule_id,
            first_hits.rule_version,
            first_hits.status,
            first_hits.target_type,
            first_hits.target_id,
            owners.content_id,
            first_hits.first_hit_at
        from first_hits
        inner join owners
            on first_hits.target_id = owners.owner_account_key
        where first_hits.target_type = 'account'
    ),

    item_first_hits as (
        {{ first_row_per(
            'item_hits',
            ['hit_source', 'rule_id', 'rule_version', 'status', 'target_type', 'target_id', 'content_id', 'first_hit_at'],
            'hit_source, rule_id, rule_version, status, content_id',
            "first_hit_at asc, case when target_type = 'content' then 0 else 1 end asc"
        ) }}
    ),

    exposure as (
        select
            item_first_hits.hit_source,
            item_first_hits.rule_id,
            item_first_hits.rule_version,
            item_first_hits.status,
            item_first_hits.target_type,
            item_first_hits.target_id,
            sum(unwanted.impressions) as unwanted_impressions_after_first_hit
        from item_first_hits
        inner join {{ ref('int_unwanted_impressions_hourly') }} as unwanted
            on
                item_first_hits.content_id = unwanted.content_id
                and unwanted.hour_ts >= item_first_hits.first_hit_at
        group by
            item_first_hits.hit_source,
            item_first_hits.rule_id,
            item_first_hits.rule_version,
            item_first_hits.status,
            item_first_hits.target_type,
            item_first_hits.target_id
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
        coalesce(
            outcomes.last_review_decision = 'violating'
            and policy_areas.policy_area = coalesce(detector_areas.policy_area, 'spam'),
            false
        ) as is_reviewed_violating,
        coalesce(outcomes.is_judged_spam, false) as is_judged_spam,
        outcomes.first_spam_action_at,
        judged_targets.target_id is not null as is_judged_spam_target,
        judged_targets.first_target_spam_action_at,
        outcomes.first_user_report_at,
        {{ seconds_between('first_hits.first_hit_at', 'outcomes.first_user_report_at') }}
        / 3600.0 as lead_hours_over_first_user_report,
        coalesce(
            first_detectors.rule_id is not null
            and first_hits.first_hit_at <= coalesce(outcomes.first_signal_at, first_hits.first_hit_at)
            and first_hits.first_hit_at <= judged_targets.first_target_spam_action_at,
            false
        ) as is_caught_first,
        coalesce(exposure.unwanted_impressions_after_first_hit, 0) as unwanted_impressions_after_first_hit
    from first_hits
    left join {{ ref('int_target_outcomes') }} as outcomes
        on first_hits.target_type = outcomes.target_type and first_hits.target_id = outcomes.target_id
    left join policy_areas
        on outcomes.last_review_policy_code = policy_areas.policy_code
    left join detector_areas
        on
            first_hits.rule_id = detector_areas.detector
            and first_hits.rule_version = detector_areas.version
    left join judged_targets
        on first_hits.target_type = judged_targets.target_type and first_hits.target_id = judged_targets.target_id
    left join first_detectors
        on
            first_hits.hit_source = first_detectors.hit_source
            and first_hits.rule_id = first_detectors.rule_id
            and first_hits.rule_version = first_detectors.rule_version
            and first_hits.status = first_detectors.status
            and first_hits.target_type = first_detectors.target_type
            and first_hits.target_id = first_detectors.target_id
    left join exposure
        on
            first_hits.hit_source = exposure.hit_source
            and first_hits.rule_id = exposure.rule_id
            and first_hits.rule_version = exposure.rule_version
            and first_hits.status = exposure.status
            and first_hits.target_type = exposure.target_type
            and first_hits.target_id = exposure.target_id
{%- endmacro %}
