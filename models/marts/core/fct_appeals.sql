-- One row per appeal (internal complaint or out-of-court dispute) with the action it contests.
-- is_reversed: outcome `reversed` that took effect (internal, or out-of-court and implemented),
-- as int_appeals defines it.
with

appeals as (

    select * from {{ ref('int_appeals') }}

),

actions as (

    select * from {{ ref('int_enforcement_actions_classified') }}

),

final as (

    select
        appeals.appeal_id,
        appeals.action_id,
        appeals.route,
        appeals.outcome,
        appeals.is_resolved,
        appeals.is_reversed,
        coalesce(appeals.is_reversed and actions.target_type = 'content', false) as is_item_restored,
        appeals.outcome_implemented,
        actions.action_type,
        actions.policy_code,
        actions.policy_area,
        actions.is_spam,
        actions.target_type,
        cast(actions.decided_at as date) as action_decided_date,
        appeals.filed_at,
        appeals.resolved_at,
        appeals.hours_to_resolve
    from appeals
    left join actions
        on appeals.action_id = actions.action_id

)

select * from final
