-- Own-initiative measures decided in the reporting period with effect in the EU/EEA, one row
-- per action: the shared basis of Annex I Parts 5 (illegal content) and 6 (terms and
-- conditions). Own initiative = not preceded by a member-state order or an Art. 16 notice.
-- "Solely automated" = automated detection and a fully automated decision.

with

period as (

    select * from {{ ref('dsa_report_period') }}

),

actions as (

    select * from {{ ref('int_dsa_actions') }}

),

final as (

    select
        actions.action_id,
        actions.decision_ground,
        actions.dsa_category as category,
        actions.dsa_keyword as keyword,
        actions.dsa_keyword_other as other_description,
        actions.action_type,
        actions.decision_visibility,
        actions.decision_monetary,
        actions.decision_provision,
        actions.decision_account,
        actions.is_solely_automated,
        actions.decided_at
    from actions
    cross join period
    where
        actions.initiative = 'own_initiative'
        and actions.is_eea_scope
        and actions.decided_at >= period.period_start
        and actions.decided_at < period.period_end + 1

)

select * from final
