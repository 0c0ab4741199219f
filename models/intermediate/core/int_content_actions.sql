-- Every standing (not reversed) enforcement action that applies to a catalogue item: actions on
-- the item itself, and account-level actions on its owner for the items the account had created
-- by the action's decided_at (an action does not judge or hide uploads made after it).
with

standing_actions as (

    select * from {{ ref('int_enforcement_actions_classified') }}
    where not is_reversed

),

content as (

    select
        content_id,
        owner_account_key,
        created_at
    from {{ ref('stg_platform__content') }}

),

final as (

    select
        content.content_id,
        standing_actions.action_id,
        standing_actions.target_type,
        standing_actions.policy_code,
        standing_actions.is_spam,
        standing_actions.ends_exposure,
        standing_actions.territorial_scope,
        standing_actions.decided_at,
        standing_actions.effective_at,
        standing_actions.end_at
    from standing_actions
    inner join content
        on standing_actions.target_id = content.content_id
    where standing_actions.target_type = 'content'

    union all

    select
        content.content_id,
        standing_actions.action_id,
        standing_actions.target_type,
        standing_actions.policy_code,
        standing_actions.is_spam,
        standing_actions.ends_exposure,
        standing_actions.territorial_scope,
        standing_actions.decided_at,
        standing_actions.effective_at,
        standing_actions.end_at
    from standing_actions
    inner join content
        on
            standing_actions.target_id = content.owner_account_key
            and standing_actions.decided_at >= content.created_at
    where standing_actions.target_type = 'account'

)

select * from final
