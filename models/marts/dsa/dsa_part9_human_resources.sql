-- Annex I Part 9 (very large online platforms): people moderating content during the reporting
-- period, from the moderator roster (dim_moderator): everyone active on any day of the period.
-- Internal = employed by the provider, external = contracted through a vendor. Per official EU
-- language (dim_language): moderators listing it (a moderator with three languages counts in
-- each, once in the total). The roster carries neither full-time equivalents nor CEFR levels:
-- figures are headcounts, and a listed language is taken as sufficient expertise (the context
-- says so).

with

period as (

    select * from {{ ref('dsa_report_period') }}

),

moderators as (

    select moderators.*
    from {{ ref('dim_moderator') }} as moderators
    cross join period
    where
        moderators.active_from <= period.period_end
        and coalesce(moderators.active_to, period.period_end) >= period.period_start

),

eu_languages as (

    select language_code from {{ ref('dim_language') }}

),

spoken as (

    select distinct
        moderators.reviewer_key,
        lower(spoken_languages.language_code) as language_code
    from moderators
    {{ lateral_unnest('moderators.languages', 'spoken_languages', 'language_code') }}

),

headcount as (

    select
        count(*) filter (where employment = 'internal') as internal_moderators,
        count(*) filter (where employment = 'external') as external_moderators,
        count(*) as moderators
    from moderators

),

per_language as (

    select
        eu_languages.language_code,
        count(spoken.reviewer_key) as moderators
    from eu_languages
    left join spoken
        on eu_languages.language_code = spoken.language_code
    group by eu_languages.language_code

),

final as (

    select
        'internal_moderators' as indicator,
        'total' as scope,
        cast(internal_moderators as double) as figure,
        'Headcount of moderators active at any time in the period (the roster has no FTE).' as context
    from headcount
    union all
    select
        'external_moderators' as indicator,
        'total' as scope,
        cast(external_moderators as double) as figure,
        'Headcount of moderators active at any time in the period (the roster has no FTE).' as context
    from headcount
    union all
    select
        'moderators_linguistic' as indicator,
        'total' as scope,
        cast(moderators as double) as figure,
        'Headcount of moderators active at any time in the period (the roster has no FTE); '
        || 'each counts once.' as context
    from headcount
    union all
    select
        'moderators_linguistic' as indicator,
        language_code as scope,
        cast(moderators as double) as figure,
        'Moderators listing the language in the roster (no CEFR level recorded).' as context
    from per_language

)

-- published numbers are fixed decimals (counts stay whole)
select
    indicator,
    scope,
    {{ fixed_decimal('figure') }} as figure,
    context
from final
