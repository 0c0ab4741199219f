with

policies as (

    select * from {{ ref('policies') }}

),

final as (

    select
        policy_code,
        policy_name,
        policy_area,
        is_spam,
        is_deceptive_high_volume_commercial,
        dsa_category,
        dsa_keyword,
        dsa_keyword_other,
        default_decision_ground
    from policies

)

select * from final
