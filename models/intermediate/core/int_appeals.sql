-- One row per appeal with its resolution: is_resolved (an outcome was given), is_reversed (outcome
-- `reversed` that took effect: internal, or out-of-court and implemented; `partially_reversed`
-- leaves the judgement standing) and the hours it took. The one definition of a reversal with
-- effect, for the appeals marts and the actions it reverses (int_enforcement_actions_classified).
-- is_reversed is null while an internal appeal is pending (no outcome yet), as fct_appeals has
-- always published it; a pending out-of-court dispute is false.
with

appeals as (

    select * from {{ ref('stg_platform__appeals') }}

),

final as (

    select
        appeal_id,
        action_id,
        route,
        outcome,
        outcome_implemented,
        outcome is not null as is_resolved,
        outcome = 'reversed' and (route = 'internal' or coalesce(outcome_implemented, false)) as is_reversed,
        filed_at,
        resolved_at,
        {{ fixed_decimal(seconds_between('filed_at', 'resolved_at') ~ ' / 3600.0') }} as hours_to_resolve
    from appeals

)

select * from final
