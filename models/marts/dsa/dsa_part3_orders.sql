-- Annex I Part 3: orders from member-state authorities received in the reporting period, by
-- category (total, category, keyword rows) and by issuing member state (Eurostat code) or
-- `total`. Orders to act (Art. 9) and to provide information (Art. 10). Medians in hours from
-- receipt: to the acknowledgement sent to the authority, and to the first action on the
-- ordered item. Each order in the feeds names one item, so items = orders.
-- The export lays these rows onto the official template; absent rows are zero orders.

with

period as (

    select * from {{ ref('dsa_report_period') }}

),

row_levels as (

    select row_level_values.row_level
    from (values ('total'), ('category'), ('keyword')) as row_level_values (row_level)

),

-- orders received in the period are counted; medians run over what happened in the period:
-- acknowledgements sent in it and first actions taken in it (dsa.md: a closed period's figures
-- do not change when later data lands)
orders as (

    select
        notices.*,
        notices.received_at >= period.period_start
        and notices.received_at < period.period_end + 1 as is_received_in_period,
        case
            when notices.acknowledged_at >= period.period_start and notices.acknowledged_at < period.period_end + 1
                then notices.hours_to_acknowledge
        end as period_hours_to_acknowledge,
        case
            when notices.first_action_at >= period.period_start and notices.first_action_at < period.period_end + 1
                then notices.hours_to_action
        end as period_hours_to_action
    from {{ ref('int_dsa_notices') }} as notices
    cross join period
    where
        notices.notice_kind = 'order'
        and (
            (notices.received_at >= period.period_start and notices.received_at < period.period_end + 1)
            or (notices.acknowledged_at >= period.period_start and notices.acknowledged_at < period.period_end + 1)
            or (notices.first_action_at >= period.period_start and notices.first_action_at < period.period_end + 1)
        )

),

-- every order counted once per row level and once per scope (its member state, and total)
expanded as (

    select
        row_levels.row_level,
        scopes.scope,
        case when row_levels.row_level != 'total' then orders.category end as category,
        case when row_levels.row_level = 'keyword' then orders.keyword end as keyword,
        case when row_levels.row_level = 'keyword' then orders.other_description end as other_description,
        orders.order_type,
        orders.is_received_in_period,
        orders.period_hours_to_acknowledge as hours_to_acknowledge,
        orders.period_hours_to_action as hours_to_action
    from orders
    cross join row_levels
    {{ lateral_unnest(array_of(["'total'", "coalesce(orders.member_state, 'unknown')"]), 'scopes', 'scope') }}

),

grouped as (

    select
        row_level,
        scope,
        category,
        keyword,
        other_description,
        count(*) filter (where is_received_in_period and order_type = 'act') as orders_act,
        count(*) filter (where is_received_in_period and order_type = 'act') as items_act,
        {{ percentile_cont('hours_to_acknowledge', 0.5) }} filter (where order_type = 'act')
            as median_hours_acknowledge_act,
        {{ percentile_cont('hours_to_action', 0.5) }} filter (where order_type = 'act') as median_hours_effect_act,
        count(*) filter (where is_received_in_period and order_type = 'provide_information') as orders_information,
        {{ percentile_cont('hours_to_acknowledge', 0.5) }} filter (where order_type = 'provide_information')
            as median_hours_acknowledge_information,
        cast(null as double) as median_hours_effect_information,
        count(*) filter (
            where is_received_in_period and order_type = 'act' and hours_to_action is null
        ) as orders_act_without_action
    from expanded
    where not (row_level = 'keyword' and keyword is null)
    group by row_level, scope, category, keyword, other_description

),

final as (

    select
        row_level,
        scope,
        category,
        keyword,
        other_description,
        orders_act,
        items_act,
        {{ fixed_decimal('median_hours_acknowledge_act') }} as median_hours_acknowledge_act,
        {{ fixed_decimal('median_hours_effect_act') }} as median_hours_effect_act,
        orders_information,
        {{ fixed_decimal('median_hours_acknowledge_information') }} as median_hours_acknowledge_information,
        {{ fixed_decimal('median_hours_effect_information') }} as median_hours_effect_information,
        case
            when row_level = 'total' and scope = 'total' then 'Each order in the feeds names exactly one item.'
        end as ctx_items_act,
        case
            when orders_act_without_action > 0
                then orders_act_without_action
                    || ' order(s) to act not yet given effect are left out of the median.'
        end as ctx_median_hours_effect_act,
        case
            when orders_information > 0
                then 'The feeds do not record when the requested information was provided.'
        end as ctx_median_hours_effect_information
    from grouped

)

select * from final
