-- Every report with its first final decision and first action, its queue and the vendor that
-- decided. Clock start is received_at. A decision is the first `decided` review event on the
-- report's target (same target_type and target_id) at or after received_at whose decision is final
-- (violating, not_violating, unable_to_review), from whichever review: one decision on an item
-- answers every open report on it; `escalated` hands over and does not stop the clock. An action
-- that answers the report (on its target, linked by report_id, on the reported item's owner account,
-- or on an item of a reported account), decided at or after received_at, counts as a decision at
-- its decided_at; time to action runs to the earliest effective_at of those actions. The same rule
-- feeds the DSA median time to act, so medians and action counts agree.
with

reports as (

    select * from {{ ref('stg_platform__reports') }}

),

review_events as (

    select * from {{ ref('stg_platform__review_events') }}

),

actions as (

    select * from {{ ref('stg_platform__enforcement_actions') }}

),

sla_targets as (

    select * from {{ ref('int_reports_sla_targets_matched') }}

),

final_decisions as (

    select
        target_type,
        target_id,
        vendor,
        coalesce(automated, false) as is_automated,
        case when decision = 'violating' then policy_code end as violated_policy_code,
        event_ts as decided_at
    from review_events
    where
        event_type = 'decided'
        and decision in ('violating', 'not_violating', 'unable_to_review')

),

first_review_decision as (

    select
        reports.report_id,
        min(final_decisions.decided_at) as decided_at,
        {{ min_by('final_decisions.vendor', 'final_decisions.decided_at') }} as vendor,
        {{ min_by('final_decisions.is_automated', 'final_decisions.decided_at') }} as is_automated,
        bool_or(not final_decisions.is_automated) as has_human_decision,
        {{ min_by('final_decisions.violated_policy_code', 'final_decisions.decided_at') }} as policy_code
    from reports
    inner join final_decisions
        on
            reports.target_type = final_decisions.target_type
            and reports.target_id = final_decisions.target_id
            and reports.received_at <= final_decisions.decided_at
    group by reports.report_id

),

content_owners as (

    select
        content_id,
        owner_account_key
    from {{ ref('stg_platform__content') }}

),

-- Every (report, action) pair where the action answers the report: an action on the reported
-- target, an action linked to the report (report_id), an action on the reported item's owner
-- account, or, for a report on an account, an action on an item it owns. Only actions decided at
-- or after the report was received count (union, not union all: one action can match twice).
related_actions as (

    select
        reports.report_id,
        reports.received_at,
        actions.action_id,
        actions.automated_decision,
        actions.policy_code,
        actions.decided_at,
        actions.effective_at
    from reports
    inner join actions
        on
            reports.target_type = actions.target_type
            and reports.target_id = actions.target_id

    union

    select
        reports.report_id,
        reports.received_at,
        actions.action_id,
        actions.automated_decision,
        actions.policy_code,
        actions.decided_at,
        actions.effective_at
    from reports
    inner join actions
        on reports.report_id = actions.report_id

    union

    select
        reports.report_id,
        reports.received_at,
        actions.action_id,
        actions.automated_decision,
        actions.policy_code,
        actions.decided_at,
        actions.effective_at
    from reports
    inner join content_owners
        on
            reports.target_type = 'content'
            and reports.target_id = content_owners.content_id
    inner join actions
        on
            actions.target_type = 'account'
            and content_owners.owner_account_key = actions.target_id

    union

    select
        reports.report_id,
        reports.received_at,
        actions.action_id,
        actions.automated_decision,
        actions.policy_code,
        actions.decided_at,
        actions.effective_at
    from reports
    inner join content_owners
        on
            reports.target_type = 'account'
            and reports.target_id = content_owners.owner_account_key
    inner join actions
        on
            actions.target_type = 'content'
            and content_owners.content_id = actions.target_id

),

first_action_decision as (

    select
        report_id,
        min(decided_at) as decided_at,
        min(effective_at) as actioned_at,
        {{ min_by("coalesce(automated_decision = 'fully', false)", 'decided_at') }} as is_automated,
        {{ min_by('policy_code', 'decided_at') }} as policy_code
    from related_actions
    where received_at <= decided_at
    group by report_id

),

own_review_queue as (

    select
        source_ref as report_id,
        {{ min_by('queue', 'event_ts') }} as queue
    from review_events
    where source_type = 'report' and event_type = 'enqueued'
    group by source_ref

),

final as (

    select
        reports.report_id,
        reports.target_type,
        reports.target_id,
        reports.reporter_type,
        reports.channel,
        reports.priority,
        reports.reason_code,
        sla_targets.policy_area,
        coalesce(own_review_queue.queue, sla_targets.default_queue) as queue,
        case
            when
                first_review_decision.decided_at is not null
                and (
                    first_action_decision.decided_at is null
                    or first_review_decision.decided_at <= first_action_decision.decided_at
                )
                then first_review_decision.vendor
        end as vendor,
        reports.country,
        reports.is_dsa_notice,
        sla_targets.sla_target_id,
        sla_targets.target_hours,
        sla_targets.is_published_sla,
        reports.received_at,
        cast(reports.received_at as date) as received_date,
        reports.acknowledged_at,
        least(first_review_decision.decided_at, first_action_decision.decided_at) as first_decision_at,
        case
            when first_review_decision.decided_at is null and first_action_decision.decided_at is null then null
            when first_action_decision.decided_at is null then 'review'
            when first_review_decision.decided_at is null then 'action'
            when first_review_decision.decided_at <= first_action_decision.decided_at then 'review'
            else 'action'
        end as decided_by,
        first_action_decision.actioned_at as first_action_at,
        case
            when first_review_decision.decided_at is null and first_action_decision.decided_at is null then null
            when
                first_action_decision.decided_at is null
                or first_review_decision.decided_at <= first_action_decision.decided_at
                then first_review_decision.policy_code
            else first_action_decision.policy_code
        end as decided_policy_code,
        coalesce(
            case
                when first_review_decision.decided_at is null and first_action_decision.decided_at is null
                    then false
                when
                    first_action_decision.decided_at is null
                    or first_review_decision.decided_at <= first_action_decision.decided_at
                    then first_review_decision.is_automated
                else first_action_decision.is_automated
            end
            and not coalesce(first_review_decision.has_human_decision, false),
            false
        ) as is_solely_automated_decision

    from reports
    left join sla_targets
        on reports.report_id = sla_targets.report_id
    left join first_review_decision
        on reports.report_id = first_review_decision.report_id
    left join first_action_decision
        on reports.report_id = first_action_decision.report_id
    left join own_review_queue
        on reports.report_id = own_review_queue.report_id

)

select * from final
