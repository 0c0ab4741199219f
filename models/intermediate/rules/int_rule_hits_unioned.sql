-- Every detection, whichever system produced it: the rule_hits feed (rules and
-- classifiers run by the platform) and the warehouse's own SQL rules.
with feed as (
    select
        hit_id,
        'feed' as hit_source,
        rule_id,
        rule_version,
        mode as status,
        target_type,
        target_id,
        hit_at,
        score
    from {{ ref('stg_platform__rule_hits') }}
),

sql_rules as (
    select
        'sql:' || rule_id || ':' || rule_version || ':' || target_type || ':' || target_id as hit_id,
        'sql' as hit_source,
        rule_id,
        rule_version,
        status,
        target_type,
        target_id,
        flagged_at as hit_at,
        cast(null as double) as score
    from {{ ref('int_rule_flags') }}
),

final as (
    select * from feed
    union all
    select * from sql_rules
)

select * from final
