-- One row per Art. 16 notice or member-state order, with its DSA category, how fast it was
-- acknowledged and acted on, and the actions taken on it (by decision ground).
-- Category: one mapping from policies to DSA categories (the policies seed), used by every part
-- and the statements of reasons: a notice takes the category and keyword of the policy its
-- decision names, else of its reason's default policy (reason_codes seed). A category that only
-- exists for terms-and-conditions measures (OTHER_VIOLATION_TC) cannot be alleged illegality:
-- such notices and orders are "not specified" (Annex II, Part 3 column D / Part 4).
-- Not limited to a period: the report models filter on received_at.

with

reports as (

    select * from {{ ref('stg_platform__reports') }}

),

report_sla as (

    select
        report_id,
        first_action_at,
        hours_to_action
    from {{ ref('fct_report_sla') }}

),

responses as (

    select
        report_id,
        decided_policy_code,
        is_solely_automated_decision
    from {{ ref('int_reports_responses_joined') }}

),

reason_codes as (

    select * from {{ ref('reason_codes') }}

),

policies as (

    select * from {{ ref('dim_policy') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

actions as (

    select * from {{ ref('int_dsa_actions') }}

),

-- one mapping from policies to DSA categories: the policy the decision names, else the
-- reason's default policy
classified as (

    select
        reports.report_id,
        reports.reporter_type = 'authority' as is_order,
        policies.policy_code as category_policy_code,
        policies.dsa_category as policy_category,
        case
            when policies.dsa_category in (
                    'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE', 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC'
                ) then null
            else policies.dsa_category
        end as alleged_category,
        policies.dsa_keyword,
        policies.dsa_keyword_other
    from reports
    left join reason_codes
        on reports.reason_code = reason_codes.reason_code
    left join responses
        on reports.report_id = responses.report_id
    left join policies
        on coalesce(responses.decided_policy_code, reason_codes.default_policy_code) = policies.policy_code
    where reports.is_dsa_notice or reports.reporter_type = 'authority'

),

linked_actions as (

    select
        report_id,
        count(*) filter (where decision_ground = 'illegal') as actions_law,
        count(*) filter (where decision_ground = 'terms') as actions_terms
    from actions
    where report_id is not null
    group by report_id

),

final as (

    select
        reports.report_id,
        case when classified.is_order then 'order' else 'notice' end as notice_kind,
        reports.order_type,
        reports.reporter_type = 'trusted_flagger' as is_trusted_flagger,
        countries.eurostat_code as member_state,
        coalesce(
            classified.alleged_category,
            case
                when classified.is_order then 'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER'
                else 'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE'
            end
        ) as category,
        case when classified.alleged_category is not null then classified.dsa_keyword end as keyword,
        classified.category_policy_code,
        classified.policy_category,
        case
            when classified.alleged_category is not null and classified.dsa_keyword = 'KEYWORD_OTHER'
                then classified.dsa_keyword_other
        end as other_description,
        lower(reports.language) as language_code,
        reports.received_at,
        reports.acknowledged_at,
        {{ fixed_decimal(seconds_between('reports.received_at', 'reports.acknowledged_at') ~ ' / 3600.0') }} as hours_to_acknowledge,
        report_sla.first_action_at,
        report_sla.hours_to_action,
        coalesce(linked_actions.actions_law, 0) as actions_law,
        coalesce(linked_actions.actions_terms, 0) as actions_terms,
        coalesce(responses.is_solely_automated_decision, false) as is_solely_automated
    from reports
    inner join classified
        on reports.report_id = classified.report_id
    left join report_sla
        on reports.report_id = report_sla.report_id
    left join countries
        on reports.authority_member_state = countries.country_code
    left join linked_actions
        on reports.report_id = linked_actions.report_id
    left join responses
        on reports.report_id = responses.report_id

)

select * from final
