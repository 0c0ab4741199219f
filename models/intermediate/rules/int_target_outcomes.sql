-- What eventually happened to everything a detector, a reporter, a reviewer or an
-- enforcement action touched: the labels that rule performance is measured against. The
-- reviewed label is the latest final *human* decision: an automated decision is not a review.
with policies as (
    select
        policy_code,
        is_spam
    from {{ ref('dim_policy') }}
),

catalogue as (
    select
        content_id,
        owner_account_key
    from {{ ref('stg_platform__content') }}
),

decisions as (
    select
        target_type,
        target_id,
        decision,
        policy_code,
        event_ts as decided_at,
        row_number() over (
            partition by target_type, target_id
            order by event_ts desc, review_id desc
        ) as recency_rank
    from {{ ref('stg_platform__review_events') }}
    where
        event_type = 'decided'
        and decision in ('violating', 'not_violating')
        -- a decision made by the automated system itself is not a review of it
        and not coalesce(automated, false)
),

last_decision as (
    select
        target_type,
        target_id,
        decision as last_review_decision,
        policy_code as last_review_policy_code,
        decided_at as last_reviewed_at
    from decisions
    where recency_rank = 1
),

reversed_actions as (
    select distinct action_id
    from {{ ref('stg_platform__appeals') }}
    where
        outcome = 'reversed'
        and (route = 'internal' or outcome_implemented)
),

spam_actions as (
    select
        actions.target_type,
        actions.target_id,
        actions.effective_at,
        actions.action_type in (
            'remove', 'disable', 'service_suspend', 'service_terminate', 'account_suspend', 'account_terminate'
        ) as ends_exposure
    from {{ ref('stg_platform__enforcement_actions') }} as actions
    inner join policies
        on actions.policy_code = policies.policy_code
    left join reversed_actions
        on actions.action_id = reversed_actions.action_id
    where
        policies.is_spam
        and reversed_actions.action_id is null
),

direct_spam_actions as (
    select
        target_type,
        target_id,
        min(effective_at) as first_spam_action_at,
        min(case when ends_exposure then effective_at end) as spam_exposure_ended_at
    from spam_actions
    group by target_type, target_id
),

reports as (
    select
        target_type,
        target_id,
        min(case when reporter_type = 'user' then received_at end) as first_user_report_at,
        min(case when reporter_type != 'internal' then received_at end) as first_external_report_at
    from {{ ref('stg_platform__reports') }}
    group by target_type, target_id
),

hits as (
    select
        target_type,
        target_id,
        min(hit_at) as first_hit_at
    from {{ ref('int_rule_hits_unioned') }}
    group by target_type, target_id
),

targets as (
    select
        target_type,
        target_id
    from last_decision
    union
    select
        target_type,
        target_id
    from direct_spam_actions
    union
    select
        target_type,
        target_id
    from reports
    union
    select
        target_type,
        target_id
    from hits
),

final as (
    select
        targets.target_type,
        targets.target_id,
        catalogue.owner_account_key,
        last_decision.last_review_decision,
        last_decision.last_review_policy_code,
        last_decision.last_reviewed_at,
        -- judged spam: a spam action that was not reversed, on the target or (for
        -- content) on the account that owns it
        least(direct.first_spam_action_at, owner_actions.first_spam_action_at) as first_spam_action_at,
        least(direct.spam_exposure_ended_at, owner_actions.spam_exposure_ended_at) as spam_exposure_ended_at,
        coalesce(direct.first_spam_action_at, owner_actions.first_spam_action_at) is not null as is_judged_spam,
        reports.first_user_report_at,
        reports.first_external_report_at,
        hits.first_hit_at,
        least(reports.first_external_report_at, hits.first_hit_at) as first_signal_at
    from targets
    left join catalogue
        on targets.target_type = 'content' and targets.target_id = catalogue.content_id
    left join last_decision
        on targets.target_type = last_decision.target_type and targets.target_id = last_decision.target_id
    left join direct_spam_actions as direct
        on targets.target_type = direct.target_type and targets.target_id = direct.target_id
    left join direct_spam_actions as owner_actions
        on
            owner_actions.target_type = 'account'
            and catalogue.owner_account_key = owner_actions.target_id
    left join reports
        on targets.target_type = reports.target_type and targets.target_id = reports.target_id
    left join hits
        on targets.target_type = hits.target_type and targets.target_id = hits.target_id
)

select * from final
