-- The dashboard's targets (seeds/dashboard/targets.csv), one row per metric and scope, for the
-- dashboard models to join; `*` is the metric's default for any scope without a row of its own.
with

targets as (

    select * from {{ ref('targets') }}

),

final as (

    select
        metric,
        scope,
        direction,
        {{ fixed_decimal('target') }} as target,  -- noqa: RF04
        {{ fixed_decimal('red_threshold') }} as red_threshold,
        unit,
        description
    from targets

)

select * from final
