-- Every enforcement action with its policy, what its type does (ends exposure, DSA decision
-- fields) and whether an appeal reversed it. Reversed means an appeal outcome `reversed` that
-- took effect: internal, or out-of-court with outcome_implemented (int_appeals.is_reversed).
-- `partially_reversed` leaves the judgement standing.
with

actions as (

    select * from {{ ref('stg_platform__enforcement_actions') }}

),

appeals as (

    select * from {{ ref('int_appeals') }}

),

policies as (

    select * from {{ ref('dim_policy') }}

),

action_types as (

    select * from {{ ref('action_types') }}

),

reversals as (

    select
        action_id,
        min(resolved_at) as reversed_at
    from appeals
    where is_reversed
    group by action_id

),

final as (

    select
        actions.action_id,
        actions.target_type,
        actions.target_id,
        actions.action_type,
        actions.policy_code,
        policies.policy_area,
        coalesce(policies.is_spam, false) as is_spam,
        actions.decision_ground,
        actions.legal_ground,
        actions.territorial_scope,
        {{ array_has('actions.territorial_scope', "'GLOBAL'") }} as is_global_scope,
        actions.source,
        actions.automated_detection,
        actions.automated_decision,
        action_types.restriction_type,
        coalesce(action_types.ends_exposure, false) as ends_exposure,
        action_types.decision_visibility,
        action_types.decision_monetary,
        action_types.decision_provision,
        action_types.decision_account,
        reversals.action_id is not null as is_reversed,
        actions.review_id,
        actions.report_id,
        actions.rule_id,
        actions.decided_at,
        actions.effective_at,
        actions.end_at,
        reversals.reversed_at

    from actions
    left join policies
        on actions.policy_code = policies.policy_code
    left join action_types
        on actions.action_type = action_types.action_type
    left join reversals
        on actions.action_id = reversals.action_id

)

select * from final
