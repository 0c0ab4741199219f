{{ config(meta={'dagster': {'ref': {'name': 'int_dsa_notices'}}}) }}

-- One mapping from policies to DSA categories (dsa.md): a policy lands in the same category in
-- the notices (Parts 3 and 4) as in the actions (Parts 5 and 6, statements of reasons). Returns
-- every policy seen in two categories.
with

categorised as (

    select
        category_policy_code as policy_code,
        policy_category as dsa_category
    from {{ ref('int_dsa_notices') }}
    where category_policy_code is not null

    union

    select
        policy_code,
        dsa_category
    from {{ ref('int_dsa_actions') }}

)

select
    policy_code,
    count(distinct dsa_category) as categories
from categorised
group by policy_code
having count(distinct dsa_category) > 1
