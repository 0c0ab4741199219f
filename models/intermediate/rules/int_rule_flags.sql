-- Production SQL rules (status enforce or shadow). Candidates are listed in
-- rpt_rule_backtest instead, so a candidate never reaches production marts.
with flags as (
    {{ union_rule_flags([
        'rule_new_account_link_domain',
        'rule_new_account_upload_burst',
    ]) }}
),

final as (
    select * from flags
    where status in ('enforce', 'shadow')
)

select * from final
