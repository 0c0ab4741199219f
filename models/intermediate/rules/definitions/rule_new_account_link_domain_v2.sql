{{ config(tags=detection_rule_tags()) }}
-- Version 2 of sql_new_account_link_domain: trips on two new accounts within three days
-- instead of three within seven. A candidate: backtested, never in production marts.
with flags as (
    {{ new_account_link_domain_flags(min_accounts=2, window_days=3, max_account_age_days=14) }}
),

final as (
    select
        {{ detection_rule_identity() }},
        'content' as target_type,
        content_id as target_id,
        flagged_at
    from flags
)

select * from final
