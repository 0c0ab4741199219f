-- Proactive rate: among items (content or accounts) first actioned on a day (any policy), the
-- share actioned before any report from outside the company (user, trusted flagger, authority,
-- rights holder) was received on that item. Internal escalations are not reports here. Each item
-- counts once, on the day of its first action, under that action's policy area, so days and areas
-- add up.
with

actions as (

    select * from {{ ref('int_enforcement_actions_classified') }}

),

reports as (

    select * from {{ ref('stg_platform__reports') }}

),

first_actions as (

    select
        target_type,
        target_id,
        min(decided_at) as first_action_at,
        arg_min(coalesce(policy_area, 'unknown'), decided_at) as policy_area
    from actions
    group by target_type, target_id

),

first_external_reports as (

    select
        target_type,
        target_id,
        min(received_at) as first_report_at
    from reports
    where reporter_type in ('user', 'trusted_flagger', 'authority', 'rights_holder')
    group by target_type, target_id

),

items as (

    select
        first_actions.first_action_at::date as date_day,
        first_actions.policy_area,
        first_external_reports.first_report_at is null
        or first_actions.first_action_at < first_external_reports.first_report_at as is_proactive
    from first_actions
    left join first_external_reports
        on
            first_actions.target_type = first_external_reports.target_type
            and first_actions.target_id = first_external_reports.target_id

),

final as (

    select
        date_day,
        policy_area,
        count(*) as actioned_items,
        count(*) filter (where is_proactive) as proactive_items,
        count(*) filter (where is_proactive)::double / count(*) as proactive_rate
    from items
    group by date_day, policy_area

)

select * from final
