{{ config(tags=detection_rule_tags()) }}
-- Descriptions stuffed with repeated search terms ("lofi chill beats study lofi chill beats ...").
with content as (
    select
        content_id,
        created_at,
        string_split(regexp_replace(lower(coalesce(description, '')), '[^a-z0-9 ]', ' ', 'g'), ' ') as raw_words
    from {{ ref('stg_platform__content') }}
),

words as (
    select
        content_id,
        created_at,
        list_filter(raw_words, lambda word: len(word) >= 3) as words
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
        len(words) >= 10
        and len(list_distinct(words)) <= 0.6 * len(words)
)

select * from final
