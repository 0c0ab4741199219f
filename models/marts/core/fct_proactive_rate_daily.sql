-- Proactive rate: among targets (items or accounts) first actioned on a day, under any policy, the
-- share actioned before any report from outside the company (user, trusted flagger, authority,
-- rights holder) was received on the target, on the owner account of an item, or, for an
-- account, on any item it owns. Internal escalations are not reports. "Before" compares the first
-- action's decided_at with the first such report's received_at. Each target counts once, on the
-- day its first action was decided, under that action's policy area, so days and areas add up.
with

actions as (

    select * from {{ ref('int_enforcement_actions_classified') }}

),

reports as (

    select * from {{ ref('int_reports_responses_joined') }}

),

content_owners as (

    select
        content_id,
        owner_account_key
    from {{ ref('dim_content') }}

),

first_actions as (

    select
        target_type,
        target_id,
        min(decided_at) as first_action_at,
        {{ min_by("coalesce(policy_area, 'unknown')", 'decided_at') }} as policy_area
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

-- the first outside report on the target itself, on an item's owner, or on an account's items
related_reports as (

    select
        target_type,
        target_id,
        first_report_at
    from first_external_reports

    union all

    select
        'content' as target_type,
        content_owners.content_id as target_id,
        first_external_reports.first_report_at
    from first_external_reports
    inner join content_owners
        on
            first_external_reports.target_type = 'account'
            and first_external_reports.target_id = content_owners.owner_account_key

    union all

    select
        'account' as target_type,
        content_owners.owner_account_key as target_id,
        first_external_reports.first_report_at
    from first_external_reports
    inner join content_owners
        on
            first_external_reports.target_type = 'content'
            and first_external_reports.target_id = content_owners.content_id

),

first_related_reports as (

    select
        target_type,
        target_id,
        min(first_report_at) as first_report_at
    from related_reports
    group by target_type, target_id

),

targets as (

    select
        cast(first_actions.first_action_at as date) as date_day,
        first_actions.policy_area,
        first_related_reports.first_report_at is null
        or first_actions.first_action_at < first_related_reports.first_report_at as is_proactive
    from first_actions
    left join first_related_reports
        on
            first_actions.target_type = first_related_reports.target_type
            and first_actions.target_id = first_related_reports.target_id

),

final as (

    select
        date_day,
        policy_area,
        count(*) as actioned_items,
        count(*) filter (where is_proactive) as proactive_items,
        {{ fixed_decimal('count(*) filter (where is_proactive) / count(*)') }} as proactive_rate
    from targets
    group by date_day, policy_area

)

select * from final
