-- Temporary restrictions of judged-spam items: an exposure-ending action with an end date (a
-- temporary suspension) stops exposure only from its effective_at until its end_at; after that
-- the item can be seen again and its impressions are unwanted again until a lasting action. One
-- row per item, action and country of the action's scope (`GLOBAL` for everywhere).
with

content_actions as (

    select * from {{ ref('int_content_actions') }}

),

judged_items as (

    select distinct content_id
    from content_actions
    where is_spam

),

final as (

    select
        content_actions.content_id,
        content_actions.action_id,
        {{ unnest_rows('content_actions.territorial_scope') }} as scope_country,
        content_actions.effective_at as paused_from,
        content_actions.end_at as paused_to
    from content_actions
    inner join judged_items
        on content_actions.content_id = judged_items.content_id
    where
        content_actions.ends_exposure
        and content_actions.end_at is not null
        and content_actions.end_at > content_actions.effective_at

)

select * from final
