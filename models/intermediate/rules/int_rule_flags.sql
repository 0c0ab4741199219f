-- Production SQL rules: the rule registry's rules with status enforce or shadow. Candidates
-- go to rpt_rule_backtest instead, so a candidate never reaches production marts.
with flags as (
    {{ union_rule_flags(detection_rule_models(['enforce', 'shadow'])) }}
),

final as (
    select * from flags
)

select * from final
