-- Annex I Part 6: own-initiative measures on the basis of incompatibility with the terms and conditions (decision ground terms),
-- decided in the reporting period with effect in the EU/EEA: total, category and keyword rows,
-- measures after detection by solely automated means, and counts by type of restriction.

with

grouped as (

    select * from {{ ref('int_dsa_own_initiative_grouped') }}

),

final as (

    select
        row_level,
        scope,
        category,
        keyword,
        other_description,
        measures,
        measures_solely_automated,
        visibility_removed,
        visibility_disabled,
        visibility_demoted,
        visibility_age_restricted,
        visibility_interaction_restricted,
        visibility_labelled,
        visibility_other,
        monetary_suspension,
        monetary_termination,
        monetary_other,
        provision_suspension,
        provision_termination,
        account_suspension,
        account_termination
    from grouped
    where decision_ground = 'terms'

)

select * from final
