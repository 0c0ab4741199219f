-- Impression-weighted spam prevalence per day and surface, plus surface = 'all' (all samples of
-- the day pooled). A cell with no labelled sample has no row.
with

samples as (

    select * from {{ ref('int_prevalence_samples_scored') }}

),

by_surface as (

    select
        date_day,
        surface,
        {{ prevalence_sums() }}
    from samples
    group by date_day, surface

),

all_surfaces as (

    select
        date_day,
        'all' as surface,
        {{ prevalence_sums() }}
    from samples
    group by date_day

),

cells as (

    select * from by_surface
    union all
    select * from all_surfaces

),

final as (

    select
        date_day,
        surface,
        {{ prevalence_measures() }}
    from cells
    where labelled_samples > 0

)

select * from final
