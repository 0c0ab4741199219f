-- One row per reviewer of the moderator roster (the last delivered row of a reviewer wins), keyed
-- by the pseudonymous reviewer_key that review decisions and fct_reviewer_quality carry.
with

moderators as (

    select * from {{ ref('stg_platform__moderators') }}

),

final as (

    select
        reviewer_key,
        vendor,
        employment,
        languages,
        active_from,
        active_to
    from moderators

)

select * from final
