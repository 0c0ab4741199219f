-- Own-initiative measures of the reporting period counted by decision ground (illegal, terms)
-- at the three levels of the Annex I categories (total, category, keyword), by type of
-- restriction. Parts 5 and 6 are its two decision grounds.

with

measures as (

    select * from {{ ref('int_dsa_own_initiative_measures') }}

),

row_levels as (

    select row_level_values.row_level
    from (values ('total'), ('category'), ('keyword')) as row_level_values (row_level)

),

expanded as (

    select
        measures.decision_ground,
        row_levels.row_level,
        case when row_levels.row_level != 'total' then measures.category end as category,
        case when row_levels.row_level = 'keyword' then measures.keyword end as keyword,
        case when row_levels.row_level = 'keyword' then measures.other_description end as other_description,
        measures.is_solely_automated,
        measures.decision_visibility,
        measures.decision_monetary,
        measures.decision_provision,
        measures.decision_account
    from measures
    cross join row_levels

),

final as (

    select
        decision_ground,
        row_level,
        'total' as scope,
        category,
        keyword,
        other_description,
        count(*) as measures,
        count(*) filter (where is_solely_automated) as measures_solely_automated,
        count(*) filter (where decision_visibility = 'DECISION_VISIBILITY_CONTENT_REMOVED') as visibility_removed,
        count(*) filter (where decision_visibility = 'DECISION_VISIBILITY_CONTENT_DISABLED') as visibility_disabled,
        count(*) filter (where decision_visibility = 'DECISION_VISIBILITY_CONTENT_DEMOTED') as visibility_demoted,
        count(*) filter (
            where decision_visibility = 'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED'
        ) as visibility_age_restricted,
        count(*) filter (
            where decision_visibility = 'DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED'
        ) as visibility_interaction_restricted,
        count(*) filter (where decision_visibility = 'DECISION_VISIBILITY_CONTENT_LABELLED') as visibility_labelled,
        count(*) filter (where decision_visibility = 'DECISION_VISIBILITY_OTHER') as visibility_other,
        count(*) filter (where decision_monetary = 'DECISION_MONETARY_SUSPENSION') as monetary_suspension,
        count(*) filter (where decision_monetary = 'DECISION_MONETARY_TERMINATION') as monetary_termination,
        count(*) filter (where decision_monetary = 'DECISION_MONETARY_OTHER') as monetary_other,
        count(*) filter (where decision_provision like 'DECISION_PROVISION_%_SUSPENSION') as provision_suspension,
        count(*) filter (where decision_provision like 'DECISION_PROVISION_%_TERMINATION') as provision_termination,
        count(*) filter (where decision_account = 'DECISION_ACCOUNT_SUSPENDED') as account_suspension,
        count(*) filter (where decision_account = 'DECISION_ACCOUNT_TERMINATED') as account_termination
    from expanded
    where not (row_level = 'keyword' and keyword is null)
    group by decision_ground, row_level, category, keyword, other_description

)

select * from final
