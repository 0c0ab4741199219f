with

content_types as (

    select * from {{ ref('content_types') }}

),

final as (

    select
        content_type,
        content_type_name,
        dsa_content_type,
        dsa_content_type_other
    from content_types

)

select * from final
