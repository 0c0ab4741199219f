-- One row per enforcement action: the facts its statement of reasons is built from
-- (orchestration/dsa/sor_mapping.py maps them to the Transparency Database schema v2). Every
-- action is here, exempt ones included, so the export can count what it did not send and why.
-- No personal data: no account or reporter identifiers, no free text typed by people.
-- decision_date: the UTC day the action was decided (statements for a day are those actions).

with

actions as (

    select * from {{ ref('int_dsa_actions') }}

),

final as (

    select
        action_id,
        decided_date as decision_date,
        target_type,
        content_type,
        dsa_content_type,
        dsa_content_type_other,
        content_language,
        ean13,
        account_type,
        action_type,
        decision_visibility,
        decision_monetary,
        decision_provision,
        decision_account,
        decision_ground,
        legal_ground,
        policy_code,
        policy_name,
        dsa_category,
        dsa_keyword,
        dsa_keyword_other,
        is_deceptive_high_volume_commercial,
        source,
        initiative,
        is_trusted_flagger,
        report_reporter_type,
        report_is_dsa_notice,
        automated_detection,
        automated_decision,
        territorial_scope,
        is_eea_scope,
        content_created_at,
        decided_at,
        effective_at,
        end_at
    from actions

)

select * from final
