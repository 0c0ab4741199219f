-- Appeals by the cohort of actions decided on a day, per policy area: how many actions were
-- appealed, the outcomes among resolved appeals, median hours to resolve and restored items.
with

actions as (

    select
        action_id,
        cast(decided_at as date) as date_day,
        coalesce(policy_area, 'unknown') as policy_area
    from {{ ref('int_enforcement_actions_classified') }}

),

appeals as (

    select * from {{ ref('fct_appeals') }}

),

appeals_per_action as (

    select
        action_id,
        count(*) as appeals,
        count(*) filter (where is_resolved) as resolved,
        count(*) filter (where outcome = 'upheld') as upheld,
        count(*) filter (where outcome = 'reversed') as reversed,
        count(*) filter (where outcome = 'partially_reversed') as partially_reversed,
        count(*) filter (where outcome = 'omitted') as omitted,
        count(*) filter (where is_item_restored) as restored_items
    from appeals
    group by action_id

),

cohort as (

    select
        actions.date_day,
        actions.policy_area,
        count(*) as actions,
        count(appeals_per_action.action_id) as appealed_actions,
        cast(coalesce(sum(appeals_per_action.appeals), 0) as bigint) as appeals,
        cast(coalesce(sum(appeals_per_action.resolved), 0) as bigint) as resolved_appeals,
        cast(coalesce(sum(appeals_per_action.upheld), 0) as bigint) as upheld,
        cast(coalesce(sum(appeals_per_action.reversed), 0) as bigint) as reversed,
        cast(coalesce(sum(appeals_per_action.partially_reversed), 0) as bigint) as partially_reversed,
        cast(coalesce(sum(appeals_per_action.omitted), 0) as bigint) as omitted,
        cast(coalesce(sum(appeals_per_action.restored_items), 0) as bigint) as restored_items
    from actions
    left join appeals_per_action
        on actions.action_id = appeals_per_action.action_id
    group by actions.date_day, actions.policy_area

),

resolve_times as (

    select
        actions.date_day,
        actions.policy_area,
        {{ percentile_cont('appeals.hours_to_resolve', 0.5) }} as median_hours_to_resolve
    from appeals
    inner join actions
        on appeals.action_id = actions.action_id
    where appeals.hours_to_resolve is not null
    group by actions.date_day, actions.policy_area

),

final as (

    select
        cohort.date_day,
        cohort.policy_area,
        cohort.actions,
        cohort.appealed_actions,
        {{ fixed_decimal('cohort.appealed_actions / cohort.actions') }} as appeal_rate,
        cohort.appeals,
        cohort.resolved_appeals,
        cohort.upheld,
        cohort.reversed,
        cohort.partially_reversed,
        cohort.omitted,
        {{ fixed_decimal(safe_ratio('cohort.upheld', 'cohort.resolved_appeals')) }} as upheld_share,
        {{ fixed_decimal(safe_ratio('cohort.reversed', 'cohort.resolved_appeals')) }} as reversed_share,
        {{ fixed_decimal(safe_ratio('cohort.partially_reversed', 'cohort.resolved_appeals')) }}
            as partially_reversed_share,
        {{ fixed_decimal(safe_ratio('cohort.omitted', 'cohort.resolved_appeals')) }} as omitted_share,
        {{ fixed_decimal('resolve_times.median_hours_to_resolve') }} as median_hours_to_resolve,
        cohort.restored_items
    from cohort
    left join resolve_times
        on
            cohort.date_day = resolve_times.date_day
            and cohort.policy_area = resolve_times.policy_area

)

select * from final
