{{ config(tags=detection_rule_tags()) }}
-- Descriptions stuffed with repeated search terms ("lofi chill beats study lofi chill beats ...").
with content as (
    select
        content_id,
        created_at,
        {{ split_text(regex_replace_all("lower(coalesce(description, ''))", "'[^a-z0-9 ]'", "' '"), ' ') }} as raw_words
    from {{ ref('stg_platform__content') }}
),

words as (
    select
        content_id,
        created_at,
        {{ array_filter('raw_words', 'word', 'length(word) >= 3') }} as words
    from content
),

final as (
    select
        {{ detection_rule_identity() }},
        'content' as target_type,
        content_id as target_id,
        created_at as flagged_at
    from words
    where
        {{ array_size('words') }} >= 10
        and {{ array_size(array_sorted_distinct('words')) }} <= 0.6 * {{ array_size('words') }}
)

select * from final
