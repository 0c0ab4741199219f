{{ config(tags=detection_rule_tags()) }}
with flags as (
    {{ new_account_link_domain_flags(min_accounts=3, window_days=7, max_account_age_days=14) }}
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
