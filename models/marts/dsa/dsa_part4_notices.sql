-- Annex I Part 4: Art. 16 notices received in the reporting period, by their DSA category
-- (total, category and keyword rows), trusted flaggers' separately. Median time to take action:
-- hours from receipt to the first action, over the notices first acted on in the period (notices
-- not acted on are left out, as Annex II allows). Actions on the basis of the law / of the terms
-- and conditions: the actions on notices decided in the period, by decision ground. Each notice
-- in the feeds names one item, so items = notices.

with

period as (

    select * from {{ ref('dsa_report_period') }}

),

row_levels as (

    select row_level_values.row_level
    from (values ('total'), ('category'), ('keyword')) as row_level_values (row_level)

),

-- Which events count in the period (dsa.md): notices received in it; actions decided in it,
-- whatever notice they answer; the median over the notices first acted on in it. So a closed
-- period's figures do not change when later data lands.
period_actions as (

    select
        actions.report_id,
        count(*) filter (where actions.decision_ground = 'illegal') as actions_law,
        count(*) filter (where actions.decision_ground = 'terms') as actions_terms
    from {{ ref('int_dsa_actions') }} as actions
    cross join period
    where
        actions.report_id is not null
        and actions.decided_at >= period.period_start
        and actions.decided_at < period.period_end + 1
    group by actions.report_id

),

notices as (

    select
        notices.*,
        notices.received_at >= period.period_start
        and notices.received_at < period.period_end + 1 as is_received_in_period,
        coalesce(
            notices.first_action_at >= period.period_start
            and notices.first_action_at < period.period_end + 1,
            false
        ) as is_acted_in_period,
        coalesce(period_actions.actions_law, 0) as period_actions_law,
        coalesce(period_actions.actions_terms, 0) as period_actions_terms
    from {{ ref('int_dsa_notices') }} as notices
    cross join period
    left join period_actions
        on notices.report_id = period_actions.report_id
    where notices.notice_kind = 'notice'

),

relevant as (

    select * from notices
    where is_received_in_period or is_acted_in_period or period_actions_law + period_actions_terms > 0

),

expanded as (

    select
        row_levels.row_level,
        case when row_levels.row_level != 'total' then notices.category end as category,
        case when row_levels.row_level = 'keyword' then notices.keyword end as keyword,
        case when row_levels.row_level = 'keyword' then notices.other_description end as other_description,
        notices.is_trusted_flagger,
        notices.is_received_in_period,
        case when notices.is_acted_in_period then notices.hours_to_action end as hours_to_action,
        notices.period_actions_law as actions_law,
        notices.period_actions_terms as actions_terms
    from relevant as notices
    cross join row_levels

),

grouped as (

    select
        row_level,
        category,
        keyword,
        other_description,
        count(*) filter (where is_received_in_period) as notices,
        count(*) filter (where is_received_in_period and is_trusted_flagger) as notices_tf,
        {{ percentile_cont('hours_to_action', 0.5) }} as median_hours_action,
        {{ percentile_cont('hours_to_action', 0.5) }} filter (where is_trusted_flagger) as median_hours_action_tf,
        cast(sum(actions_law) as bigint) as actions_law,
        cast(coalesce(sum(actions_law) filter (where is_trusted_flagger), 0) as bigint) as actions_law_tf,
        cast(sum(actions_terms) as bigint) as actions_terms,
        cast(coalesce(sum(actions_terms) filter (where is_trusted_flagger), 0) as bigint) as actions_terms_tf
    from expanded
    where not (row_level = 'keyword' and keyword is null)
    group by row_level, category, keyword, other_description

),

final as (

    select
        row_level,
        'total' as scope,
        category,
        keyword,
        other_description,
        notices,
        notices_tf,
        notices as items,
        notices_tf as items_tf,
        {{ fixed_decimal('median_hours_action') }} as median_hours_action,
        {{ fixed_decimal('median_hours_action_tf') }} as median_hours_action_tf,
        actions_law,
        actions_law_tf,
        actions_terms,
        actions_terms_tf,
        case when row_level = 'total' then 'Each notice in the feeds names exactly one item.' end as ctx_items,
        case when row_level = 'total' then 'Each notice in the feeds names exactly one item.' end as ctx_items_tf
    from grouped

)

select * from final
