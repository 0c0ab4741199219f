with

countries as (

    select * from {{ ref('countries') }}

),

final as (

    select
        country_code,
        country_name,
        is_eu,
        is_eea,
        eurostat_code,
        {{ split_text('official_languages', ';') }} as official_languages
    from countries

)

select * from final
