-- One row per enforcement action, with its policy, what it restricts (DSA decision fields), its
-- territorial scope and whether an appeal reversed it.
with

actions as (

    select * from {{ ref('int_enforcement_actions_classified') }}

),

content as (

    select
        content_id,
        content_type
    from {{ ref('dim_content') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

eea_scopes as (

    select
        scope.action_id,
        count(*) filter (where countries.is_eea) as eea_countries_in_scope
    from (
        select
            actions.action_id,
            scope.country_code
        from actions
        {{ lateral_unnest('actions.territorial_scope', 'scope', 'country_code') }}
    ) as scope
    left join countries
        on scope.country_code = countries.country_code
    group by scope.action_id

),

final as (

    select
        actions.action_id,
        actions.target_type,
        case when actions.target_type = 'content' then actions.target_id end as content_id,
        case when actions.target_type = 'account' then actions.target_id end as target_account_key,
        content.content_type,
        actions.action_type,
        actions.restriction_type,
        actions.policy_code,
        actions.policy_area,
        actions.is_spam,
        actions.decision_ground,
        actions.legal_ground,
        actions.source,
        actions.automated_detection,
        actions.automated_decision,
        actions.automated_detection and actions.automated_decision = 'fully' as is_solely_automated,
        actions.ends_exposure,
        actions.decision_visibility,
        actions.decision_monetary,
        actions.decision_provision,
        actions.decision_account,
        actions.territorial_scope,
        actions.is_global_scope,
        actions.is_global_scope or coalesce(eea_scopes.eea_countries_in_scope, 0) > 0 as is_eea_scope,
        case when actions.is_global_scope then null else {{ array_size('actions.territorial_scope') }} end as scope_countries,
        actions.is_reversed,
        actions.review_id,
        actions.report_id,
        actions.rule_id,
        cast(actions.decided_at as date) as decided_date,
        actions.decided_at,
        actions.effective_at,
        actions.end_at,
        actions.reversed_at
    from actions
    left join content
        on
            actions.target_type = 'content'
            and actions.target_id = content.content_id
    left join eea_scopes
        on actions.action_id = eea_scopes.action_id

)

select * from final
