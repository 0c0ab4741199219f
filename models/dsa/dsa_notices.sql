-- One row per Art. 16 notice or member-state order, with its DSA category, how fast it was
-- acknowledged and acted on, and the actions taken on it (by decision ground).
-- Category: the reason_codes seed gives the notifier's alleged category. The keyword is the one
-- the policies seed gives the same policy area within that category when there is exactly one;
-- otherwise the notice sits under KEYWORD_OTHER described by the reason's name. A category that
-- only exists for terms-and-conditions measures (OTHER_VIOLATION_TC) cannot be alleged
-- illegality: such notices and orders are "not specified" (Annex II, Part 3 column D / Part 4).
-- Not limited to a period: the report models filter on received_at.
{{ config(schema='dsa', materialized='table') }}

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
        is_solely_automated_decision
    from {{ ref('int_reports_responses_joined') }}

),

reason_codes as (

    select * from {{ ref('reason_codes') }}

),

policies as (

    select * from {{ ref('policies') }}

),

countries as (

    select * from {{ ref('countries') }}

),

actions as (

    select * from {{ ref('dsa_actions') }}

),

area_keywords as (

    select
        reason_codes.reason_code,
        min(policies.dsa_keyword) as dsa_keyword,
        min(policies.dsa_keyword_other) as dsa_keyword_other,
        count(distinct policies.dsa_keyword || coalesce(policies.dsa_keyword_other, '')) as keyword_options
    from reason_codes
    inner join policies
        on
            reason_codes.policy_area = policies.policy_area
            and reason_codes.dsa_category = policies.dsa_category
    group by reason_codes.reason_code

),

classified as (

    select
        reports.report_id,
        reports.reporter_type = 'authority' as is_order,
        case
            when reason_codes.dsa_category is null or reason_codes.dsa_category in (
                    'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE', 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC'
                ) then null
            else reason_codes.dsa_category
        end as alleged_category,
        reason_codes.reason_name,
        area_keywords.dsa_keyword,
        area_keywords.dsa_keyword_other,
        area_keywords.keyword_options
    from reports
    left join reason_codes
        on reports.reason_code = reason_codes.reason_code
    left join area_keywords
        on reports.reason_code = area_keywords.reason_code
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
        case
            when classified.alleged_category is null then null
            when classified.keyword_options = 1 then classified.dsa_keyword
            else 'KEYWORD_OTHER'
        end as keyword,
        case
            when classified.alleged_category is null then null
            when classified.keyword_options = 1 and classified.dsa_keyword = 'KEYWORD_OTHER'
                then classified.dsa_keyword_other
            when classified.keyword_options = 1 then null
            else classified.reason_name
        end as other_description,
        lower(reports.language) as language_code,
        reports.received_at,
        reports.acknowledged_at,
        epoch(reports.acknowledged_at - reports.received_at) / 3600.0 as hours_to_acknowledge,
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
