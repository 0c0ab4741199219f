-- One row per report: its target, first decision and action, and its SLA status as of the latest
-- event time in the data (int_data_as_of), never the wall clock. Compliant when decided within
-- target (exactly at the target is compliant); an open report whose age already exceeds its
-- target is a breach now.
with

responses as (

    select * from {{ ref('int_reports_responses_joined') }}

),

as_of as (

    select * from {{ ref('int_data_as_of') }}

),

timed as (

    select
        responses.*,
        as_of.as_of,
        {{ seconds_between('responses.received_at', 'responses.first_decision_at') }} / 3600.0 as hours_to_decision,
        {{ seconds_between('responses.received_at', 'responses.first_action_at') }} / 3600.0 as hours_to_action,
        {{ seconds_between('responses.received_at', 'as_of.as_of') }} / 3600.0 as age_hours,
        {{ seconds_between('responses.received_at', 'responses.acknowledged_at') }} / 3600.0 as hours_to_acknowledge
    from responses
    cross join as_of

),

final as (

    select
        report_id,
        target_type,
        target_id,
        reporter_type,
        channel,
        priority,
        reason_code,
        policy_area,
        queue,
        vendor,
        country,
        is_dsa_notice,
        sla_target_id,
        {{ fixed_decimal('target_hours') }} as target_hours,
        is_published_sla,
        decided_by,
        received_at,
        received_date,
        first_decision_at,
        first_action_at,
        acknowledged_at,
        {{ fixed_decimal('hours_to_decision') }} as hours_to_decision,
        {{ fixed_decimal('hours_to_action') }} as hours_to_action,
        {{ fixed_decimal('hours_to_acknowledge') }} as hours_to_acknowledge,
        {{ fixed_decimal('case when first_decision_at is null then age_hours end') }} as open_hours,
        case
            when first_decision_at is not null and hours_to_decision <= target_hours then 'compliant'
            when first_decision_at is not null then 'breached'
            when age_hours > target_hours then 'open_breached'
            else 'open_within_target'
        end as sla_status,
        coalesce(
            case when first_decision_at is not null then hours_to_decision > target_hours else age_hours > target_hours end,
            false
        ) as is_breach,
        as_of
    from timed

)

select * from final
