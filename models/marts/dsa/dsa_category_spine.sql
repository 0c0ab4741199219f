-- Which internal policies and notice reasons feed each DSA category and keyword: the
-- "Other" descriptions the report lays out under KEYWORD_OTHER (even when their figure is 0)
-- and the Part 2 contextual information. One row per category × keyword × other description.

with

policies as (

    select * from {{ ref('dim_policy') }}

),

notices as (

    select distinct
        category,
        keyword,
        other_description
    from {{ ref('int_dsa_notices') }}
    where keyword is not null

),

policy_keywords as (

    select
        dsa_category as category,
        dsa_keyword as keyword,
        case when dsa_keyword = 'KEYWORD_OTHER' then dsa_keyword_other end as other_description,
        {{ ordered_text_agg("policy_name || ' (' || policy_code || ')'", "'; '", [['policy_code', 'asc']]) }} as policies
    from policies
    where dsa_category is not null
    group by
        dsa_category,
        dsa_keyword,
        case when dsa_keyword = 'KEYWORD_OTHER' then dsa_keyword_other end

),

combined as (

    select
        category,
        keyword,
        other_description,
        max(policies) as policies
    from (
        select
            category,
            keyword,
            other_description,
            policies
        from policy_keywords
        union all
        select
            category,
            keyword,
            other_description,
            null as policies
        from notices
    ) as keywords
    group by category, keyword, other_description

),

final as (

    select
        category,
        keyword,
        other_description,
        policies,
        case
            when keyword = 'KEYWORD_OTHER' and policies is not null
                then '"' || other_description || '": internal policies ' || policies || '.'
            when keyword = 'KEYWORD_OTHER'
                then '"' || other_description || '": notices whose reason has no more specific keyword.'
            when policies is not null then 'Internal policies: ' || policies || '.'
        end as note
    from combined

)

select * from final
