with

languages as (

    select * from {{ ref('eu_languages') }}

),

final as (

    select
        language_code,
        language_name,
        template_order
    from languages

)

select * from final
