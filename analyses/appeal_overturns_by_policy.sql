-- Appeal overturns by policy and route: how often appeals against each policy's actions succeed
-- (reversed with effect, or partially), and how long they take. A high overturn rate points at a
-- policy or a detector that over-enforces.
with

appeals as (

    select * from {{ ref('fct_appeals') }}

),

final as (

    select
        coalesce(policy_code, 'unknown') as policy_code,
        route,
        count(*) as appeals,
        count(*) filter (where is_resolved) as resolved,
        count(*) filter (where is_reversed) as reversed,
        count(*) filter (where outcome = 'partially_reversed') as partially_reversed,
        count(*) filter (where outcome = 'upheld') as upheld,
        count(*) filter (where is_item_restored) as items_restored,
        round(count(*) filter (where is_reversed) / nullif(count(*) filter (where is_resolved), 0), 4)
            as overturn_rate,
        round(median(hours_to_resolve), 1) as median_hours_to_resolve
    from appeals
    group by coalesce(policy_code, 'unknown'), route

)

select * from final
order by overturn_rate desc nulls last, appeals desc, policy_code asc, route asc
