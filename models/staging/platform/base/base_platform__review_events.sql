{{ platform_base('review_events') }}
