with evaluations as (
    {{ evaluate_rule_targets(ref('int_rule_hits_unioned')) }}
),

final as (
    select * from evaluations
)

select * from final
