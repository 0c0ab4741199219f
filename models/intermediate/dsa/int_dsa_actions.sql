-- One row per enforcement action with everything the DSA outputs need: its DSA category and
-- keyword (policies seed), how it was initiated in the DSA's terms, what it restricts, the
-- language and dates of what it restricted, and whether it had effect in the EU/EEA.
-- initiative:
--   order          an order from a member-state authority (Art. 9)
--   notice         an Art. 16 notice (is_dsa_notice), trusted flaggers' included
--   own_initiative everything else, including actions after ordinary in-app reports that are
--                  not Art. 16 notices and internal escalations
-- Not limited to a period: the report models filter on decided_at, the statements on the day.

with

actions as (

    select * from {{ ref('fct_enforcement_actions') }}

),

reports as (

    select
        report_id,
        reporter_type,
        channel,
        is_dsa_notice
    from {{ ref('fct_report_sla') }}

),

policies as (

    select * from {{ ref('dim_policy') }}

),

content as (

    select * from {{ ref('dim_content') }}

),

content_types as (

    select * from {{ ref('dim_content_type') }}

),

accounts as (

    select
        account_key,
        account_type,
        created_at
    from {{ ref('stg_platform__accounts') }}

),

-- An action on an account restricts the account's profile.
profile_type as (

    select
        dsa_content_type,
        dsa_content_type_other
    from content_types
    where content_type = 'profile'

),

final as (

    select
        actions.action_id,
        actions.target_type,
        actions.content_id,
        actions.action_type,
        actions.restriction_type,
        actions.policy_code,
        policies.policy_name,
        policies.dsa_category,
        policies.dsa_keyword,
        case when policies.dsa_keyword = 'KEYWORD_OTHER' then policies.dsa_keyword_other end as dsa_keyword_other,
        coalesce(policies.is_deceptive_high_volume_commercial, false) as is_deceptive_high_volume_commercial,
        actions.decision_ground,
        actions.legal_ground,
        actions.source,
        case
            when actions.source = 'authority_order' or reports.reporter_type = 'authority' then 'order'
            when reports.is_dsa_notice then 'notice'
            when reports.report_id is null and actions.source in ('notice', 'trusted_flagger') then 'notice'
            else 'own_initiative'
        end as initiative,
        coalesce(
            reports.reporter_type = 'trusted_flagger'
            or (reports.report_id is null and actions.source = 'trusted_flagger'), false
        ) as is_trusted_flagger,
        actions.report_id,
        reports.reporter_type as report_reporter_type,
        reports.is_dsa_notice as report_is_dsa_notice,
        actions.automated_detection,
        actions.automated_decision,
        actions.is_solely_automated,
        actions.decision_visibility,
        actions.decision_monetary,
        actions.decision_provision,
        actions.decision_account,
        actions.territorial_scope,
        actions.is_eea_scope,
        actions.is_reversed,
        case when actions.target_type = 'account' then profile_type.dsa_content_type else content_types.dsa_content_type end
            as dsa_content_type,
        case
            when actions.target_type = 'account' then profile_type.dsa_content_type_other
            else content_types.dsa_content_type_other
        end as dsa_content_type_other,
        coalesce(content.content_type, case when actions.target_type = 'account' then 'profile' end)
            as content_type,
        lower(content.language) as content_language,
        content.ean13,
        coalesce(content.owner_account_type, target_accounts.account_type) as account_type,
        coalesce(content.created_at, target_accounts.created_at) as content_created_at,
        actions.decided_date,
        actions.decided_at,
        actions.effective_at,
        actions.end_at
    from actions
    left join reports
        on actions.report_id = reports.report_id
    left join policies
        on actions.policy_code = policies.policy_code
    left join content
        on actions.content_id = content.content_id
    left join accounts as target_accounts
        on actions.target_account_key = target_accounts.account_key
    left join content_types
        on content.content_type = content_types.content_type
    left join profile_type
        on actions.target_type = 'account'

)

select * from final
