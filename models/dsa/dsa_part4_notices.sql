-- Annex I Part 4: Art. 16 notices received in the reporting period, by the category the
-- notifier alleged (total, category and keyword rows), trusted flaggers' separately. Median
-- time to take action: hours from receipt to the first action on the notified item (notices
-- not acted on are left out, as Annex II allows). Actions on the basis of the law / of the
-- terms and conditions: the actions taken on these notices, by decision ground. Each notice
-- in the feeds names one item, so items = notices.
{{ config(schema='dsa', materialized='table') }}

with

period as (

    select * from {{ ref('dsa_report_period') }}

),

row_levels as (

    select unnest(['total', 'category', 'keyword']) as row_level

),

notices as (

    select notices.*
    from {{ ref('dsa_notices') }} as notices
    cross join period
    where
        notices.notice_kind = 'notice'
        and notices.received_at >= period.period_start
        and notices.received_at < period.period_end + 1

),

expanded as (

    select
        row_levels.row_level,
        case when row_levels.row_level != 'total' then notices.category end as category,
        case when row_levels.row_level = 'keyword' then notices.keyword end as keyword,
        case when row_levels.row_level = 'keyword' then notices.other_description end as other_description,
        notices.is_trusted_flagger,
        notices.hours_to_action,
        notices.actions_law,
        notices.actions_terms
    from notices
    cross join row_levels

),

grouped as (

    select
        row_level,
        category,
        keyword,
        other_description,
        count(*) as notices,
        count(*) filter (where is_trusted_flagger) as notices_tf,
        quantile_cont(hours_to_action, 0.5) as median_hours_action,
        quantile_cont(hours_to_action, 0.5) filter (where is_trusted_flagger) as median_hours_action_tf,
        sum(actions_law) as actions_law,
        coalesce(sum(actions_law) filter (where is_trusted_flagger), 0) as actions_law_tf,
        sum(actions_terms) as actions_terms,
        coalesce(sum(actions_terms) filter (where is_trusted_flagger), 0) as actions_terms_tf
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
        median_hours_action,
        median_hours_action_tf,
        actions_law,
        actions_law_tf,
        actions_terms,
        actions_terms_tf,
        case when row_level = 'total' then 'Each notice in the feeds names exactly one item.' end as ctx_items,
        case when row_level = 'total' then 'Each notice in the feeds names exactly one item.' end as ctx_items_tf
    from grouped

)

select * from final
